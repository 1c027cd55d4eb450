#include "agent_request.h"
#include "heartbeat_scan.h"

#include <rdconsole/json.hpp>

#include <limits>

namespace agent {

DeviceKey parseDeviceKey(const nlohmann::json &body) {
  DeviceKey k;
  k.id = rdc::requireString(body, "id", kMaxIdBytes);
  k.uuid = rdc::requireString(body, "uuid", kMaxUuidBytes);
  if (k.id.empty())
    throw rdc::HttpError(400, "Field 'id' must not be empty");
  if (k.uuid.empty())
    throw rdc::HttpError(400, "Field 'uuid' must not be empty");
  return k;
}

Heartbeat parseHeartbeatJson(std::string_view text) {
  nlohmann::json body = rdc::parseJsonObject(text);
  Heartbeat hb;
  hb.device = parseDeviceKey(body);
  hb.ver = rdc::optInt64(body, "ver").value_or(0);
  hb.modifiedAt = rdc::optInt64(body, "modified_at");
  if (auto it = body.find("conns"); it != body.end() && !it->is_null()) {
    if (!it->is_array())
      throw rdc::HttpError(400, "Field 'conns' must be an array of connection ids");
    for (const nlohmann::json &c : *it) {
      if (!c.is_number_integer() || c.get<int64_t>() < std::numeric_limits<int32_t>::min() ||
          c.get<int64_t>() > std::numeric_limits<int32_t>::max() ||
          (c.is_number_unsigned() && c.get<uint64_t>() > 0x7FFFFFFFull))
        throw rdc::HttpError(400, "Field 'conns' must be an array of 32-bit integers");
      hb.conns.push_back(static_cast<int32_t>(c.get<int64_t>()));
    }
  }
  return hb;
}

Heartbeat parseHeartbeat(std::string_view text) {
  if (std::optional<Heartbeat> plain = scanPlainHeartbeat(text))
    return std::move(*plain);
  return parseHeartbeatJson(text);
}

} // namespace agent
