// The presence log: how presence is made durable cheaply. Each flush appends
// its whole batch as ONE row of agent_presence_log (a text block, one line per
// device), instead of updating one agent_presence row per device: at a million
// devices, a second's heartbeats touch nearly every page of agent_presence,
// and rewriting them all every second cost a fifth of a core. Compaction
// (flusher.cpp) deletes, every compact_interval_ms, the rows this process
// logged before the previous compaction, once the devices whose newest row is
// among them are logged again; the CLI reads agent_presence and the log
// together, and a start folds the log into agent_presence.
#pragma once

#include "presence.h"

#include <rdconsole/sdk.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace agent {

void addPresenceLogSchema();

// Appends a batch, tagged with this process's instance id and flush number.
void appendPresenceLog(rdc::Db &db, std::string_view instance, int64_t seq,
                       const std::vector<PresenceSnapshot> &batch);
// Deletes this process's rows up to seq (their content is logged again since).
void deleteOwnPresenceLog(rdc::Db &db, std::string_view instance, int64_t uptoSeq);

// The newest logged presence of each device in the whole log (every
// instance), one entry per device.
std::vector<PresenceSnapshot> newestLoggedPresence(rdc::Db &db);

// Folds the whole log into agent_presence and deletes exactly the rows it
// read, in one transaction (at start-up: what a crashed process logged).
// Rows another live instance logs meanwhile are left alone; rows of a live
// instance that it does read are merged before they are deleted, so nothing
// is lost either way. Returns the number of devices merged.
size_t mergePresenceLog(rdc::Db &db);

} // namespace agent
