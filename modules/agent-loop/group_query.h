// The query parameters of the group view (client-truth §2.21-2.23, §5.6):
// ?current=N&pageSize=M (1-based; defaults 1 and 100) and, for /api/users,
// status. Pure logic: throws rdc::HttpError(400) for a value that is not an
// integer.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace agent {

inline constexpr int64_t kDefaultPageSize = 100;
inline constexpr int64_t kMaxPageSize = 1000;
// Pages beyond this are empty whatever the data (keeps offsets in range).
inline constexpr int64_t kMaxPage = 1000000000;

struct PageQuery {
  int64_t current = 1;
  int64_t pageSize = kDefaultPageSize;
  int64_t offset() const { return (current - 1) * pageSize; }
};

// Absent or empty = the default. current must be >= 1 (larger than kMaxPage
// reads as kMaxPage); pageSize is clamped to 1..kMaxPageSize.
PageQuery parsePageQuery(std::optional<std::string_view> current,
                         std::optional<std::string_view> pageSize);

// Absent or empty = any status (nullopt); else -1 (unverified), 0 (disabled)
// or 1 (normal).
std::optional<int32_t> parseUserStatus(std::optional<std::string_view> status);

} // namespace agent
