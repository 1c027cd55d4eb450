#include "journal.h"

#include <rdconsole/json.hpp>

#include <set>

namespace ab {

using nlohmann::json;

json changesToJson(const std::vector<Change> &changes) {
  json arr = json::array();
  for (const Change &c : changes)
    arr.push_back(json{{"t", c.kind}, {"k", c.key}, {"b", c.before}, {"a", c.after}});
  return arr;
}

std::vector<Change> changesFromJson(std::string_view text) {
  std::vector<Change> out;
  json arr = json::parse(text, nullptr, false);
  if (!arr.is_array())
    return out;
  for (const json &c : arr) {
    if (!c.is_object() || !c.contains("t") || !c.contains("k"))
      continue;
    out.push_back(Change{c["t"].get<std::string>(), c["k"].get<std::string>(), c.value("b", json()),
                         c.value("a", json())});
  }
  return out;
}

int64_t appendJournal(rdc::Db &db, int64_t bookId, const Actor &actor, std::string_view action,
                      std::string_view summary, const std::vector<Change> &changes) {
  rdc::Stmt st = db.prepare(
      "INSERT INTO ab_journal (book_id, at_ms, user_id, device_id, via, action, summary, changes)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  st.bindAll(bookId, rdc::api().now_ms(), actor.userId, actor.deviceId, actor.via, action, summary,
             rdc::jsonDump(changesToJson(changes)));
  st.step();
  int64_t id = st.getInt(0);
  while (st.step()) {
  }
  return id;
}

namespace {
std::vector<JournalEntry> readEntries(rdc::Stmt &st) {
  std::vector<JournalEntry> out;
  while (st.step()) {
    JournalEntry e;
    e.id = st.getInt(0);
    e.atMs = st.getInt(1);
    e.userId = st.getInt(2);
    e.deviceId = st.getText(3);
    e.via = st.getText(4);
    e.action = st.getText(5);
    e.summary = st.getText(6);
    e.changes = changesFromJson(st.getView(7));
    out.push_back(std::move(e));
  }
  return out;
}
constexpr const char *kEntryColumns =
    "SELECT id, at_ms, user_id, device_id, via, action, summary, changes FROM ab_journal";
} // namespace

std::vector<JournalEntry> history(rdc::Db &db, int64_t bookId, int64_t limit) {
  std::string sql = std::string(kEntryColumns) + " WHERE book_id = ? ORDER BY id DESC";
  if (limit > 0)
    sql += " LIMIT " + std::to_string(limit);
  rdc::Stmt st = db.prepare(sql);
  st.bind(1, bookId);
  return readEntries(st);
}

std::vector<JournalEntry> entriesAfter(rdc::Db &db, int64_t bookId, int64_t entryId) {
  rdc::Stmt st =
      db.prepare(std::string(kEntryColumns) + " WHERE book_id = ? AND id > ? ORDER BY id DESC");
  st.bind(1, bookId).bind(2, entryId);
  return readEntries(st);
}

bool entryExists(rdc::Db &db, int64_t bookId, int64_t entryId) {
  rdc::Stmt st = db.prepare("SELECT 1 FROM ab_journal WHERE book_id = ? AND id = ?");
  st.bind(1, bookId).bind(2, entryId);
  return st.step();
}

std::map<RowKey, json> undoTargets(const std::vector<JournalEntry> &newestFirst) {
  std::map<RowKey, json> targets;
  // Walking back in time, the last assignment per row is its value before
  // the earliest change: exactly what it was at the restore point.
  for (const JournalEntry &e : newestFirst)
    for (auto it = e.changes.rbegin(); it != e.changes.rend(); ++it)
      targets[{it->kind, it->key}] = it->before;
  return targets;
}

std::vector<DeletedPeer> deletedPeers(const std::vector<JournalEntry> &newestFirst) {
  std::vector<DeletedPeer> out;
  std::set<std::string> decided; // peers whose latest change was already seen
  for (const JournalEntry &e : newestFirst)
    for (auto it = e.changes.rbegin(); it != e.changes.rend(); ++it) {
      if (it->kind != "peer" || !decided.insert(it->key).second)
        continue;
      if (it->after.is_null() && !it->before.is_null())
        out.push_back(DeletedPeer{it->key, it->before, e.atMs, e.userId, e.id, e.via});
    }
  return out;
}

} // namespace ab
