// POST /api/currentUser: who the bearer token belongs to (USER route).
#include "device_binding.h"
#include "handlers.h"
#include "user_json.h"

#include <rdconsole/json.hpp>

namespace auth {

namespace {
constexpr std::size_t kMaxDeviceFieldBytes = 256;
}

void handleCurrentUser(rdc::Exchange &ex) {
  // The client sends {"id","uuid"}; older ones may send nothing.
  const nlohmann::json body = rdc::parseJsonObject(ex.body(), true);
  const auto sentId = rdc::optString(body, "id", kMaxDeviceFieldBytes);
  const auto sentUuid = rdc::optString(body, "uuid", kMaxDeviceFieldBytes);

  // The host authenticated the request before calling us; these only fail
  // if the token was revoked in between.
  const auto bearer = ex.bearer();
  const auto token = bearer ? rdc::verifyToken(ex, *bearer) : std::nullopt;
  const auto user = ex.user();
  if (!token || !user)
    throw rdc::HttpError(401, "Invalid or expired token");

  if (issuedToAnotherDevice(token->deviceId, token->deviceUuid, sentId.value_or(""),
                            sentUuid.value_or("")))
    throw rdc::HttpError(401, "Token was issued to another device");

  rdc::replyJson(ex, 200, userJson(*user));
}

} // namespace auth
