#include "login_request.h"

#include <rdconsole/json.hpp>

namespace auth {

namespace {
constexpr std::size_t kMaxNameBytes = 256;
constexpr std::size_t kMaxPasswordBytes = 1024;
constexpr std::size_t kMaxDeviceFieldBytes = 256;
constexpr std::size_t kMaxTypeBytes = 64;

void checkLoginType(const nlohmann::json &body) {
  const auto type = rdc::optString(body, "type", kMaxTypeBytes);
  if (!type || *type == "account")
    return;
  // The client's second step after an "email_check" challenge. This server
  // never sends that challenge, so a code can only come from a confused or
  // hand-made request.
  if (*type == "email_code")
    throw rdc::HttpError(400, "Verification codes are not enabled on this server");
  throw rdc::HttpError(400, "Unsupported login type '" + *type + "'");
}
} // namespace

LoginRequest parseLoginRequest(const nlohmann::json &body) {
  checkLoginType(body);
  LoginRequest r;
  r.username = rdc::requireString(body, "username", kMaxNameBytes);
  if (r.username.empty())
    throw rdc::HttpError(400, "Field 'username' must not be empty");
  r.password = rdc::requireString(body, "password", kMaxPasswordBytes);
  r.deviceId = rdc::optString(body, "id", kMaxDeviceFieldBytes).value_or("");
  r.deviceUuid = rdc::optString(body, "uuid", kMaxDeviceFieldBytes).value_or("");
  if (const nlohmann::json *info = rdc::optObject(body, "deviceInfo")) {
    r.deviceOs = rdc::optString(*info, "os", kMaxDeviceFieldBytes).value_or("");
    (void)rdc::optString(*info, "type", kMaxDeviceFieldBytes); // validated only
    r.deviceName = rdc::optString(*info, "name", kMaxDeviceFieldBytes).value_or("");
  }
  return r;
}

} // namespace auth
