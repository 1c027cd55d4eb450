#include "request.h"

#include <rdconsole/json.hpp>

#include <algorithm>
#include <set>

namespace abshared {
namespace {

std::optional<int64_t> positive(std::optional<std::string_view> s) {
  if (!s || s->empty() || s->size() > 9)
    return std::nullopt;
  int64_t n = 0;
  for (char c : *s) {
    if (c < '0' || c > '9')
      return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n >= 1 ? std::optional<int64_t>(n) : std::nullopt;
}

} // namespace

Page parsePage(std::optional<std::string_view> current, std::optional<std::string_view> pageSize) {
  Page p;
  p.current = positive(current).value_or(1);
  p.pageSize = std::clamp<int64_t>(positive(pageSize).value_or(100), 1, 1000);
  return p;
}

Page pageOf(rdc::Exchange &ex) {
  return parsePage(ex.query("current"), ex.query("pageSize"));
}

int64_t userIdOf(rdc::Exchange &ex) {
  auto u = ex.user();
  if (!u)
    throw rdc::HttpError(401, "Not logged in");
  return u->id;
}

std::string guidOf(rdc::Exchange &ex) {
  auto g = ex.param("guid");
  if (!g || g->empty())
    throw rdc::HttpError(404, "Address book not found");
  return std::string(*g);
}

std::vector<std::string> parseStringArray(std::string_view body, const char *what,
                                          size_t maxBytes) {
  bool blank = std::all_of(body.begin(), body.end(),
                           [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
  if (blank)
    throw rdc::HttpError(400, std::string("Request body must be a JSON array of ") + what);
  if (rdc::detail::nestingDepth(body, rdc::kMaxJsonDepth) > rdc::kMaxJsonDepth)
    throw rdc::HttpError(400, "Request body is nested too deeply");
  nlohmann::json arr = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
  if (arr.is_discarded())
    throw rdc::HttpError(400, "Request body is not valid JSON");
  if (!arr.is_array())
    throw rdc::HttpError(400, std::string("Request body must be a JSON array of ") + what);
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const nlohmann::json &v : arr) {
    if (!v.is_string() || v.get_ref<const std::string &>().empty() ||
        v.get_ref<const std::string &>().size() > maxBytes)
      throw rdc::HttpError(400, std::string("Request body must be a JSON array of ") + what +
                                    " (non-empty strings of at most " + std::to_string(maxBytes) +
                                    " bytes)");
    if (v.get_ref<const std::string &>().find('\0') != std::string::npos)
      throw rdc::HttpError(400, "Request body must not contain NUL characters");
    if (seen.insert(v.get<std::string>()).second)
      out.push_back(v.get<std::string>());
  }
  return out;
}

} // namespace abshared
