// Module "agent-loop": what every installed RustDesk client calls without a
// login (client-truth §2.24-2.26, §4 S12): heartbeat, sysinfo, sysinfo_ver.
// The hot path of the whole server. Devices (id + pinned uuid) live in the
// core registry; presence is served from memory (presence.cpp) and made
// durable in batches (flusher.cpp); sysinfo and operator requests are in this
// module's tables (store.cpp). Operator command: `rdconsole devices ...`.
// Logged-in side: the group view (group_view.cpp) and, with an
// administrator's token, --assign / --deploy (devices_api.cpp, assign.cpp);
// --assign also takes an API token of scope "devices".
#include "cli.h"
#include "device_store.h"
#include "devices_api.h"
#include "flusher.h"
#include "group_view.h"
#include "handlers.h"
#include "presence_log.h"
#include "preset_memory.h"
#include "settings.h"
#include "store.h"
#include "strategies.h"

#include <rdconsole/sdk.hpp>

#include <memory>

namespace agent {

PresenceTable &presence() {
  static PresenceTable table;
  return table;
}

} // namespace agent

namespace {

std::unique_ptr<agent::Flusher> g_flusher;

constexpr int64_t kHeartbeatBodyLimit = 64 * 1024;

void init() {
  const agent::Settings &s = agent::loadSettings();
  (void)s;
  agent::addSchema();
  agent::addStrategySchema();     // migrations 2 and 4 (strategies, their option keys)
  agent::addDeviceSchema();       // migration 3 (labels, deployed keys)
  agent::addPresetMemorySchema(); // migration 5 (presets last applied)
  agent::addPresenceLogSchema();  // migration 6 (the presence log)
  agent::loadDeploySettings();
  rdc::addRoute("POST", "/api/heartbeat", RDC_AUTH_NONE, agent::handleHeartbeat,
                kHeartbeatBodyLimit);
  rdc::addRoute("POST", "/api/sysinfo", RDC_AUTH_NONE, agent::handleSysinfo,
                agent::settings().maxSysinfoBytes);
  rdc::addRoute("POST", "/api/sysinfo_ver", RDC_AUTH_NONE, agent::handleSysinfoVer,
                kHeartbeatBodyLimit);
  // The group view (a logged-in user's Bearer token; client-truth §2.21-2.23).
  rdc::addRoute("GET", "/api/device-group/accessible", RDC_AUTH_USER,
                agent::handleAccessibleDeviceGroups);
  rdc::addRoute("GET", "/api/users", RDC_AUTH_USER, agent::handleUsers);
  rdc::addRoute("GET", "/api/peers", RDC_AUTH_USER, agent::handlePeers);
  // `rustdesk --assign` / `--deploy` with an administrator's token (§2.32, E3);
  // --assign also with an API token of scope "devices", so its handler
  // authorises the caller itself.
  rdc::addRoute("POST", "/api/devices/cli", RDC_AUTH_NONE, agent::handleDevicesCli,
                kHeartbeatBodyLimit);
  rdc::addRoute("POST", "/api/devices/deploy", RDC_AUTH_ADMIN, agent::handleDeploy,
                kHeartbeatBodyLimit);
  rdc::addCommand("devices", "devices: list, disconnect, request-sysinfo, repin",
                  agent::runDevicesCommand);
  rdc::addCommand("strategy", "strategies: create, set, assign to a device, user or device group",
                  agent::runStrategyCommand);
}

void start() {
  g_flusher = std::make_unique<agent::Flusher>(agent::presence(), agent::settings().flushIntervalMs,
                                               agent::settings().compactIntervalMs);
  g_flusher->start();
}

void stop() {
  if (g_flusher)
    g_flusher->stop(); // a last flush: a clean shutdown loses no presence
  g_flusher.reset();
}

} // namespace

RDC_MODULE("agent-loop", "0.1.0", "Heartbeat, sysinfo and presence of RustDesk clients",
           RDC_NO_DEPS, init, start, stop)
