#include "auth/Paging.h"

namespace rdc::auth {

std::string pageProblem(int64_t offset, int64_t limit) {
  if (offset < 0)
    return "offset must not be negative";
  if (limit < 1 || limit > kMaxPageLimit)
    return "limit must be 1.." + std::to_string(kMaxPageLimit);
  return "";
}

std::string byteOrder(std::string_view engine, std::string_view column) {
  std::string out(column);
  if (engine == "postgresql")
    out += " COLLATE \"C\"";
  return out;
}

} // namespace rdc::auth
