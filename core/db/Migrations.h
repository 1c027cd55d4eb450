// Per-module schema migrations with a ledger:
//   rdc_migrations(module TEXT, version INTEGER, checksum TEXT, applied_at INTEGER)
// Each version runs once, in its own transaction. The checksum (SHA-256 hex of
// the SQL text) of an applied version must not change; a ledger holding a
// version the module no longer declares means the schema is newer than this
// binary. Both stop with MigrationError and a message naming module+version.
#pragma once

#include "db/Database.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace rdc::db {

struct Migration {
  int version = 0; // 1, 2, 3 ... without gaps
  std::string sql;
};

class MigrationError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

std::string sha256Hex(std::string_view data);

// Applies the pending migrations of `module` in version order; returns how
// many ran. Throws MigrationError (bad order/gap, changed checksum, newer
// schema) or DbError (SQL failure; that version is rolled back).
int migrate(Connection &c, std::string_view module, const std::vector<Migration> &migrations);

} // namespace rdc::db
