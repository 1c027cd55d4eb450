// Who may do what with a book. RustDesk Server Pro's semantics:
//   rule 1 = read, 2 = read/write (peers and tags), 3 = full control;
//   granted to a user, a user group, or everyone; a user rule decides when
//   present (even when lower than a group's), else the highest rule among
//   the user's groups, else the everyone rule. A book's owner has 3; a
//   personal book is its owner's alone.
#pragma once

#include "books.h"

#include <string_view>
#include <vector>

namespace ab {

enum Rule : int { kNoAccess = 0, kRead = 1, kReadWrite = 2, kFullControl = 3 };
enum class Subject : int { User = 1, Group = 2, Everyone = 3 };

struct RuleRow {
  Subject subject = Subject::Everyone;
  int64_t subjectId = 0; // user id, group id, or 0 for everyone
  int rule = kRead;
};

// The precedence above, on the rules of one book (pure logic).
int resolveRule(const std::vector<RuleRow> &rules, int64_t userId,
                const std::vector<int64_t> &groupIds);

std::vector<RuleRow> rulesOf(rdc::Db &db, int64_t bookId);

// The user a request acts for, with their user groups. Built BEFORE a
// database lease is taken: the host's identity calls lease a connection of
// their own, and holding one while asking for another can starve the pool.
struct Caller {
  int64_t userId = 0;
  std::vector<int64_t> groupIds;
};
Caller callerFor(int64_t userId);

int effectiveRule(rdc::Db &db, const Book &book, const Caller &caller);

struct Grant {
  Book book;
  int rule = kNoAccess;
};

// The shared books `userId` owns or is granted, ordered by name.
std::vector<Grant> sharedBooksFor(rdc::Db &db, const Caller &caller);

// The book behind `guid` when `userId` holds at least `needed`. Throws
// HttpError 404 for an unknown guid or no access at all (the same answer,
// so guids cannot be probed) and 403 when the rule is too low.
Grant openBook(rdc::Db &db, std::string_view guid, const Caller &caller, int needed);

// True for the shape newGuid() produces (36 bytes of [0-9a-f-]). Anything
// else cannot name a book and is answered 404 before touching the database
// (PostgreSQL would refuse invalid UTF-8 in a TEXT parameter).
bool plausibleGuid(std::string_view guid);

void setRule(rdc::Db &db, int64_t bookId, const RuleRow &row);
bool removeRule(rdc::Db &db, int64_t bookId, Subject subject, int64_t subjectId);

// "read" / "rw" / "full" / "1".."3" → rule; 0 when not recognised.
int parseRuleName(std::string_view s);
const char *ruleName(int rule);

} // namespace ab
