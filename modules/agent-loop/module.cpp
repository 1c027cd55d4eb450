// Module "agent-loop": what every installed RustDesk client calls without a
// login (client-truth §2.24-2.26, §4 S12): heartbeat, sysinfo, sysinfo_ver.
// The hot path of the whole server. Devices (id + pinned uuid) live in the
// core registry; presence is served from memory (presence.cpp) and made
// durable in batches (flusher.cpp); sysinfo and operator requests are in this
// module's tables (store.cpp). Operator command: `rdconsole devices ...`.
#include "cli.h"
#include "flusher.h"
#include "handlers.h"
#include "settings.h"
#include "store.h"

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
  rdc::addRoute("POST", "/api/heartbeat", RDC_AUTH_NONE, agent::handleHeartbeat,
                kHeartbeatBodyLimit);
  rdc::addRoute("POST", "/api/sysinfo", RDC_AUTH_NONE, agent::handleSysinfo,
                agent::settings().maxSysinfoBytes);
  rdc::addRoute("POST", "/api/sysinfo_ver", RDC_AUTH_NONE, agent::handleSysinfoVer,
                kHeartbeatBodyLimit);
  rdc::addCommand("devices", "devices: list, disconnect, request-sysinfo, repin",
                  agent::runDevicesCommand);
}

void start() {
  g_flusher =
      std::make_unique<agent::Flusher>(agent::presence(), agent::settings().flushIntervalMs);
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
