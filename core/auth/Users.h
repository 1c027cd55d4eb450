// Users live in the core (table core_users); modules reach them via the ABI.
#pragma once

#include "auth/Paging.h"
#include "auth/Passwords.h"
#include "db/Database.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rdc::auth {

struct User {
  int64_t id = 0;
  std::string name; // as created; lookups are case-insensitive (name_key)
  std::string displayName, email, note, avatar;
  int32_t status = 1; // 1 normal, 0 disabled, -1 unverified (RustDesk values)
  bool isAdmin = false;
  int64_t createdAtMs = 0;
};

struct NewUser {
  std::string name;
  std::string password;
  bool isAdmin = false;
  std::string displayName, email, note;
};

// Returns an error text or "" (1-64 chars of A-Z a-z 0-9 . _ @ + -, starting
// with a letter or digit).
std::string userNameProblem(std::string_view name);

class UserStore {
public:
  UserStore(db::Pool &pool, const PasswordHasher &hasher);

  // Throws std::invalid_argument (bad name/password, or the name is taken).
  User create(const NewUser &u);
  std::optional<User> findByName(std::string_view name);
  std::optional<User> findById(int64_t id);
  // The user when the password matches and the user is not disabled.
  std::optional<User> checkPassword(std::string_view name, std::string_view password);
  // Both throw std::invalid_argument for an unknown user or a bad password.
  void setPassword(std::string_view name, std::string_view password);
  void setStatus(std::string_view name, int32_t status);
  std::vector<User> list();
  int64_t count();
  // Status filter of page(): any status.
  static constexpr int32_t kAnyStatus = -2;
  // A page of users ordered by name (case-insensitive; byte order of the
  // lower-cased name on both engines) with the number of matching users;
  // `status` keeps only users with that status (1, 0, -1), kAnyStatus all.
  // Throws std::invalid_argument for offset < 0, a limit outside 1..1000 or
  // another status.
  Page<User> page(int64_t offset, int64_t limit, int32_t status = kAnyStatus);

private:
  db::Pool &pool_;
  const PasswordHasher &hasher_;
};

} // namespace rdc::auth
