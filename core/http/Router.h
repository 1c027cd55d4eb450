// Maps (method, path) to a route. Patterns are literal segments and
// whole-segment {name} parameters: "/api/ab/peer/add/{guid}". Literal
// segments win over parameters at the same depth.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rdc::http {

struct RouteTarget; // defined by the user of the router (opaque here)

using PathParams = std::vector<std::pair<std::string, std::string>>;

struct Match {
  const RouteTarget *target = nullptr;
  PathParams params; // decoded
};

enum class MatchResult { Found, NoPath, WrongMethod };

class Router {
public:
  Router();
  ~Router();
  // Throws std::invalid_argument for a malformed pattern or a duplicate
  // (method, pattern) pair. HEAD is answered by GET routes.
  void add(std::string_view method, std::string_view pattern, const RouteTarget *target);
  // `path` is the raw (still percent-encoded) path. Fills `allowed` with the
  // methods of the path on WrongMethod.
  MatchResult match(std::string_view method, std::string_view path, Match &out,
                    std::vector<std::string> *allowed = nullptr) const;

private:
  struct Node;
  std::unique_ptr<Node> root_;
};

} // namespace rdc::http
