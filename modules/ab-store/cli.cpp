#include "cli.h"

#include "books.h"
#include "journal.h"
#include "rules.h"

#include <ctime>
#include <stdexcept>

namespace ab {

std::string pad(std::string s, size_t width) {
  if (s.size() < width)
    s.append(width - s.size(), ' ');
  return s + " ";
}

std::string formatTime(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%SZ", &tm);
  return buf;
}

std::string userLabel(int64_t userId) {
  if (userId == 0)
    return "(operator)";
  if (auto u = rdc::getUser(userId))
    return u->name;
  std::string label = "#";
  label += std::to_string(userId);
  return label;
}

namespace {

const char *kUsage =
    "usage: rdconsole ab <sub-command>\n"
    "  list [--user NAME]                          books with owner, kind, peers, tags\n"
    "  create NAME --owner USER [--note T] [--password P]\n"
    "                                              new shared book; prints its guid\n"
    "  personal USER                               the user's personal book guid\n"
    "  grant GUID (--user N|--group N|--everyone) --rule read|rw|full\n"
    "  revoke GUID (--user N|--group N|--everyone)\n"
    "  rules GUID                                  who may do what\n"
    "  history GUID [--limit N]                    journal, newest first\n"
    "  restore GUID ENTRY                          the book as right after ENTRY (0 = empty)\n"
    "  recycle-bin GUID                            deleted peers\n"
    "  undelete GUID PEER_ID                       brings a deleted peer back\n";

int64_t userIdOf(const std::string &name) {
  auto u = rdc::findUserByName(name);
  if (!u)
    throw std::invalid_argument("no user named '" + name + "'");
  return u->id;
}

// --user N | --group N | --everyone, at args[i..]; advances i.
RuleRow subjectOf(const std::vector<std::string> &args, size_t &i) {
  RuleRow r;
  const std::string &flag = args[i];
  if (flag == "--everyone") {
    r.subject = Subject::Everyone;
    return r;
  }
  if ((flag == "--user" || flag == "--group") && i + 1 < args.size()) {
    const std::string &name = args[++i];
    if (flag == "--user") {
      r.subject = Subject::User;
      r.subjectId = userIdOf(name);
    } else {
      auto g = rdc::findGroup(name);
      if (!g)
        throw std::invalid_argument("no user group named '" + name + "'");
      r.subject = Subject::Group;
      r.subjectId = *g;
    }
    return r;
  }
  throw rdc::UsageError("expected --user NAME, --group NAME or --everyone, got '" + flag + "'");
}

Book bookOrThrow(rdc::Db &db, const std::string &guid) {
  auto b = findBook(db, guid);
  if (!b)
    throw std::invalid_argument("no address book with guid '" + guid + "'");
  return *b;
}

std::string subjectLabel(const RuleRow &r) {
  switch (r.subject) {
  case Subject::User:
    return "user " + userLabel(r.subjectId);
  case Subject::Group: {
    auto name = rdc::groupName(r.subjectId);
    std::string label = "group ";
    if (name) {
      label += *name;
    } else {
      label += '#';
      label += std::to_string(r.subjectId);
    }
    return label;
  }
  default:
    return "everyone";
  }
}

int listCommand(rdc::Command &cmd, const std::vector<std::string> &args) {
  std::optional<int64_t> owner;
  if (args.size() == 4 && args[2] == "--user")
    owner = userIdOf(args[3]);
  else if (args.size() != 2)
    throw rdc::UsageError("ab list takes no arguments but --user NAME");
  rdc::Db db = rdc::Db::acquire();
  cmd.out(pad("GUID", 36) + pad("NAME", 24) + pad("OWNER", 16) + pad("KIND", 8) + pad("PEERS", 6) +
          "TAGS\n");
  for (const Book &b : listBooks(db, owner))
    cmd.out(pad(b.guid, 36) + pad(b.name, 24) + pad(userLabel(b.ownerId), 16) +
            pad(b.kind == BookKind::Personal ? "personal" : "shared", 8) +
            pad(std::to_string(countPeers(db, b.id)), 6) + std::to_string(countTags(db, b.id)) +
            "\n");
  return 0;
}

int createCommand(rdc::Command &cmd, const std::vector<std::string> &args) {
  if (args.size() < 3)
    throw rdc::UsageError("ab create needs a NAME and --owner USER");
  std::string name = args[2], owner, note, password;
  for (size_t i = 3; i < args.size(); ++i) {
    if (i + 1 >= args.size())
      throw rdc::UsageError("ab create: '" + args[i] + "' needs a value");
    if (args[i] == "--owner")
      owner = args[++i];
    else if (args[i] == "--note")
      note = args[++i];
    else if (args[i] == "--password")
      password = args[++i];
    else
      throw rdc::UsageError("ab create: unknown argument '" + args[i] + "'");
  }
  if (owner.empty())
    throw rdc::UsageError("ab create needs --owner USER");
  int64_t ownerId = userIdOf(owner);
  rdc::Db db = rdc::Db::acquire();
  Book b = createShared(db, name, ownerId, note, password, limits());
  cmd.out(b.guid + "\n");
  return 0;
}

int personalCommand(rdc::Command &cmd, const std::vector<std::string> &args) {
  if (args.size() != 3)
    throw rdc::UsageError("ab personal takes one user name");
  int64_t userId = userIdOf(args[2]);
  rdc::Db db = rdc::Db::acquire();
  cmd.out(ensurePersonal(db, userId).guid + "\n");
  return 0;
}

int grantCommand(rdc::Command &cmd, const std::vector<std::string> &args, bool grant) {
  if (args.size() < 4)
    throw rdc::UsageError(std::string("ab ") + args[1] +
                          " needs a GUID and --user NAME, --group NAME or --everyone");
  size_t i = 3;
  RuleRow row = subjectOf(args, i);
  ++i;
  if (grant) {
    if (i + 2 != args.size() || args[i] != "--rule")
      throw rdc::UsageError("ab grant needs --rule read|rw|full after the subject");
    row.rule = parseRuleName(args[i + 1]);
    if (row.rule == kNoAccess)
      throw rdc::UsageError("--rule must be read, rw or full (or 1, 2, 3), got '" + args[i + 1] +
                            "'");
  } else if (i != args.size()) {
    throw rdc::UsageError("ab revoke: unexpected argument '" + args[i] + "'");
  }
  rdc::Db db = rdc::Db::acquire();
  Book b = bookOrThrow(db, args[2]);
  if (b.kind == BookKind::Personal)
    throw std::invalid_argument("a personal address book cannot be shared");
  if (grant) {
    setRule(db, b.id, row);
    // Sharing changes are part of the book's history too (no rows to undo).
    appendJournal(db, b.id, operatorActor(), "rule.grant",
                  std::string(ruleName(row.rule)) + " to " + subjectLabel(row), {});
    cmd.out("granted " + std::string(ruleName(row.rule)) + " on '" + b.name + "' to " +
            subjectLabel(row) + "\n");
    return 0;
  }
  if (!removeRule(db, b.id, row.subject, row.subjectId))
    throw std::invalid_argument(subjectLabel(row) + " has no rule on '" + b.name + "'");
  appendJournal(db, b.id, operatorActor(), "rule.revoke", "rule of " + subjectLabel(row), {});
  cmd.out("revoked the rule of " + subjectLabel(row) + " on '" + b.name + "'\n");
  return 0;
}

int rulesCommand(rdc::Command &cmd, const std::vector<std::string> &args) {
  if (args.size() != 3)
    throw rdc::UsageError("ab rules takes one GUID");
  rdc::Db db = rdc::Db::acquire();
  Book b = bookOrThrow(db, args[2]);
  cmd.out(pad("SUBJECT", 32) + "RULE\n");
  cmd.out(pad("owner " + userLabel(b.ownerId), 32) + ruleName(kFullControl) + "\n");
  for (const RuleRow &r : rulesOf(db, b.id))
    cmd.out(pad(subjectLabel(r), 32) + ruleName(r.rule) + "\n");
  return 0;
}

} // namespace

int runAbCommand(rdc::Command &cmd, const std::vector<std::string> &args) {
  if (args.size() < 2) {
    cmd.err(kUsage); // a usage mistake: stderr, exit 2
    return 2;
  }
  if (args[1] == "help" || args[1] == "--help") {
    cmd.out(kUsage);
    return 0;
  }
  const std::string &sub = args[1];
  if (sub == "list")
    return listCommand(cmd, args);
  if (sub == "create")
    return createCommand(cmd, args);
  if (sub == "personal")
    return personalCommand(cmd, args);
  if (sub == "grant" || sub == "revoke")
    return grantCommand(cmd, args, sub == "grant");
  if (sub == "rules")
    return rulesCommand(cmd, args);
  if (sub == "history")
    return historyCommand(cmd, args);
  if (sub == "restore")
    return restoreCommand(cmd, args);
  if (sub == "recycle-bin")
    return recycleBinCommand(cmd, args);
  if (sub == "undelete")
    return undeleteCommand(cmd, args);
  throw rdc::UsageError("unknown ab sub-command '" + sub + "'\n" + kUsage);
}

} // namespace ab
