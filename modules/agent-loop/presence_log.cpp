#include "presence_log.h"

#include "presence_log_text.h"
#include "store.h"

namespace agent {

void addPresenceLogSchema() {
  // entries: encodePresenceLog's text. TEXT, not a binary type, so that the
  // same statement serves every engine.
  rdc::addMigration(6, R"sql(
CREATE TABLE agent_presence_log (
  instance_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  entries TEXT NOT NULL,
  PRIMARY KEY (instance_id, seq)
)
)sql");
}

namespace {

struct LogRow {
  std::string instance;
  int64_t seq = 0;
};

std::vector<PresenceSnapshot> readLog(rdc::Db &db, std::vector<LogRow> *rows) {
  rdc::Stmt st = db.prepare("SELECT instance_id, seq, entries FROM agent_presence_log");
  std::vector<PresenceSnapshot> out;
  size_t skipped = 0;
  while (st.step()) {
    if (rows)
      rows->push_back(LogRow{st.getText(0), st.getInt(1)});
    decodePresenceLog(st.getView(2), out, &skipped);
  }
  if (skipped > 0)
    rdc::logWarn("presence log: " + std::to_string(skipped) + " unreadable entries skipped");
  keepNewest(out);
  return out;
}

} // namespace

void appendPresenceLog(rdc::Db &db, std::string_view instance, int64_t seq,
                       const std::vector<PresenceSnapshot> &batch) {
  db.exec("INSERT INTO agent_presence_log (instance_id, seq, entries) VALUES (?, ?, ?)", instance,
          seq, encodePresenceLog(batch));
}

void deleteOwnPresenceLog(rdc::Db &db, std::string_view instance, int64_t uptoSeq) {
  db.exec("DELETE FROM agent_presence_log WHERE instance_id = ? AND seq <= ?", instance, uptoSeq);
}

std::vector<PresenceSnapshot> newestLoggedPresence(rdc::Db &db) {
  return readLog(db, nullptr);
}

size_t mergePresenceLog(rdc::Db &db) {
  rdc::Transaction tx(db);
  std::vector<LogRow> rows;
  std::vector<PresenceSnapshot> newest = readLog(db, &rows);
  if (rows.empty())
    return 0;
  writePresenceRows(db, newest);
  rdc::Stmt del = db.prepare("DELETE FROM agent_presence_log WHERE instance_id = ? AND seq = ?");
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i)
      del.reset();
    del.bind(1, rows[i].instance).bind(2, rows[i].seq);
    del.exec();
  }
  tx.commit();
  return newest.size();
}

} // namespace agent
