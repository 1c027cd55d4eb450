#include "device_store.h"

namespace agent {

void addDeviceSchema() {
  // Migration 2 is the strategy tables (strategies.cpp). NULL label = not
  // overridden. agent_device_keys.pk: standard base64 of the 32-byte key.
  rdc::addMigration(3, R"sql(
CREATE TABLE agent_device_labels (
  device_id TEXT PRIMARY KEY,
  username TEXT,
  hostname TEXT,
  updated_at INTEGER NOT NULL
);
CREATE TABLE agent_device_keys (
  device_id TEXT PRIMARY KEY,
  pk TEXT NOT NULL,
  updated_at INTEGER NOT NULL
)
)sql");
}

namespace {
std::optional<std::string> optText(const rdc::Stmt &st, int col) {
  if (st.isNull(col))
    return std::nullopt;
  return st.getText(col);
}
} // namespace

Labels labelsOf(rdc::Db &db, std::string_view id) {
  rdc::Stmt st =
      db.prepare("SELECT username, hostname FROM agent_device_labels WHERE device_id = ?");
  st.bind(1, id);
  if (!st.step())
    return Labels{};
  return Labels{optText(st, 0), optText(st, 1)};
}

void saveLabels(rdc::Db &db, std::string_view id, const Labels &labels, int64_t nowMs) {
  if (!labels.username && !labels.hostname) {
    db.exec("DELETE FROM agent_device_labels WHERE device_id = ?", id);
    return;
  }
  db.exec("INSERT INTO agent_device_labels (device_id, username, hostname, updated_at)"
          " VALUES (?, ?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET"
          " username = excluded.username, hostname = excluded.hostname,"
          " updated_at = excluded.updated_at",
          id, labels.username, labels.hostname, nowMs);
}

void saveDeviceKey(rdc::Db &db, std::string_view id, std::string_view pkBase64, int64_t nowMs) {
  db.exec("INSERT INTO agent_device_keys (device_id, pk, updated_at) VALUES (?, ?, ?)"
          " ON CONFLICT (device_id) DO UPDATE SET pk = excluded.pk,"
          " updated_at = excluded.updated_at",
          id, pkBase64, nowMs);
}

std::optional<std::string> deviceKey(rdc::Db &db, std::string_view id) {
  rdc::Stmt st = db.prepare("SELECT pk FROM agent_device_keys WHERE device_id = ?");
  st.bind(1, id);
  if (!st.step())
    return std::nullopt;
  return st.getText(0);
}

std::map<std::string, ShownInfo> shownInfo(rdc::Db &db, const std::vector<std::string> &ids) {
  std::map<std::string, ShownInfo> out;
  if (ids.empty())
    return out;
  std::string marks;
  for (size_t i = 0; i < ids.size(); ++i)
    marks += i == 0 ? "?" : ", ?";
  // Sysinfo rows and label rows of the page in one round trip; a device may
  // have either without the other.
  rdc::Stmt st = db.prepare(
      "SELECT device_id, 0, username, hostname, os FROM agent_sysinfo WHERE device_id IN (" +
      marks +
      ") UNION ALL SELECT device_id, 1, username, hostname, CAST(NULL AS TEXT)"
      " FROM agent_device_labels WHERE device_id IN (" +
      marks + ")");
  int p = 1;
  for (int pass = 0; pass < 2; ++pass)
    for (const std::string &id : ids)
      st.bind(p++, id);
  std::map<std::string, Labels> labels;
  while (st.step()) {
    std::string id = st.getText(0);
    if (st.getInt(1) == 0) {
      ShownInfo &info = out[id];
      info.username = st.isNull(2) ? "" : st.getText(2);
      info.deviceName = st.isNull(3) ? "" : st.getText(3);
      info.os = st.isNull(4) ? "" : st.getText(4);
    } else {
      labels[id] = Labels{optText(st, 2), optText(st, 3)};
    }
  }
  for (const auto &[id, l] : labels) {
    ShownInfo &info = out[id];
    if (l.username)
      info.username = *l.username;
    if (l.hostname)
      info.deviceName = *l.hostname;
  }
  return out;
}

} // namespace agent
