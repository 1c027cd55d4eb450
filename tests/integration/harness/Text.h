// Small text checks on what a server printed (its log, a command's output).
#pragma once

#include <cstddef>
#include <string_view>

namespace harness {

// How many times `needle` occurs in `hay` (overlapping occurrences counted).
inline size_t countOf(std::string_view hay, std::string_view needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string_view::npos; at = hay.find(needle, at + 1))
    ++n;
  return n;
}

} // namespace harness
