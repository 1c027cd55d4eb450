#include "store.h"

#include "presence_log.h"

#include <rdconsole/json.hpp>

#include <algorithm>
#include <unordered_map>

namespace agent {

void addSchema() {
  // agent_presence: flushed in batches; conns is a JSON array of conn ids.
  // agent_sysinfo.info: the client's body, verbatim (info.os included).
  // agent_requests: operator requests; delivered_at NULL = pending.
  rdc::addMigration(1, R"sql(
CREATE TABLE agent_presence (
  device_id TEXT PRIMARY KEY,
  last_seen_ms INTEGER NOT NULL,
  ver INTEGER NOT NULL DEFAULT 0,
  conns TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE agent_sysinfo (
  device_id TEXT PRIMARY KEY,
  info TEXT NOT NULL,
  hostname TEXT NOT NULL DEFAULT '',
  username TEXT NOT NULL DEFAULT '',
  os TEXT NOT NULL DEFAULT '',
  version TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL
);
CREATE TABLE agent_requests (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  device_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  conn_id INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  delivered_at INTEGER
);
CREATE INDEX agent_requests_pending ON agent_requests (delivered_at, device_id)
)sql");
}

bool hasSysinfo(rdc::Db &db, std::string_view id) {
  rdc::Stmt st = db.prepare("SELECT 1 FROM agent_sysinfo WHERE device_id = ?");
  st.bind(1, id);
  return st.step();
}

PendingFlags pendingFor(rdc::Db &db, std::string_view id) {
  rdc::Stmt st =
      db.prepare("SELECT kind FROM agent_requests WHERE delivered_at IS NULL AND device_id = ?");
  st.bind(1, id);
  PendingFlags f;
  while (st.step()) {
    if (st.getView(0) == "sysinfo")
      f.sysinfoRequested = true;
    else if (st.getView(0) == "disconnect")
      f.disconnectPending = true;
  }
  return f;
}

std::vector<PendingRequest> allPending(rdc::Db &db) {
  rdc::Stmt st =
      db.prepare("SELECT device_id, kind FROM agent_requests WHERE delivered_at IS NULL");
  std::vector<PendingRequest> out;
  while (st.step())
    out.push_back(PendingRequest{st.getText(0), st.getText(1)});
  return out;
}

bool needsSysinfo(rdc::Db &db, std::string_view id) {
  return !hasSysinfo(db, id) || pendingFor(db, id).sysinfoRequested;
}

std::vector<std::pair<int64_t, std::string>> repinsAfter(rdc::Db &db, int64_t afterId) {
  rdc::Stmt st = db.prepare(
      "SELECT id, device_id FROM agent_requests WHERE kind IN ('repin', 'refresh') AND id > ?"
      " ORDER BY id");
  st.bind(1, afterId);
  std::vector<std::pair<int64_t, std::string>> out;
  while (st.step())
    out.emplace_back(st.getInt(0), st.getText(1));
  return out;
}

int64_t newestRequestId(rdc::Db &db) {
  rdc::Stmt st = db.prepare("SELECT COALESCE(MAX(id), 0) FROM agent_requests");
  st.step();
  return st.getInt(0);
}

void recordRepin(rdc::Db &db, std::string_view id, int64_t nowMs) {
  db.exec("INSERT INTO agent_requests (device_id, kind, conn_id, created_at, delivered_at)"
          " VALUES (?, 'repin', 0, ?, ?)",
          id, nowMs, nowMs);
}

std::vector<int32_t> takeDisconnects(rdc::Db &db, std::string_view id, int64_t nowMs) {
  rdc::Stmt st = db.prepare("UPDATE agent_requests SET delivered_at = ? WHERE delivered_at IS NULL"
                            " AND device_id = ? AND kind = 'disconnect' RETURNING conn_id");
  st.bind(1, nowMs).bind(2, id);
  std::vector<int32_t> out;
  while (st.step())
    out.push_back(static_cast<int32_t>(st.getInt(0)));
  return out;
}

void saveSysinfo(rdc::Db &db, std::string_view id, std::string_view body, const SysinfoFields &f,
                 int64_t nowMs) {
  rdc::Transaction tx(db);
  db.exec(
      "INSERT INTO agent_sysinfo (device_id, info, hostname, username, os, version, updated_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET info = excluded.info,"
      " hostname = excluded.hostname, username = excluded.username, os = excluded.os,"
      " version = excluded.version, updated_at = excluded.updated_at",
      id, body, f.hostname, f.username, f.os, f.version, nowMs);
  db.exec("UPDATE agent_requests SET delivered_at = ? WHERE delivered_at IS NULL AND device_id = ?"
          " AND kind = 'sysinfo'",
          nowMs, id);
  tx.commit();
}

namespace {
constexpr size_t kRowsPerStatement = 250; // 4 parameters each, well under every engine's cap

std::string upsertSql(size_t rows) {
  std::string sql = "INSERT INTO agent_presence (device_id, last_seen_ms, ver, conns) VALUES ";
  for (size_t i = 0; i < rows; ++i)
    sql += i == 0 ? "(?, ?, ?, ?)" : ", (?, ?, ?, ?)";
  // The newest presence wins (two instances, or a merge of an old log).
  sql += " ON CONFLICT (device_id) DO UPDATE SET last_seen_ms = excluded.last_seen_ms,"
         " ver = excluded.ver, conns = excluded.conns"
         " WHERE excluded.last_seen_ms >= agent_presence.last_seen_ms";
  return sql;
}

std::string connsJson(const std::vector<int32_t> &conns) {
  std::string s = "[";
  for (size_t i = 0; i < conns.size(); ++i) {
    if (i)
      s += ',';
    s += std::to_string(conns[i]);
  }
  return s + "]";
}
} // namespace

void writePresenceRows(rdc::Db &db, const std::vector<PresenceSnapshot> &batch) {
  // The batch comes in key order (keepNewest): consecutive rows share index
  // and table pages, so each page is read and rewritten once, and on
  // PostgreSQL two instances writing overlapping devices cannot deadlock on
  // each other's row locks.
  rdc::Stmt full = db.prepare(upsertSql(kRowsPerStatement));
  for (size_t start = 0; start < batch.size(); start += kRowsPerStatement) {
    size_t rows = std::min(kRowsPerStatement, batch.size() - start);
    rdc::Stmt partial;
    rdc::Stmt *st = &full;
    if (rows != kRowsPerStatement) {
      partial = db.prepare(upsertSql(rows));
      st = &partial;
    } else if (start != 0) {
      full.reset();
    }
    int p = 1;
    for (size_t i = start; i < start + rows; ++i) {
      st->bind(p++, batch[i].id);
      st->bind(p++, batch[i].lastSeenMs);
      st->bind(p++, batch[i].ver);
      st->bind(p++, connsJson(batch[i].conns));
    }
    st->exec();
  }
}

void queueRequest(rdc::Db &db, std::string_view id, std::string_view kind, int64_t connId,
                  int64_t nowMs) {
  db.exec("INSERT INTO agent_requests (device_id, kind, conn_id, created_at) VALUES (?, ?, ?, ?)",
          id, kind, connId, nowMs);
}

std::vector<DeviceRow> listDevices(rdc::Db &db) {
  rdc::Stmt st = db.prepare(
      "SELECT d.device_id, p.last_seen_ms, s.version, s.os, s.hostname FROM"
      " (SELECT device_id FROM agent_presence UNION SELECT device_id FROM agent_sysinfo) d"
      " LEFT JOIN agent_presence p ON p.device_id = d.device_id"
      " LEFT JOIN agent_sysinfo s ON s.device_id = d.device_id ORDER BY d.device_id");
  std::vector<DeviceRow> out;
  while (st.step())
    out.push_back(DeviceRow{st.getText(0), st.isNull(1) ? 0 : st.getInt(1),
                            st.isNull(2) ? "" : st.getText(2), st.isNull(3) ? "" : st.getText(3),
                            st.isNull(4) ? "" : st.getText(4)});
  // Presence logged since the last compaction is newer than agent_presence.
  std::vector<PresenceSnapshot> logged = newestLoggedPresence(db);
  if (logged.empty())
    return out;
  std::unordered_map<std::string_view, size_t> index;
  index.reserve(out.size());
  for (size_t i = 0; i < out.size(); ++i)
    index.emplace(out[i].id, i);
  std::vector<DeviceRow> extra;
  for (const PresenceSnapshot &p : logged) {
    auto it = index.find(p.id);
    if (it == index.end())
      extra.push_back(DeviceRow{p.id, p.lastSeenMs, "", "", ""});
    else
      out[it->second].lastSeenMs = std::max(out[it->second].lastSeenMs, p.lastSeenMs);
  }
  if (!extra.empty()) {
    out.insert(out.end(), std::make_move_iterator(extra.begin()),
               std::make_move_iterator(extra.end()));
    std::sort(out.begin(), out.end(),
              [](const DeviceRow &a, const DeviceRow &b) { return a.id < b.id; });
  }
  return out;
}

} // namespace agent
