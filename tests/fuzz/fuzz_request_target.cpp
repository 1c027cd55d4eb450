// Fuzzes the request-target path of the HTTP layer: splitTarget, percentDecode
// (both modes), parseQuery and Router::match on a route table shaped like the
// real one (literal and {param} segments). Input: the first byte picks the
// method (byte % 8 indexes kMethods, so the seeds use '0' GET, '1' POST, '2' PUT,
// '3' DELETE, '5' HEAD), the rest is the raw request target. Besides "no crash, no sanitizer
// report", it checks the properties the headers promise; a broken one aborts.
#include "http/Query.h"
#include "http/RouteTarget.h"
#include "http/Router.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {
using rdc::http::RouteTarget;

void require(bool ok, const char *what) {
  if (!ok) {
    std::fprintf(stderr, "property violated: %s\n", what);
    std::abort();
  }
}

struct Route {
  const char *method;
  const char *pattern;
};
const Route kRoutes[] = {
    {"GET", "/healthz"},
    {"POST", "/api/login"},
    {"POST", "/api/currentUser"},
    {"POST", "/api/ab/peers"},
    {"POST", "/api/ab/peer/add/{guid}"},
    {"PUT", "/api/ab/peer/update/{guid}"},
    {"DELETE", "/api/ab/peer/{guid}"},
    {"PUT", "/api/ab/tag/rename/{guid}"},
    {"POST", "/api/ab/tags/{guid}"},
    {"GET", "/api/audit/conn/active"},
    {"GET", "/api/users/{user}/groups/{group}"},
    {"DELETE", "/api/users/{user}/groups/{group}"},
};
const char *const kMethods[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", ""};

// Built once and never freed (Router is neither copyable nor movable).
const rdc::http::Router &router() {
  static const rdc::http::Router *const r = [] {
    auto *built = new rdc::http::Router;
    for (const Route &route : kRoutes) {
      auto *target = new RouteTarget;
      target->method = route.method;
      target->pattern = route.pattern;
      built->add(target->method, target->pattern, target);
    }
    return built;
  }();
  return *r;
}

size_t paramCount(const std::string &pattern) {
  size_t n = 0;
  for (char c : pattern)
    n += c == '{';
  return n;
}

void checkDecode(std::string_view in, bool plusIsSpace) {
  auto out = rdc::http::percentDecode(in, plusIsSpace);
  if (!out)
    return;
  require(out->find('\0') == std::string::npos, "percentDecode output holds no NUL");
  require(out->size() <= in.size(), "percentDecode never grows its input");
  bool plain = in.find('%') == std::string_view::npos &&
               (!plusIsSpace || in.find('+') == std::string_view::npos);
  if (plain)
    require(*out == in, "percentDecode leaves text without escapes unchanged");
}

void checkMatch(std::string_view method, std::string_view path) {
  rdc::http::Match match;
  std::vector<std::string> allowed;
  switch (router().match(method, path, match, &allowed)) {
  case rdc::http::MatchResult::Found:
    require(match.target != nullptr, "a found route has a target");
    require(match.target->method == method || (method == "HEAD" && match.target->method == "GET"),
            "a found route has the requested method (HEAD is served by GET)");
    require(match.params.size() == paramCount(match.target->pattern),
            "a found route yields one value per {param}");
    for (const auto &[name, value] : match.params) {
      require(!name.empty(), "parameter names are not empty");
      require(!value.empty(), "a {param} never matches an empty segment");
      require(value.find('\0') == std::string::npos, "parameter values hold no NUL");
    }
    break;
  case rdc::http::MatchResult::WrongMethod:
    require(!allowed.empty(), "a wrong-method answer lists the allowed methods");
    for (const auto &m : allowed)
      require(m != method, "the rejected method is not listed as allowed");
    break;
  case rdc::http::MatchResult::NoPath:
    break;
  }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  std::string_view method = kMethods[data[0] % (sizeof kMethods / sizeof kMethods[0])];
  std::string_view target(reinterpret_cast<const char *>(data) + 1, size - 1);

  auto [path, query] = rdc::http::splitTarget(target);
  require(target.substr(0, path.size()) == path, "the path is a prefix of the target");
  if (path.size() < target.size())
    require(target[path.size()] == '?', "the path ends where the query's '?' begins");
  require(query.size() <= target.size(), "the query lies inside the target");

  checkDecode(target, false);
  checkDecode(target, true);
  checkDecode(query, true);

  if (auto params = rdc::http::parseQuery(query)) {
    for (const auto &[key, value] : *params) {
      require(key.find('\0') == std::string::npos, "query keys hold no NUL");
      require(value.find('\0') == std::string::npos, "query values hold no NUL");
    }
  }

  checkMatch(method, path);
  return 0;
}
