#include "device_binding.h"

namespace auth {

namespace {
bool differs(std::string_view bound, std::string_view sent) {
  return !bound.empty() && !sent.empty() && bound != sent;
}
} // namespace

bool issuedToAnotherDevice(std::string_view boundId, std::string_view boundUuid,
                           std::string_view sentId, std::string_view sentUuid) {
  return differs(boundUuid, sentUuid) || differs(boundId, sentId);
}

} // namespace auth
