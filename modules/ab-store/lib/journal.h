// The journal: every change to a book, with who, when, from which device, and
// each changed row's value before and after. It is what makes a book
// impossible to lose: history lists it, restore replays it backwards, and the
// recycle bin is its deletions. Table ab_journal.
#pragma once

#include "actor.h"

#include <rdconsole/sdk.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ab {

// One row of a book changed: kind "peer" (key = peer id, value = stored peer)
// or "tag" (key = name, value = {"color","position"}). A null value = absent.
struct Change {
  std::string kind, key;
  nlohmann::json before, after;
};

nlohmann::json changesToJson(const std::vector<Change> &changes);
std::vector<Change> changesFromJson(std::string_view text);

int64_t appendJournal(rdc::Db &db, int64_t bookId, const Actor &actor, std::string_view action,
                      std::string_view summary, const std::vector<Change> &changes);

struct JournalEntry {
  int64_t id = 0, atMs = 0, userId = 0;
  std::string deviceId, via, action, summary;
  std::vector<Change> changes;
};

// Newest first; `limit` 0 = all.
std::vector<JournalEntry> history(rdc::Db &db, int64_t bookId, int64_t limit);
// The entries after `entryId`, newest first.
std::vector<JournalEntry> entriesAfter(rdc::Db &db, int64_t bookId, int64_t entryId);
bool entryExists(rdc::Db &db, int64_t bookId, int64_t entryId);

using RowKey = std::pair<std::string, std::string>; // (kind, key)

// What each row changed after a point must become to undo those changes:
// its value before the earliest of them. `newestFirst` as entriesAfter
// returns them. Pure logic.
std::map<RowKey, nlohmann::json> undoTargets(const std::vector<JournalEntry> &newestFirst);

struct DeletedPeer {
  std::string id;
  nlohmann::json data; // the peer as it was before deletion
  int64_t atMs = 0, userId = 0, entryId = 0;
  std::string via;
};

// Peers whose latest change deleted them, newest deletion first. Pure logic
// over the full history (newest first).
std::vector<DeletedPeer> deletedPeers(const std::vector<JournalEntry> &newestFirst);

} // namespace ab
