// The journal's operator side: list a book's history, restore it to any
// earlier point, list and bring back deleted peers. Every restore is itself
// journaled, so a restore can be undone the same way.
#include "book_tx.h"
#include "cli.h"

#include <stdexcept>

namespace ab {
namespace {

Book bookOrThrow(rdc::Db &db, const std::string &guid) {
  auto b = findBook(db, guid);
  if (!b)
    throw std::invalid_argument("no address book with guid '" + guid + "'");
  return *b;
}

int64_t parseNumber(const std::string &s, const char *what) {
  size_t used = 0;
  int64_t n = -1;
  try {
    n = std::stoll(s, &used);
  } catch (const std::exception &) {
    used = 0;
  }
  if (used == 0 || used != s.size() || n < 0)
    throw rdc::UsageError(std::string(what) + " must be a non-negative integer, got '" + s + "'");
  return n;
}

} // namespace

int historyCommand(rdc::Command &cmd, const std::vector<std::string> &args) {
  int64_t limit = 50;
  if (args.size() == 5 && args[3] == "--limit")
    limit = parseNumber(args[4], "--limit");
  else if (args.size() != 3)
    throw rdc::UsageError("ab history takes a GUID and optionally --limit N (0 = all)");
  rdc::Db db = rdc::Db::acquire();
  Book b = bookOrThrow(db, args[2]);
  cmd.out(pad("ENTRY", 8) + pad("TIME", 20) + pad("USER", 16) + pad("DEVICE", 12) + pad("VIA", 10) +
          pad("ACTION", 16) + "SUMMARY\n");
  for (const JournalEntry &e : history(db, b.id, limit))
    cmd.out(pad(std::to_string(e.id), 8) + pad(formatTime(e.atMs), 20) +
            pad(userLabel(e.userId), 16) + pad(e.deviceId.empty() ? "-" : e.deviceId, 12) +
            pad(e.via, 10) + pad(e.action, 16) + e.summary + "\n");
  return 0;
}

int restoreCommand(rdc::Command &cmd, const std::vector<std::string> &args) {
  if (args.size() != 4)
    throw rdc::UsageError("ab restore takes a GUID and a journal ENTRY (0 = the empty book)");
  int64_t entry = parseNumber(args[3], "ENTRY");
  rdc::Db db = rdc::Db::acquire();
  Book b = bookOrThrow(db, args[2]);
  if (entry != 0 && !entryExists(db, b.id, entry))
    throw std::invalid_argument("entry " + args[3] + " is not in the history of this book");
  BookTx tx(db, b, operatorActor());
  // Read inside the transaction: no writer can slip in between.
  std::vector<JournalEntry> newest = history(db, b.id, 1);
  int64_t previous = newest.empty() ? 0 : newest.front().id;
  for (const auto &[row, value] : undoTargets(entriesAfter(db, b.id, entry)))
    tx.applyRow(row, value);
  size_t changed = tx.changeCount();
  int64_t id = tx.commit("restore", "restored to the state after entry " + args[3]);
  if (id == 0)
    cmd.out("'" + b.name + "' already is as it was after entry " + args[3] + "\n");
  else
    cmd.out("restored '" + b.name + "' to the state after entry " + args[3] + " (" +
            std::to_string(changed) + " row(s) changed; undo with: ab restore " + b.guid + " " +
            std::to_string(previous) + ")\n");
  return 0;
}

int recycleBinCommand(rdc::Command &cmd, const std::vector<std::string> &args) {
  if (args.size() != 3)
    throw rdc::UsageError("ab recycle-bin takes one GUID");
  rdc::Db db = rdc::Db::acquire();
  Book b = bookOrThrow(db, args[2]);
  cmd.out(pad("PEER", 24) + pad("DELETED", 20) + pad("BY", 16) + pad("VIA", 10) + "ENTRY\n");
  for (const DeletedPeer &p : deletedPeers(history(db, b.id, 0)))
    cmd.out(pad(p.id, 24) + pad(formatTime(p.atMs), 20) + pad(userLabel(p.userId), 16) +
            pad(p.via, 10) + std::to_string(p.entryId) + "\n");
  return 0;
}

int undeleteCommand(rdc::Command &cmd, const std::vector<std::string> &args) {
  if (args.size() != 4)
    throw rdc::UsageError("ab undelete takes a GUID and a PEER_ID");
  rdc::Db db = rdc::Db::acquire();
  Book b = bookOrThrow(db, args[2]);
  BookTx tx(db, b, operatorActor());
  for (const DeletedPeer &p : deletedPeers(history(db, b.id, 0))) {
    if (p.id != args[3])
      continue;
    tx.putPeer(p.id, p.data);
    tx.commit("undelete", "brought back peer " + p.id);
    cmd.out("peer " + p.id + " is back in '" + b.name + "'\n");
    return 0;
  }
  throw std::invalid_argument("peer '" + args[3] + "' is not in the recycle bin of this book");
}

} // namespace ab
