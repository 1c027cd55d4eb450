// PostgreSQL engine (several rdconsole instances on one database), on libpq
// directly: the ABI needs a step cursor with exact types, SQLSTATE codes for
// conflict detection, and control over reconnects and per-connection set-up.
#pragma once

#include "db/Database.h"

#include <string>

namespace rdc::db {

struct PostgresOptions {
  // A libpq connection string: "host=db port=5432 dbname=rdconsole user=rdc"
  // or a URI "postgresql://rdc@db:5432/rdconsole?sslmode=require".
  std::string conninfo;
  // Given separately so it never has to appear in the connection string,
  // and so never in a log line or error message. Empty = none (or ~/.pgpass).
  std::string password;
  int connectTimeoutSeconds = 5;
};

// Opens one connection with application_name=rdconsole, UTF-8, time zone UTC.
// Throws DbError(Other, "cannot connect to PostgreSQL at host:port/db: ...")
// when the server cannot be reached or refuses the login.
//
// SQL is the portable dialect of Database.h, rewritten by SqlDialect.h. A
// connection whose server went away while it sat idle reconnects by itself on
// its next use outside a transaction; one lost inside a transaction reports
// the loss (DbError Other), is unhealthy, and is replaced by the pool.
std::unique_ptr<Connection> openPostgres(const PostgresOptions &opts);

ConnectionFactory postgresFactory(PostgresOptions opts);

} // namespace rdc::db
