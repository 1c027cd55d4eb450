// What both the server and the CLI verbs stand on: the data directory, the
// database pool with the core schema migrated, and the identity services.
#pragma once

#include "app/Config.h"
#include "auth/ApiTokens.h"
#include "auth/DeviceGroups.h"
#include "auth/Devices.h"
#include "auth/Groups.h"
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
  std::unique_ptr<auth::GroupStore> groups;
  std::unique_ptr<auth::DeviceStore> devices;
  std::unique_ptr<auth::DeviceGroupStore> deviceGroups;
  std::unique_ptr<auth::ApiTokenStore> apiTokens;
};

// How the server opens its database, for verbs that open one themselves
// (db copy-to-postgresql). Each throws ConfigError for a bad setting.
// The SQLite file: db.sqlite.path, or <dataDir>/rdconsole.db.
std::filesystem::path sqlitePathFrom(const Config &cfg, const std::filesystem::path &dataDir);
db::ConnectionFactory sqliteFrom(const Config &cfg, const std::filesystem::path &dataDir);
// db.postgresql.url with the password from db.postgresql.password_file or
// db.postgresql.password.
db::ConnectionFactory postgresFrom(const Config &cfg);
// A pool of db.pool_size connections waiting up to db.acquire_timeout_ms; it
// opens its first connection now, so an unreachable database throws here.
std::unique_ptr<db::Pool> poolFrom(const Config &cfg, db::ConnectionFactory factory);

} // namespace rdc::app
