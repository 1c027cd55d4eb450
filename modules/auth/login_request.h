// The body of POST /api/login, validated (see README.md for the rules).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace auth {

struct LoginRequest {
  std::string username;
  std::string password;
  // What the issued token is bound to; empty when the client did not say.
  std::string deviceId;
  std::string deviceUuid;
  std::string deviceOs;
  std::string deviceName;
};

// Throws rdc::HttpError(400, ...) for an unsupported login type or a missing,
// mistyped or oversized field. Unknown keys are ignored.
LoginRequest parseLoginRequest(const nlohmann::json &body);

} // namespace auth
