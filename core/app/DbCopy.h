// `rdconsole db copy-to-postgresql`: the operator's move from one machine to
// several. Copies every row of a populated SQLite database into an empty
// PostgreSQL database, so instances started with db.engine=postgresql see
// exactly the same data.
#pragma once

#include "app/Config.h"
#include "db/Database.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

namespace rdc::app {

// A refusal or failure the operator can act on; nothing was committed.
class CopyError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct TableCopy {
  std::string table;
  int64_t rows = 0;       // rows copied (and counted in the target)
  int64_t seededRows = 0; // rows a migration had put in the target, replaced
};

// Brings the target's schema to what this build knows: the core schema and
// every module's migrations.
using SchemaPreparer = std::function<void(db::Pool &target)>;

// Copies `source` (a connection to an rdconsole SQLite database) into
// `target` (PostgreSQL):
//  1. refuses when a target table the copy would write already holds rows;
//  2. runs `prepareSchema` on the target, then refuses when the migration
//     ledgers of both sides disagree on any module the source knows;
//  3. in one target transaction: copies every source table except the ledger
//     (rdc_migrations) and sqlite_* tables, parents before children, value by
//     value with the SQLite storage type; advances identity sequences past
//     the copied ids; compares the row count of every table.
// The source is read in one read transaction: a consistent snapshot, while a
// server on it may keep writing. Throws CopyError (or db::DbError /
// db::MigrationError); the target then holds no copied row.
std::vector<TableCopy> copyDatabase(db::Connection &source, db::Pool &target,
                                    const SchemaPreparer &prepareSchema);

// The verb: the source is the SQLite file the configuration names
// (db.sqlite.path, or <data_dir>/rdconsole.db, whatever db.engine says), the
// target the database of db.postgresql.url, opened as the server opens it;
// the modules come from modules.dir. Writes progress and a per-table summary
// to `out`, never the password or the URL. Throws as copyDatabase does.
void copyToPostgresql(const Config &cfg, const std::filesystem::path &exeDir, std::ostream &out);

} // namespace rdc::app
