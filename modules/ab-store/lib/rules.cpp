#include "rules.h"

#include <algorithm>
#include <map>

namespace ab {

int resolveRule(const std::vector<RuleRow> &rules, int64_t userId,
                const std::vector<int64_t> &groupIds) {
  int group = kNoAccess, everyone = kNoAccess;
  for (const RuleRow &r : rules) {
    switch (r.subject) {
    case Subject::User:
      if (r.subjectId == userId)
        return r.rule;
      break;
    case Subject::Group:
      if (std::find(groupIds.begin(), groupIds.end(), r.subjectId) != groupIds.end())
        group = std::max(group, r.rule);
      break;
    case Subject::Everyone:
      everyone = std::max(everyone, r.rule);
      break;
    }
  }
  return group != kNoAccess ? group : everyone;
}

std::vector<RuleRow> rulesOf(rdc::Db &db, int64_t bookId) {
  rdc::Stmt st = db.prepare("SELECT subject_kind, subject_id, rule FROM ab_rules WHERE book_id = ?"
                            " ORDER BY subject_kind, subject_id");
  st.bind(1, bookId);
  std::vector<RuleRow> out;
  while (st.step())
    out.push_back(
        RuleRow{static_cast<Subject>(st.getInt(0)), st.getInt(1), static_cast<int>(st.getInt(2))});
  return out;
}

Caller callerFor(int64_t userId) {
  return Caller{userId, rdc::userGroupIds(userId)};
}

int effectiveRule(rdc::Db &db, const Book &book, const Caller &caller) {
  if (book.ownerId == caller.userId)
    return kFullControl;
  if (book.kind == BookKind::Personal)
    return kNoAccess;
  return resolveRule(rulesOf(db, book.id), caller.userId, caller.groupIds);
}

bool plausibleGuid(std::string_view guid) {
  if (guid.size() != 36)
    return false;
  for (char c : guid)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-'))
      return false;
  return true;
}

std::vector<Grant> sharedBooksFor(rdc::Db &db, const Caller &caller) {
  // Candidates: shared books the caller owns, or whose rules could name the
  // caller (their user rule, one of their groups, everyone). Each candidate's
  // full rule set is then resolved in memory.
  std::string groupList;
  for (int64_t g : caller.groupIds) {
    if (!groupList.empty())
      groupList += ',';
    groupList += std::to_string(g);
  }
  std::string ruleFilter = "(subject_kind = 1 AND subject_id = ?) OR subject_kind = 3";
  if (!groupList.empty())
    ruleFilter += " OR (subject_kind = 2 AND subject_id IN (" + groupList + "))";
  std::map<int64_t, std::vector<RuleRow>> rulesByBook;
  {
    rdc::Stmt st = db.prepare("SELECT book_id, subject_kind, subject_id, rule FROM ab_rules"
                              " WHERE book_id IN (SELECT book_id FROM ab_rules WHERE " +
                              ruleFilter + ")");
    st.bind(1, caller.userId);
    while (st.step())
      rulesByBook[st.getInt(0)].push_back(RuleRow{static_cast<Subject>(st.getInt(1)), st.getInt(2),
                                                  static_cast<int>(st.getInt(3))});
  }
  std::vector<Grant> out;
  for (const Book &b : sharedBookCandidates(db, caller.userId, ruleFilter)) {
    int rule = kNoAccess;
    if (b.ownerId == caller.userId)
      rule = kFullControl;
    else if (auto it = rulesByBook.find(b.id); it != rulesByBook.end())
      rule = resolveRule(it->second, caller.userId, caller.groupIds);
    if (rule != kNoAccess)
      out.push_back(Grant{b, rule});
  }
  std::sort(out.begin(), out.end(),
            [](const Grant &a, const Grant &b) { return a.book.name < b.book.name; });
  return out;
}

Grant openBook(rdc::Db &db, std::string_view guid, const Caller &caller, int needed) {
  std::optional<Book> book;
  if (plausibleGuid(guid))
    book = findBook(db, guid);
  int rule = book ? effectiveRule(db, *book, caller) : kNoAccess;
  if (rule == kNoAccess)
    throw rdc::HttpError(404, "Address book not found");
  if (rule < needed)
    throw rdc::HttpError(403, needed >= kFullControl
                                  ? "You need full control of this address book"
                                  : "You have read-only access to this address book");
  return Grant{*book, rule};
}

void setRule(rdc::Db &db, int64_t bookId, const RuleRow &row) {
  db.exec("INSERT INTO ab_rules (book_id, subject_kind, subject_id, rule, created_at)"
          " VALUES (?, ?, ?, ?, ?) ON CONFLICT (book_id, subject_kind, subject_id)"
          " DO UPDATE SET rule = excluded.rule",
          bookId, static_cast<int64_t>(row.subject), row.subjectId, static_cast<int64_t>(row.rule),
          rdc::api().now_ms());
}

bool removeRule(rdc::Db &db, int64_t bookId, Subject subject, int64_t subjectId) {
  return db.exec("DELETE FROM ab_rules WHERE book_id = ? AND subject_kind = ? AND subject_id = ?",
                 bookId, static_cast<int64_t>(subject), subjectId) > 0;
}

int parseRuleName(std::string_view s) {
  if (s == "read" || s == "1")
    return kRead;
  if (s == "rw" || s == "read-write" || s == "2")
    return kReadWrite;
  if (s == "full" || s == "full-control" || s == "3")
    return kFullControl;
  return kNoAccess;
}

const char *ruleName(int rule) {
  switch (rule) {
  case kRead:
    return "read";
  case kReadWrite:
    return "read-write";
  case kFullControl:
    return "full-control";
  default:
    return "none";
  }
}

} // namespace ab
