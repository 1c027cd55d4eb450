#include "auth/Groups.h"

#include "auth/UserRow.h"
#include "auth/Utf8.h"

#include <chrono>
#include <stdexcept>

namespace rdc::auth {
namespace {

constexpr size_t kMaxNameChars = 64;

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Group readGroup(db::Statement &st) {
  Group g;
  g.id = st.columnInt(0);
  g.name = std::string(st.columnText(1));
  g.note = std::string(st.columnText(2));
  g.createdAtMs = st.columnInt(3);
  return g;
}

std::optional<Group> findOne(db::Pool &pool, const char *where, db::Param param) {
  auto conn = pool.acquire();
  auto st = conn->prepare(std::string("SELECT id, name, note, created_at FROM core_user_groups "
                                      "WHERE ") +
                          where);
  db::bindAll(*st, {param});
  if (st->step() != db::Step::Row)
    return std::nullopt;
  return readGroup(*st);
}

} // namespace

// ASCII folding only, as for user names.
std::string groupNameKey(std::string_view name) {
  std::string key(name);
  for (char &c : key)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return key;
}

std::string trimGroupName(std::string_view name) {
  while (!name.empty() && (name.front() == ' ' || name.front() == '\t'))
    name.remove_prefix(1);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t'))
    name.remove_suffix(1);
  return std::string(name);
}

std::string groupNameProblem(std::string_view name, std::string_view what) {
  const std::string w(what);
  if (name.empty())
    return w + " must not be empty";
  long chars = utf8Length(name);
  if (chars < 0)
    return w + " must be valid UTF-8";
  if (static_cast<size_t>(chars) > kMaxNameChars)
    return w + " is too long (at most " + std::to_string(kMaxNameChars) + " characters)";
  if (hasControlChar(name))
    return w + " must not contain control characters";
  return "";
}

GroupStore::GroupStore(db::Pool &pool) : pool_(pool) {}

Group GroupStore::create(std::string_view rawName, std::string_view note) {
  const std::string name = trimGroupName(rawName);
  if (auto problem = groupNameProblem(name); !problem.empty())
    throw std::invalid_argument(problem);
  if (utf8Length(note) < 0)
    throw std::invalid_argument("Group note must be valid UTF-8");
  Group g;
  g.name = name;
  g.note = std::string(note);
  g.createdAtMs = nowMs();
  auto conn = pool_.acquire();
  auto st = conn->prepare("INSERT INTO core_user_groups (name, name_key, note, created_at) "
                          "VALUES (?, ?, ?, ?) RETURNING id");
  db::bindAll(*st, {g.name, groupNameKey(g.name), g.note, g.createdAtMs});
  try {
    if (st->step() != db::Step::Row)
      throw db::DbError(db::DbError::Kind::Other, "INSERT ... RETURNING returned no row");
    g.id = st->columnInt(0);
    while (st->step() == db::Step::Row) {
    }
  } catch (const db::DbError &e) {
    if (e.kind() == db::DbError::Kind::Conflict)
      throw std::invalid_argument("Group name '" + name + "' is already taken");
    throw;
  }
  return g;
}

std::optional<Group> GroupStore::findByName(std::string_view name) {
  return findOne(pool_, "name_key = ?", groupNameKey(trimGroupName(name)));
}

std::optional<Group> GroupStore::findById(int64_t id) {
  return findOne(pool_, "id = ?", id);
}

std::vector<Group> GroupStore::list() {
  std::vector<Group> out;
  auto conn = pool_.acquire();
  auto st =
      conn->prepare("SELECT g.id, g.name, g.note, g.created_at, "
                    "(SELECT COUNT(*) FROM core_user_group_members m WHERE m.group_id = g.id) "
                    "FROM core_user_groups g ORDER BY g.name_key");
  while (st->step() == db::Step::Row) {
    Group g = readGroup(*st);
    g.memberCount = st->columnInt(4);
    out.push_back(std::move(g));
  }
  return out;
}

bool GroupStore::remove(int64_t groupId) {
  auto conn = pool_.acquire();
  return db::exec(*conn, "DELETE FROM core_user_groups WHERE id = ?", {groupId}) > 0;
}

bool GroupStore::addMember(int64_t groupId, int64_t userId) {
  auto conn = pool_.acquire();
  try {
    return db::exec(*conn,
                    "INSERT INTO core_user_group_members (group_id, user_id) VALUES (?, ?) "
                    "ON CONFLICT (group_id, user_id) DO NOTHING",
                    {groupId, userId}) > 0;
  } catch (const db::DbError &e) {
    // The only other constraints are the two foreign keys.
    if (e.kind() == db::DbError::Kind::Conflict)
      throw std::invalid_argument("No such group or user");
    throw;
  }
}

bool GroupStore::removeMember(int64_t groupId, int64_t userId) {
  auto conn = pool_.acquire();
  return db::exec(*conn, "DELETE FROM core_user_group_members WHERE group_id = ? AND user_id = ?",
                  {groupId, userId}) > 0;
}

std::vector<User> GroupStore::members(int64_t groupId) {
  std::vector<User> out;
  auto conn = pool_.acquire();
  auto st = conn->prepare("SELECT " + detail::userColumns("u") +
                          " FROM core_user_group_members m JOIN core_users u ON u.id = m.user_id "
                          "WHERE m.group_id = ? ORDER BY u.name_key");
  st->bindInt(1, groupId);
  while (st->step() == db::Step::Row)
    out.push_back(detail::readUser(*st));
  return out;
}

std::vector<int64_t> GroupStore::groupIdsOf(int64_t userId) {
  std::vector<int64_t> out;
  auto conn = pool_.acquire();
  auto st = conn->prepare(
      "SELECT group_id FROM core_user_group_members WHERE user_id = ? ORDER BY group_id");
  st->bindInt(1, userId);
  while (st->step() == db::Step::Row)
    out.push_back(st->columnInt(0));
  return out;
}

} // namespace rdc::auth
