// Operator commands that modules add (ABI 1.1 command_add): the names the
// core keeps for itself, the naming rule, and what the loader stores.
#pragma once

#include "rdconsole/module.h"

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace rdc::modules {

// The verbs the core answers itself ("user", "group", ...). A module command
// with one of these names would be unreachable, so command_add refuses it.
const std::vector<std::string> &coreVerbs();
bool isCoreVerb(std::string_view name);

// "" or why `name` is not a command name: [a-z][a-z0-9-]{0,31}.
std::string commandNameProblem(std::string_view name);

struct Command {
  std::string name;
  std::string summary;
  rdc_command_fn fn = nullptr;
  void *userData = nullptr;
};

} // namespace rdc::modules

// The state behind the ABI's opaque rdc_command_ctx: where cmd_write goes.
struct rdc_command_ctx {
  std::ostream *out = nullptr; // stream 1
  std::ostream *err = nullptr; // stream 2
};
