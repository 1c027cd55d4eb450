// POST /api/sysinfo and POST /api/sysinfo_ver. The reply SYSINFO_UPDATED is a
// promise: the body is stored before it is sent (client-truth §0 B5, §5.17).
// Presets in the body (preset-user-name, ...) assign the device (presets.h).
#include "agent_request.h"
#include "assign.h"
#include "handlers.h"
#include "preset_memory.h"
#include "presets.h"
#include "settings.h"
#include "store.h"

#include <rdconsole/json.hpp>

namespace agent {

namespace {
std::string fieldOr(const nlohmann::json &body, const char *key) {
  return rdc::optString(body, key, 4096).value_or("");
}

// Best effort: the sysinfo is stored whatever the presets say, and the client
// must hear SYSINFO_UPDATED (any other reply makes it re-POST, §2.26). A
// preset naming an unknown user, strategy or device group changes nothing
// and is logged (and tried again with the next upload). Every upload re-sends
// the presets: a set already applied to the device is skipped, so an
// administrator's later change sticks (preset_memory.h).
void applyPresets(const std::string &id, const nlohmann::json &body, int64_t nowMs) {
  std::vector<std::string> skipped;
  AssignRequest presets = presetsOf(body, &skipped);
  for (const std::string &key : skipped)
    rdc::logWarn("sysinfo of device " + rdc::jsonQuote(id) + ": " + key +
                 " is not a string, ignored");
  if (!hasPresets(presets))
    return;
  try {
    std::string digest = presetDigest(presets);
    {
      rdc::Db db = rdc::Db::acquire();
      if (presetsApplied(db, id, digest))
        return;
    }
    AssignPlan plan = planAssignment(presets);
    std::optional<rdc::Device> device = rdc::getDevice(id); // registered by admitRequest
    if (!device)
      return;
    std::vector<std::string> changed =
        applyAssignment(*device, plan, AssignSource{"sysinfo-preset", 0, ""});
    {
      rdc::Db db = rdc::Db::acquire();
      rememberPresets(db, id, digest, nowMs);
    }
    // Strategy and address book are idempotent on their side and always
    // listed; the registry fields and labels only when they changed.
    std::string what;
    bool registryChanged = false;
    for (const std::string &c : changed) {
      what += (what.empty() ? "" : ", ") + c;
      registryChanged |= c != "strategy" && c != "address book";
    }
    rdc::log(registryChanged ? RDC_LOG_INFO : RDC_LOG_DEBUG,
             "sysinfo presets of device " + rdc::jsonQuote(id) + " applied: " + what);
  } catch (const AssignError &e) {
    rdc::logWarn("sysinfo presets of device " + rdc::jsonQuote(id) + " not applied: " + e.what());
  } catch (const std::exception &e) {
    rdc::logError("sysinfo presets of device " + rdc::jsonQuote(id) + " failed: " + e.what());
  }
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
  applyPresets(key.id, body, c.nowMs);
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
