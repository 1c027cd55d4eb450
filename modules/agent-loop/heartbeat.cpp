// POST /api/heartbeat: the hot path (every 15 s per device, every 3 s in a
// session). Known devices are served from memory: no database access unless
// an operator request is pending.
#include "agent_request.h"
#include "handlers.h"
#include "settings.h"
#include "store.h"
#include "strategy_cache.h"

#include <rdconsole/json.hpp>

namespace agent {
namespace {

void refuseMismatch(rdc::Exchange &ex, const Contact &c) {
  // A security event: someone presents a pinned id with another machine's
  // uuid. Logged and published; nothing changes.
  std::string payload =
      "{\"id\":" + rdc::jsonQuote(c.id) + ",\"client_ip\":" + rdc::jsonQuote(ex.clientIp()) + "}";
  rdc::logWarn("uuid mismatch for device id " + rdc::jsonQuote(c.id) + " from " +
               std::string(ex.clientIp()) + ": refused");
  rdc::publish("agent-loop.uuid_mismatch", payload);
  throw rdc::HttpError(403, "This device id is registered to another machine (uuid mismatch)");
}

// Looks the device up in the registry (pinning its uuid on first sight) and
// loads what the server owes it; then it is served from memory.
void admitFromRegistry(const Contact &c) {
  rdc::PinResult pin = rdc::pinDevice(c.id, c.uuid);
  rdc::Db db = rdc::Db::acquire();
  bool sysinfo = hasSysinfo(db, c.id);
  PendingFlags flags = pendingFor(db, c.id);
  PresenceTable::Admission a;
  a.pinnedUuid = pin.device.uuid;
  a.hasSysinfo = sysinfo;
  a.sysinfoRequested = flags.sysinfoRequested;
  a.disconnectPending = flags.disconnectPending;
  a.ownerUserId = pin.device.ownerUserId;
  a.deviceGroupId = pin.device.deviceGroupId;
  presence().admit(c.id, a);
}

} // namespace

Seen admitRequest(rdc::Exchange &ex, const Contact &c) {
  const Settings &cfg = settings();
  RateLimit limit{cfg.maxRequestsPerDevice, cfg.rateWindowSeconds};
  Seen seen = presence().touch(c, limit);
  if (seen.verdict == Verdict::Unknown) {
    admitFromRegistry(c);
    seen = presence().touch(c, limit);
  } else if (seen.verdict == Verdict::UuidMismatch && seen.recheckPin) {
    // The pin may have changed from another process (rdconsole devices repin).
    rdc::PinResult pin = rdc::pinDevice(c.id, c.uuid);
    if (pin.pinned) {
      presence().forget(c.id);
      admitFromRegistry(c);
      seen = presence().touch(c, limit);
    }
  }
  if (seen.verdict == Verdict::UuidMismatch)
    refuseMismatch(ex, c);
  if (seen.verdict == Verdict::RateLimited)
    throw rdc::HttpError(429, "Too many requests for this device");
  return seen;
}

void handleHeartbeat(rdc::Exchange &ex) {
  Heartbeat hb = parseHeartbeat(ex.body());
  Contact c{hb.device.id, hb.device.uuid, rdc::api().now_ms(), hb.ver, &hb.conns};
  Seen seen = admitRequest(ex, c);

  std::vector<int32_t> disconnect;
  if (seen.disconnectPending || seen.wantSysinfo) {
    // Rare paths only: the common heartbeat never touches the database.
    rdc::Db db = rdc::Db::acquire();
    if (seen.disconnectPending) {
      presence().setDisconnectPending(c.id, false);
      disconnect = takeDisconnects(db, c.id, c.nowMs);
    }
    // Another instance may have received the sysinfo (or delivered the
    // operator's request) meanwhile.
    if (seen.wantSysinfo && !needsSysinfo(db, c.id)) {
      presence().markSysinfoStored(c.id);
      seen.wantSysinfo = false;
    }
  }
  // The strategy goes only to a client whose stamp differs: the client
  // rewrites its whole config on every delivery (client-truth §2.24). A
  // client holding a stamp when no strategy applies any more gets its
  // options reset. `snapshot` keeps the payload alive until the reply is built.
  std::shared_ptr<const StrategySnapshot> snapshot = strategyCache().current();
  int64_t clientStamp = hb.modifiedAt.value_or(0);
  // A plain struct, not a std::optional: GCC 12 at -O2 reports a false
  // -Wmaybe-uninitialized for the optional's fields.
  EffectiveStrategy strategy;
  if (auto owed = snapshot->effective(c.id, seen.ownerUserId, seen.deviceGroupId))
    strategy = *owed;
  else if (clientStamp != 0)
    strategy = snapshot->withdrawn();
  if (strategy.payload && strategy.stamp == clientStamp)
    strategy.payload = nullptr; // the client has it
  if (!seen.wantSysinfo && disconnect.empty() && !strategy.payload) {
    ex.json(200, "{}");
    return;
  }
  std::string reply = "{";
  auto sep = [&reply] {
    if (reply.size() > 1)
      reply += ',';
  };
  // Any "sysinfo" key makes the client re-upload (client-truth §0 B6): only
  // when the server wants it.
  if (seen.wantSysinfo)
    reply += "\"sysinfo\":1";
  if (!disconnect.empty()) {
    sep();
    reply += "\"disconnect\":" + rdc::jsonDump(nlohmann::json(disconnect));
  }
  if (strategy.payload) {
    sep();
    reply += "\"modified_at\":" + std::to_string(strategy.stamp) + ",\"strategy\":";
    reply += *strategy.payload;
  }
  reply += '}';
  ex.json(200, reply);
}

} // namespace agent
