// Does a request come from the device its token was issued to?
#pragma once

#include <string_view>

namespace auth {

// True when the token is bound to a uuid (or id) and the request names a
// different, non-empty one. An empty side on either end proves nothing.
bool issuedToAnotherDevice(std::string_view boundId, std::string_view boundUuid,
                           std::string_view sentId, std::string_view sentUuid);

} // namespace auth
