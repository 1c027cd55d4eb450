#include "auth/Users.h"

#include "auth/UserRow.h"

#include <chrono>
#include <stdexcept>
#include <string>

namespace rdc::auth {
namespace {

constexpr size_t kMaxNameChars = 64;

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool isAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Names are ASCII by rule, so ASCII folding is the whole of case-insensitivity
// (and it does not depend on the process locale).
std::string nameKey(std::string_view name) {
  std::string key(name);
  for (char &c : key)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return key;
}

std::optional<User> findOne(db::Pool &pool, const std::string &where, db::Param param) {
  auto conn = pool.acquire();
  auto st = conn->prepare("SELECT " + detail::userColumns() + " FROM core_users WHERE " + where);
  db::bindAll(*st, {param});
  if (st->step() != db::Step::Row)
    return std::nullopt;
  return detail::readUser(*st);
}

std::string quoted(std::string_view name) {
  return "'" + std::string(name) + "'";
}

} // namespace

std::string userNameProblem(std::string_view name) {
  if (name.empty())
    return "User name must not be empty";
  if (name.size() > kMaxNameChars)
    return "User name is too long (at most " + std::to_string(kMaxNameChars) + " characters)";
  for (char c : name)
    if (!isAsciiAlnum(c) && c != '.' && c != '_' && c != '@' && c != '+' && c != '-')
      return "User name may contain only letters A-Z, digits and . _ @ + -";
  if (!isAsciiAlnum(name.front()))
    return "User name must start with a letter or digit";
  return "";
}

UserStore::UserStore(db::Pool &pool, const PasswordHasher &hasher) : pool_(pool), hasher_(hasher) {}

User UserStore::create(const NewUser &u) {
  if (auto problem = userNameProblem(u.name); !problem.empty())
    throw std::invalid_argument(problem);
  if (auto problem = passwordProblem(u.password); !problem.empty())
    throw std::invalid_argument(problem);
  // Hash before leasing a connection: argon2 is deliberately slow and must
  // not hold one of the pool's few connections while it runs.
  const std::string hash = hasher_.hash(u.password);
  const int64_t now = nowMs();
  int64_t id = 0;
  {
    auto conn = pool_.acquire();
    auto st = conn->prepare(
        "INSERT INTO core_users (name, name_key, password_hash, display_name, email, note, "
        "status, is_admin, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?) "
        "RETURNING id");
    db::bindAll(
        *st, {u.name, nameKey(u.name), hash, u.displayName, u.email, u.note, u.isAdmin, now, now});
    try {
      if (st->step() != db::Step::Row)
        throw db::DbError(db::DbError::Kind::Other, "INSERT ... RETURNING returned no row");
      id = st->columnInt(0);
      while (st->step() == db::Step::Row) {
      }
    } catch (const db::DbError &e) {
      if (e.kind() == db::DbError::Kind::Conflict)
        throw std::invalid_argument("User name " + quoted(u.name) + " is already taken");
      throw;
    }
  }
  User out;
  out.id = id;
  out.name = u.name;
  out.displayName = u.displayName;
  out.email = u.email;
  out.note = u.note;
  out.status = 1;
  out.isAdmin = u.isAdmin;
  out.createdAtMs = now;
  return out;
}

std::optional<User> UserStore::findByName(std::string_view name) {
  return findOne(pool_, "name_key = ?", nameKey(name));
}

std::optional<User> UserStore::findById(int64_t id) {
  return findOne(pool_, "id = ?", id);
}

std::optional<User> UserStore::checkPassword(std::string_view name, std::string_view password) {
  std::optional<User> user;
  std::string hash;
  {
    auto conn = pool_.acquire();
    auto st = conn->prepare("SELECT " + detail::userColumns() +
                            ", password_hash FROM core_users WHERE name_key = ?");
    st->bindText(1, nameKey(name));
    if (st->step() == db::Step::Row) {
      user = detail::readUser(*st);
      hash = std::string(st->columnText(9));
    }
  } // the connection goes back before the slow part
  // Exactly one argon2 verification on every path, so the response time does
  // not tell a caller whether the name exists or has a password at all.
  if (!user || hash.empty()) {
    hasher_.verifyDummy(password);
    return std::nullopt;
  }
  if (!hasher_.verify(password, hash))
    return std::nullopt;
  if (user->status == 0)
    return std::nullopt;
  return user;
}

void UserStore::setPassword(std::string_view name, std::string_view password) {
  if (auto problem = passwordProblem(password); !problem.empty())
    throw std::invalid_argument(problem);
  if (!findByName(name))
    throw std::invalid_argument("No such user: " + quoted(name));
  const std::string hash = hasher_.hash(password);
  auto conn = pool_.acquire();
  if (db::exec(*conn, "UPDATE core_users SET password_hash = ?, updated_at = ? WHERE name_key = ?",
               {hash, nowMs(), nameKey(name)}) == 0)
    throw std::invalid_argument("No such user: " + quoted(name));
}

void UserStore::setStatus(std::string_view name, int32_t status) {
  if (status != 1 && status != 0 && status != -1)
    throw std::invalid_argument("User status must be 1 (normal), 0 (disabled) or -1 (unverified)");
  auto conn = pool_.acquire();
  if (db::exec(*conn, "UPDATE core_users SET status = ?, updated_at = ? WHERE name_key = ?",
               {status, nowMs(), nameKey(name)}) == 0)
    throw std::invalid_argument("No such user: " + quoted(name));
}

std::vector<User> UserStore::list() {
  std::vector<User> out;
  auto conn = pool_.acquire();
  auto st = conn->prepare("SELECT " + detail::userColumns() + " FROM core_users ORDER BY name_key");
  while (st->step() == db::Step::Row)
    out.push_back(detail::readUser(*st));
  return out;
}

int64_t UserStore::count() {
  auto conn = pool_.acquire();
  auto st = conn->prepare("SELECT COUNT(*) FROM core_users");
  st->step();
  return st->columnInt(0);
}

Page<User> UserStore::page(int64_t offset, int64_t limit, int32_t status) {
  if (auto problem = pageProblem(offset, limit); !problem.empty())
    throw std::invalid_argument(problem);
  if (status != kAnyStatus && status != 1 && status != 0 && status != -1)
    throw std::invalid_argument("status must be -2 (any), 1, 0 or -1");
  const bool any = status == kAnyStatus;
  const std::string where = any ? "" : " WHERE status = ?";
  // One statement: the total is an uncorrelated scalar subquery, so it
  // counts exactly the rows the page was cut from (see DeviceStore::page).
  const std::string count = "SELECT COUNT(*) FROM core_users" + where;
  Page<User> out;
  auto conn = pool_.acquire();
  auto st = conn->prepare("SELECT " + detail::userColumns() + ", (" + count + ") FROM core_users" +
                          where + " ORDER BY " + byteOrder(conn->engine(), "name_key") +
                          " LIMIT ? OFFSET ?");
  int idx = 1;
  if (!any) {
    st->bindInt(idx++, status); // the count's
    st->bindInt(idx++, status); // the page's
  }
  st->bindInt(idx++, limit);
  st->bindInt(idx, offset);
  while (st->step() == db::Step::Row) {
    out.rows.push_back(detail::readUser(*st));
    out.total = st->columnInt(detail::kUserColumnCount);
  }
  if (out.rows.empty() && offset > 0) {
    // Past the end: no rows to disagree with; count on its own.
    auto c = conn->prepare(count);
    if (!any)
      c->bindInt(1, status);
    if (c->step() == db::Step::Row)
      out.total = c->columnInt(0);
  }
  return out;
}

} // namespace rdc::auth
