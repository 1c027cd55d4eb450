// The database a TestServer uses. By default SQLite in the server's own data
// dir; in PostgreSQL mode (RDC_TEST_PG_URI_FILE names the URI file that
// tests/pg/start.sh wrote) a fresh database on that server, created for the
// test and dropped afterwards. Several TestServers may share one Database to
// act as instances behind one load balancer.
#pragma once

#include "TempDir.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace harness {

class Process;

// The server URI from RDC_TEST_PG_URI_FILE, or nullopt in SQLite mode.
// Throws when the variable is set but the file is missing or empty (the
// fixture did not run: silently falling back to SQLite would hide that).
std::optional<std::string> pgServerUri();
inline bool pgMode() {
  return pgServerUri().has_value();
}

// `uri` with its database name (the path) replaced by `dbName`.
std::string withDatabaseName(const std::string &uri, const std::string &dbName);

class Database {
public:
  // PostgreSQL mode: creates a uniquely named database on the shared server.
  // SQLite mode: a private directory for an explicit shared SQLite file.
  Database();
  // A fresh database on the given PostgreSQL server (e.g. a private one).
  explicit Database(const std::string &pgServer);
  ~Database(); // drops the PostgreSQL database (best effort)
  Database(const Database &) = delete;
  Database &operator=(const Database &) = delete;

  bool isPostgres() const { return !pgUri_.empty(); }
  const std::string &pgUri() const { return pgUri_; } // of this database
  std::filesystem::path sqlitePath() const { return dir_.path() / "shared.db"; }

  // The "--set" key=value pairs that point rdconsole at this database.
  std::vector<std::string> serverSets() const;

  // Runs one SQL statement with psql or the sqlite3 CLI; returns the rows,
  // one per line, columns separated by '|'. Throws with the tool's stderr.
  std::string query(const std::string &sql) const;
  // True when the CLI tool for this engine is installed.
  bool canQuery() const;
  // Starts another client (psql, sqlite3) that keeps `table` locked against
  // writes for `hold` (SQLite: the whole database), and returns once it holds
  // the lock. The client then commits and exits by itself.
  std::unique_ptr<Process> lockAgainstWrites(const std::string &table,
                                             std::chrono::milliseconds hold) const;

private:
  void create(const std::string &pgServer);

  TempDir dir_;        // scratch for command output; the SQLite file in SQLite mode
  std::string server_; // PostgreSQL server URI (maintenance database)
  std::string name_;
  std::string pgUri_;
};

} // namespace harness
