// What a router entry points at: a module's handler plus its route settings.
#pragma once

#include "rdconsole/module.h"

#include <cstdint>
#include <string>

namespace rdc::http {

struct RouteTarget {
  rdc_module *module = nullptr; // nullptr for the core's own routes
  std::string method;
  std::string pattern;
  int32_t authLevel = RDC_AUTH_NONE;
  int64_t maxBodyBytes = 0; // 0 = server default
  rdc_handler_fn handler = nullptr;
  void *userData = nullptr;
};

} // namespace rdc::http
