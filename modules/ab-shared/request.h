// What every ab-shared handler reads from a request.
#pragma once

#include <rdconsole/sdk.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace abshared {

// 1-based page from ?current=&pageSize= (client-truth §5.6): a missing or
// malformed current is 1; a missing or malformed pageSize is 100; pageSize
// is clamped to 1..1000.
struct Page {
  int64_t current = 1;
  int64_t pageSize = 100;
  int64_t offset() const { return (current - 1) * pageSize; }
};
Page pageOf(rdc::Exchange &ex);
Page parsePage(std::optional<std::string_view> current, std::optional<std::string_view> pageSize);

int64_t userIdOf(rdc::Exchange &ex);

// A path parameter that must be present (the router guarantees it).
std::string guidOf(rdc::Exchange &ex);

// A DELETE body: a JSON array of non-empty strings (peer ids or tag names),
// duplicates removed. Throws HttpError(400).
std::vector<std::string> parseStringArray(std::string_view body, const char *what, size_t maxBytes);

} // namespace abshared
