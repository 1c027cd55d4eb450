// The state behind the ABI's opaque rdc_exchange: one request and the
// response being built for it. Lives on the worker thread's stack for the
// duration of one request; every view handed to a module points into it.
#pragma once

#include "auth/Tokens.h"
#include "http/Query.h"
#include "http/RequestParser.h"
#include "http/Router.h"
#include "rdconsole/module.h"

#include <forward_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rdc::modules {
struct Host;
}

struct rdc_exchange {
  rdc::modules::Host *host = nullptr;
  const rdc::http::Headers *requestHeaders = nullptr;
  std::string method;
  std::string path;                            // decoded
  std::optional<rdc::http::QueryParams> query; // parsed before routing to a handler
  rdc::http::PathParams params;
  std::string body;
  std::string clientIp;
  std::string bearer; // raw token, "" when none

  // Resolved on demand for NONE routes, before the handler for USER/ADMIN.
  bool principalResolved = false;
  std::optional<rdc::auth::Principal> principal;

  int32_t status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string responseBody;
  bool contentTypeSet = false;

  // Request-lifetime storage for what is handed to the module as views
  // (stable addresses). forward_list, not deque: an empty deque allocates,
  // and most requests keep nothing.
  std::forward_list<std::string> arena;
  std::forward_list<rdc::auth::User> users;
  std::forward_list<rdc::auth::Principal> principals;
  const char *keep(std::string s) { return arena.emplace_front(std::move(s)).c_str(); }
};
