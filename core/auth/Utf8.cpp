#include "auth/Utf8.h"

#include <cstdint>

namespace rdc::auth {

long utf8Length(std::string_view s) {
  long n = 0;
  for (size_t i = 0; i < s.size(); ++n) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xE  ? 3
                 : (c >> 3) == 0x1E ? 4
                                    : 0;
    if (len == 0 || i + len > s.size())
      return -1;
    uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80)
        return -1;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return -1;
    i += len;
  }
  return n;
}

bool hasControlChar(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return true;
  return false;
}

std::string textProblem(std::string_view what, std::string_view s, size_t maxBytes,
                        bool allowEmpty) {
  const std::string w(what);
  if (s.empty())
    return allowEmpty ? "" : w + " must not be empty";
  if (s.size() > maxBytes)
    return w + " is too long (at most " + std::to_string(maxBytes) + " bytes)";
  if (hasControlChar(s))
    return w + " must not contain control characters";
  if (utf8Length(s) < 0)
    return w + " must be valid UTF-8";
  return "";
}

} // namespace rdc::auth
