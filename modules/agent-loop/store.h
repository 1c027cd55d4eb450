// agent-loop's tables (schema in module.cpp): presence (batched), sysinfo
// (written before SYSINFO_UPDATED is answered), and operator requests, which
// live in the database so that every instance sharing it sees them.
#pragma once

#include "presence.h"

#include <rdconsole/sdk.hpp>

#include <string>
#include <vector>

namespace agent {

struct PendingFlags {
  bool sysinfoRequested = false;
  bool disconnectPending = false;
};

bool hasSysinfo(rdc::Db &db, std::string_view id);
PendingFlags pendingFor(rdc::Db &db, std::string_view id);

struct PendingRequest {
  std::string deviceId, kind; // kind "sysinfo" | "disconnect"
};
std::vector<PendingRequest> allPending(rdc::Db &db);

// The truth behind a "send your sysinfo" answer: no sysinfo stored, or an
// operator asked for a re-upload (another instance may have received it).
bool needsSysinfo(rdc::Db &db, std::string_view id);

// Re-pins (kind "repin") and owner / device-group changes (kind "refresh",
// strategies.h deviceChanged) are recorded as already-delivered requests, so
// that every instance can notice them: ids of those after `afterId`, and the
// newest request id (the starting mark).
std::vector<std::pair<int64_t, std::string>> repinsAfter(rdc::Db &db, int64_t afterId);
int64_t newestRequestId(rdc::Db &db);
void recordRepin(rdc::Db &db, std::string_view id, int64_t nowMs);

// Marks the device's queued disconnects delivered and returns their conn ids
// (empty when another instance delivered them first).
std::vector<int32_t> takeDisconnects(rdc::Db &db, std::string_view id, int64_t nowMs);

struct SysinfoFields {
  std::string hostname, username, os, version;
};
// Stores the body verbatim and answers pending re-upload requests.
void saveSysinfo(rdc::Db &db, std::string_view id, std::string_view body,
                 const SysinfoFields &fields, int64_t nowMs);

// Multi-row upserts in the caller's transaction; a row keeps a newer
// last-seen than the batch's. The batch: one entry per device, in id order
// (as keepNewest leaves it).
void writePresenceRows(rdc::Db &db, const std::vector<PresenceSnapshot> &batch);

void queueRequest(rdc::Db &db, std::string_view id, std::string_view kind, int64_t connId,
                  int64_t nowMs);

struct DeviceRow {
  std::string id;
  int64_t lastSeenMs = 0; // 0 = never
  std::string version, os, hostname;
};
// What agent_presence and the presence log (presence_log.h) hold together.
std::vector<DeviceRow> listDevices(rdc::Db &db);

void addSchema();

} // namespace agent
