// What heartbeat and sysinfo bodies carry that the server acts on (client-truth
// §2.24, §2.26). Pure logic: throws rdc::HttpError(400) with a clear message.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agent {

inline constexpr size_t kMaxIdBytes = 64;
inline constexpr size_t kMaxUuidBytes = 256;

struct DeviceKey {
  std::string id, uuid;
};

struct Heartbeat {
  DeviceKey device;
  int64_t ver = 0;
  std::optional<int64_t> modifiedAt;
  std::vector<int32_t> conns;
};

// id and uuid: required non-empty strings (uuid is standard base64 of the
// machine uid, but only its identity matters here).
DeviceKey parseDeviceKey(const nlohmann::json &body);
// The heartbeat body: the plain form the client sends is scanned directly
// (heartbeat_scan.h), anything else goes through parseHeartbeatJson.
Heartbeat parseHeartbeat(std::string_view body);
// The same with the general JSON parser, for every body.
Heartbeat parseHeartbeatJson(std::string_view body);

} // namespace agent
