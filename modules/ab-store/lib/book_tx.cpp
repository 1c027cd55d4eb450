#include "book_tx.h"

#include <rdconsole/json.hpp>

namespace ab {

using nlohmann::json;

json tagValue(const Tag &t) {
  return json{{"color", t.color}, {"position", t.position}};
}

BookTx::BookTx(rdc::Db &db, const Book &book, Actor actor)
    : db_(db), book_(book), actor_(std::move(actor)), tx_(db) {
  // First statement is a write: serializes writers of this book (see header).
  db_.exec("UPDATE ab_books SET updated_at = ? WHERE id = ?", rdc::api().now_ms(), book_.id);
}

std::optional<json> BookTx::peer(const std::string &id) {
  rdc::Stmt st = db_.prepare("SELECT data FROM ab_peers WHERE book_id = ? AND peer_id = ?");
  st.bind(1, book_.id).bind(2, id);
  if (!st.step())
    return std::nullopt;
  json j = json::parse(st.getView(0), nullptr, false);
  return j.is_object() ? j : json::object();
}

std::vector<std::pair<std::string, json>> BookTx::peers() {
  return loadPeers(db_, book_.id);
}

std::vector<std::pair<std::string, json>> loadPeers(rdc::Db &db, int64_t bookId, int64_t offset,
                                                    int64_t limit) {
  std::string sql = "SELECT peer_id, data FROM ab_peers WHERE book_id = ? ORDER BY peer_id";
  if (limit >= 0)
    sql += " LIMIT " + std::to_string(limit) + " OFFSET " + std::to_string(offset);
  rdc::Stmt st = db.prepare(sql);
  st.bind(1, bookId);
  std::vector<std::pair<std::string, json>> out;
  while (st.step()) {
    json j = json::parse(st.getView(1), nullptr, false);
    out.emplace_back(st.getText(0), j.is_object() ? j : json::object());
  }
  return out;
}

PeerPage loadPeerPage(rdc::Db &db, int64_t bookId, int64_t offset, int64_t limit) {
  // The total rides along as an uncorrelated scalar subquery: one statement,
  // so it counts exactly the rows the page was cut from (two statements could
  // straddle a concurrent add or delete on PostgreSQL).
  rdc::Stmt st = db.prepare(
      "SELECT peer_id, data, (SELECT COUNT(*) FROM ab_peers WHERE book_id = ?) FROM ab_peers"
      " WHERE book_id = ? ORDER BY peer_id LIMIT ? OFFSET ?");
  st.bind(1, bookId).bind(2, bookId).bind(3, limit).bind(4, offset);
  PeerPage out;
  bool any = false;
  while (st.step()) {
    any = true;
    out.total = st.getInt(2);
    json j = json::parse(st.getView(1), nullptr, false);
    out.rows.emplace_back(st.getText(0), j.is_object() ? j : json::object());
  }
  if (!any && offset > 0)
    out.total = countPeers(db, bookId); // past the end: no rows to disagree with
  return out;
}

int64_t BookTx::peerCount() {
  return countPeers(db_, book_.id);
}

void BookTx::record(const char *kind, const std::string &key, json before, json after) {
  changes_.push_back(Change{kind, key, std::move(before), std::move(after)});
}

void BookTx::putPeer(const std::string &id, const json &data) {
  putPeerKnown(id, peer(id), data);
}

void BookTx::putPeerKnown(const std::string &id, const std::optional<json> &before,
                          const json &data) {
  if (before && *before == data)
    return;
  int64_t now = rdc::api().now_ms();
  std::string text = rdc::jsonDump(data);
  if (before)
    db_.exec("UPDATE ab_peers SET data = ?, updated_at = ? WHERE book_id = ? AND peer_id = ?", text,
             now, book_.id, id);
  else
    db_.exec("INSERT INTO ab_peers (book_id, peer_id, data, updated_at) VALUES (?, ?, ?, ?)",
             book_.id, id, text, now);
  record("peer", id, before ? *before : json(), data);
}

bool BookTx::deletePeer(const std::string &id) {
  std::optional<json> before = peer(id);
  if (!before)
    return false;
  db_.exec("DELETE FROM ab_peers WHERE book_id = ? AND peer_id = ?", book_.id, id);
  record("peer", id, *before, json());
  return true;
}

std::vector<Tag> BookTx::tags() {
  return loadTags(db_, book_.id);
}

std::vector<Tag> loadTags(rdc::Db &db, int64_t bookId) {
  rdc::Stmt st = db.prepare(
      "SELECT name, color, position FROM ab_tags WHERE book_id = ? ORDER BY position, name");
  st.bind(1, bookId);
  std::vector<Tag> out;
  while (st.step())
    out.push_back(Tag{st.getText(0), static_cast<uint32_t>(st.getInt(1)), st.getInt(2)});
  return out;
}

std::optional<Tag> BookTx::tag(const std::string &name) {
  rdc::Stmt st =
      db_.prepare("SELECT name, color, position FROM ab_tags WHERE book_id = ? AND name = ?");
  st.bind(1, book_.id).bind(2, name);
  if (!st.step())
    return std::nullopt;
  return Tag{st.getText(0), static_cast<uint32_t>(st.getInt(1)), st.getInt(2)};
}

int64_t BookTx::nextTagPosition() {
  rdc::Stmt st = db_.prepare("SELECT COALESCE(MAX(position), 0) FROM ab_tags WHERE book_id = ?");
  st.bind(1, book_.id);
  st.step();
  return st.getInt(0) + 1;
}

void BookTx::putTag(const Tag &t) {
  std::optional<Tag> before = tag(t.name);
  if (before && before->color == t.color && before->position == t.position)
    return;
  if (before)
    db_.exec("UPDATE ab_tags SET color = ?, position = ? WHERE book_id = ? AND name = ?",
             static_cast<int64_t>(t.color), t.position, book_.id, t.name);
  else
    db_.exec("INSERT INTO ab_tags (book_id, name, color, position) VALUES (?, ?, ?, ?)", book_.id,
             t.name, static_cast<int64_t>(t.color), t.position);
  record("tag", t.name, before ? tagValue(*before) : json(), tagValue(t));
}

bool BookTx::deleteTag(const std::string &name) {
  std::optional<Tag> before = tag(name);
  if (!before)
    return false;
  db_.exec("DELETE FROM ab_tags WHERE book_id = ? AND name = ?", book_.id, name);
  record("tag", name, tagValue(*before), json());
  return true;
}

void BookTx::applyRow(const RowKey &row, const json &value) {
  const auto &[kind, key] = row;
  if (kind == "peer") {
    if (value.is_null())
      deletePeer(key);
    else
      putPeer(key, value);
  } else if (kind == "tag") {
    if (value.is_null())
      deleteTag(key);
    else
      putTag(Tag{key, value.value("color", 0u), value.value("position", int64_t{0})});
  }
}

int64_t BookTx::commit(std::string_view action, std::string_view summary) {
  int64_t entry = 0;
  if (!changes_.empty())
    entry = appendJournal(db_, book_.id, actor_, action, summary, changes_);
  tx_.commit();
  return entry;
}

} // namespace ab
