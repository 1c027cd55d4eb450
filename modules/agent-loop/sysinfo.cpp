// POST /api/sysinfo and POST /api/sysinfo_ver. The reply SYSINFO_UPDATED is a
// promise: the body is stored before it is sent (client-truth §0 B5, §5.17).
#include "agent_request.h"
#include "handlers.h"
#include "settings.h"
#include "store.h"

#include <rdconsole/json.hpp>

namespace agent {

namespace {
std::string fieldOr(const nlohmann::json &body, const char *key) {
  return rdc::optString(body, key, 4096).value_or("");
}
} // namespace

void handleSysinfo(rdc::Exchange &ex) {
  nlohmann::json body = rdc::parseJsonObject(ex.body());
  DeviceKey key = parseDeviceKey(body);
  SysinfoFields f{fieldOr(body, "hostname"), fieldOr(body, "username"), fieldOr(body, "os"),
                  fieldOr(body, "version")};
  Contact c{key.id, key.uuid, rdc::api().now_ms(), std::nullopt, nullptr};
  admitRequest(ex, c);
  {
    rdc::Db db = rdc::Db::acquire();
    saveSysinfo(db, key.id, ex.body(), f, c.nowMs);
  }
  presence().markSysinfoStored(key.id);
  ex.header("Content-Type", "text/plain; charset=utf-8");
  ex.json(200, "SYSINFO_UPDATED");
}

void handleSysinfoVer(rdc::Exchange &ex) {
  // Clients up to 1.4.0 re-upload when this string differs from the one they
  // saw last; bump agent-loop.sysinfo_version to ask all of them.
  ex.header("Content-Type", "text/plain; charset=utf-8");
  ex.json(200, "rdconsole-sysinfo-" + settings().sysinfoVersion);
}

} // namespace agent
