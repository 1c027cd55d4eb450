#include "http/Router.h"

#include "http/Query.h"

#include <map>
#include <stdexcept>

namespace rdc::http {

struct Router::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::unique_ptr<Node> param; // whole-segment {name}
  std::string paramName;
  std::map<std::string, const RouteTarget *, std::less<>> methods;
};

namespace {
std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path.front() != '/')
    return out;
  path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos)
      break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool isParam(std::string_view seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}
} // namespace

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;

void Router::add(std::string_view method, std::string_view pattern, const RouteTarget *target) {
  if (pattern.empty() || pattern.front() != '/')
    throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
  if (method != "GET" && method != "POST" && method != "PUT" && method != "DELETE" &&
      method != "PATCH")
    throw std::invalid_argument("unsupported route method: " + std::string(method));
  Node *node = root_.get();
  for (std::string_view seg : segments(pattern)) {
    if (isParam(seg)) {
      std::string name(seg.substr(1, seg.size() - 2));
      if (name.find_first_of("{}/") != std::string::npos)
        throw std::invalid_argument("malformed route parameter in " + std::string(pattern));
      if (!node->param) {
        node->param = std::make_unique<Node>();
        node->paramName = name;
      } else if (node->paramName != name) {
        throw std::invalid_argument("route " + std::string(pattern) + " names parameter {" + name +
                                    "} where another route has {" + node->paramName + "}");
      }
      node = node->param.get();
    } else {
      if (seg.find_first_of("{}") != std::string_view::npos)
        throw std::invalid_argument("malformed route pattern: " + std::string(pattern));
      auto it = node->literals.find(seg);
      if (it == node->literals.end())
        it = node->literals.emplace(std::string(seg), std::make_unique<Node>()).first;
      node = it->second.get();
    }
  }
  if (!node->methods.emplace(std::string(method), target).second)
    throw std::invalid_argument("duplicate route: " + std::string(method) + " " +
                                std::string(pattern));
}

MatchResult Router::match(std::string_view method, std::string_view path, Match &out,
                          std::vector<std::string> *allowed) const {
  auto segs = segments(path);
  if (segs.empty())
    return MatchResult::NoPath;
  // Depth-first with literal preference; backtracks into {param} branches.
  PathParams params;
  const Node *found = nullptr;
  // Recursive lambda over segments; route trees are shallow (≤ ~8 levels).
  auto walk = [&](auto &self, const Node *node, size_t depth) -> bool {
    if (depth == segs.size()) {
      if (node->methods.empty())
        return false;
      found = node;
      return true;
    }
    auto it = node->literals.find(segs[depth]);
    if (it != node->literals.end() && self(self, it->second.get(), depth + 1))
      return true;
    if (node->param && !segs[depth].empty()) {
      auto decoded = percentDecode(segs[depth], false);
      if (!decoded)
        return false;
      params.emplace_back(node->paramName, std::move(*decoded));
      if (self(self, node->param.get(), depth + 1))
        return true;
      params.pop_back();
    }
    return false;
  };
  if (!walk(walk, root_.get(), 0))
    return MatchResult::NoPath;
  std::string_view lookup = method == "HEAD" ? std::string_view("GET") : method;
  auto m = found->methods.find(lookup);
  if (m == found->methods.end()) {
    if (allowed) {
      allowed->clear();
      for (const auto &[name, target] : found->methods) {
        allowed->push_back(name);
        if (name == "GET")
          allowed->push_back("HEAD");
      }
    }
    return MatchResult::WrongMethod;
  }
  out.target = m->second;
  out.params = std::move(params);
  return MatchResult::Found;
}

} // namespace rdc::http
