// A migrated core database plus the identity services, for the auth tests.
#pragma once

#include "auth/Passwords.h"
#include "auth/Tokens.h"
#include "auth/Users.h"
#include "db/CoreSchema.h"
#include "db/Migrations.h"

#include "../db/TestDb.h"

#include <chrono>
#include <memory>

namespace rdc::test {

struct AuthFixture {
  TempDir dir;
  std::unique_ptr<db::Pool> pool;
  auth::PasswordHasher hasher{auth::Argon2Params{1024, 1, 1}}; // fast, for tests
  auth::UserStore users;

  AuthFixture() : pool(sqlitePool(dir, 2)), users(*pool, hasher) {
    auto c = pool->acquire();
    db::migrate(*c, "core", db::coreMigrations());
  }

  auth::User addUser(const std::string &name, const std::string &password = "password123",
                     bool admin = false) {
    return users.create({name, password, admin, "", "", ""});
  }
};

} // namespace rdc::test
