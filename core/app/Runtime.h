// What both the server and the CLI verbs stand on: the data directory, the
// database pool with the core schema migrated, and the identity services.
#pragma once

#include "app/Config.h"
#include "auth/Passwords.h"
#include "auth/Tokens.h"
#include "auth/Users.h"
#include "db/Database.h"

#include <filesystem>
#include <memory>

namespace rdc::app {

class Runtime {
public:
  // Creates the data directory (mode 0700) if needed, opens the database and
  // applies the core migrations. Throws ConfigError / db::DbError /
  // db::MigrationError with a message for the operator.
  explicit Runtime(const Config &cfg);

  const Config &config;
  std::filesystem::path dataDir;
  std::unique_ptr<db::Pool> pool;
  auth::PasswordHasher hasher;
  std::unique_ptr<auth::UserStore> users;
  std::unique_ptr<auth::TokenService> tokens;
};

} // namespace rdc::app
