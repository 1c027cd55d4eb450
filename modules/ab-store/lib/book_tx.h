// A write transaction on one book. Every change to a book goes through here,
// so every change is journaled.
//
// Concurrency: the constructor's first statement updates the book's row, which
// takes that row's lock on PostgreSQL and the write lock on SQLite. Writers of
// one book therefore run one after another, and a read-modify-write of a peer
// (partial updates) never loses a concurrent writer's field.
#pragma once

#include "books.h"
#include "journal.h"

#include <optional>

namespace ab {

struct Tag {
  std::string name;
  uint32_t color = 0;
  int64_t position = 0;
};

class BookTx {
public:
  BookTx(rdc::Db &db, const Book &book, Actor actor);
  BookTx(const BookTx &) = delete;
  BookTx &operator=(const BookTx &) = delete;

  const Book &book() const { return book_; }

  std::optional<nlohmann::json> peer(const std::string &id);
  std::vector<std::pair<std::string, nlohmann::json>> peers(); // ordered by id
  int64_t peerCount();
  // Insert or replace; no journal row when the value is unchanged.
  void putPeer(const std::string &id, const nlohmann::json &data);
  // As putPeer when the caller already read the stored value in this
  // transaction (bulk replaces: saves one query per peer).
  void putPeerKnown(const std::string &id, const std::optional<nlohmann::json> &before,
                    const nlohmann::json &data);
  bool deletePeer(const std::string &id);

  std::vector<Tag> tags(); // in position order
  std::optional<Tag> tag(const std::string &name);
  int64_t nextTagPosition();
  void putTag(const Tag &t);
  bool deleteTag(const std::string &name);

  // Sets a row to a journaled value (null = delete); used by restore.
  void applyRow(const RowKey &row, const nlohmann::json &value);

  size_t changeCount() const { return changes_.size(); }
  // Journals the changes as one entry (none: no entry) and commits. Returns
  // the entry id, or 0.
  int64_t commit(std::string_view action, std::string_view summary);

private:
  void record(const char *kind, const std::string &key, nlohmann::json before,
              nlohmann::json after);

  rdc::Db &db_;
  Book book_;
  Actor actor_;
  rdc::Transaction tx_;
  std::vector<Change> changes_;
};

nlohmann::json tagValue(const Tag &t);

// Reads outside a write transaction (pulls). `limit` < 0 = all rows.
std::vector<std::pair<std::string, nlohmann::json>>
loadPeers(rdc::Db &db, int64_t bookId, int64_t offset = 0, int64_t limit = -1);
std::vector<Tag> loadTags(rdc::Db &db, int64_t bookId);

// One page of peers (ordered by id) and the book's peer count, read by one
// statement so they agree even while others write. limit >= 1, offset >= 0.
struct PeerPage {
  int64_t total = 0;
  std::vector<std::pair<std::string, nlohmann::json>> rows;
};
PeerPage loadPeerPage(rdc::Db &db, int64_t bookId, int64_t offset, int64_t limit);

} // namespace ab
