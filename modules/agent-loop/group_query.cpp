#include "group_query.h"

#include <rdconsole/sdk.hpp>

#include <algorithm>
#include <string>

namespace agent {
namespace {

// An optionally signed run of decimal digits; saturates instead of
// overflowing (only the clamped value matters). nullopt when it is not one.
std::optional<int64_t> integerOf(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty())
    return std::nullopt;
  constexpr int64_t kCap = int64_t{1} << 40;
  int64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return std::nullopt;
    n = std::min(kCap, n * 10 + (c - '0'));
  }
  return negative ? -n : n;
}

} // namespace

PageQuery parsePageQuery(std::optional<std::string_view> current,
                         std::optional<std::string_view> pageSize) {
  PageQuery q;
  if (current && !current->empty()) {
    auto n = integerOf(*current);
    if (!n || *n < 1)
      throw rdc::HttpError(400, "Query parameter 'current' must be a positive integer");
    q.current = std::min(*n, kMaxPage);
  }
  if (pageSize && !pageSize->empty()) {
    auto n = integerOf(*pageSize);
    if (!n)
      throw rdc::HttpError(400, "Query parameter 'pageSize' must be an integer");
    q.pageSize = std::clamp<int64_t>(*n, 1, kMaxPageSize);
  }
  return q;
}

std::optional<int32_t> parseUserStatus(std::optional<std::string_view> status) {
  if (!status || status->empty())
    return std::nullopt;
  auto n = integerOf(*status);
  if (!n || *n < -1 || *n > 1)
    throw rdc::HttpError(400, "Query parameter 'status' must be -1, 0 or 1");
  return static_cast<int32_t>(*n);
}

} // namespace agent
