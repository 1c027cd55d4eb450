// SQLite engine (the embedded default), on the sqlite3 C API directly.
#pragma once

#include "db/Database.h"

#include <filesystem>

namespace rdc::db {

struct SqliteOptions {
  std::filesystem::path path;   // the database file (created if missing)
  int busyTimeoutMs = 5000;     // PRAGMA busy_timeout
};

// Opens one connection with WAL, busy_timeout, foreign_keys=ON,
// synchronous=NORMAL. Throws DbError when the file cannot be opened.
std::unique_ptr<Connection> openSqlite(const SqliteOptions &opts);

ConnectionFactory sqliteFactory(SqliteOptions opts);

} // namespace rdc::db
