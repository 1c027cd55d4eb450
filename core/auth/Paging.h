// Paged reads of the core's stores (ABI 1.3 device_list and user_list): the
// page type, the limits, and an ORDER BY that sorts the same on both engines.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rdc::auth {

constexpr int64_t kMaxPageLimit = 1000;

template <class T> struct Page {
  int64_t total = 0; // matching rows, all pages
  std::vector<T> rows;
};

// An error text or "": offset >= 0, limit 1..kMaxPageLimit.
std::string pageProblem(int64_t offset, int64_t limit);

// `column` as an ORDER BY term that sorts its text in byte order on the
// engine `engine` names. SQLite compares TEXT with memcmp already (and its
// index on the column serves the order); PostgreSQL would use the database's
// collation (en_US sorts "abc" before "ABC" and ignores punctuation), so it
// is told "C" there.
std::string byteOrder(std::string_view engine, std::string_view column);

} // namespace rdc::auth
