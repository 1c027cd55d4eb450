// Both engines for the auth store tests: every behaviour runs against SQLite,
// and again in the doctest suite "postgres" against a private schema on the
// server of RDC_TEST_PG_URL (ctest's unit/postgres starts one; without it
// those cases are skipped).
#pragma once

#include "db/CoreSchema.h"
#include "db/Migrations.h"
#include "db/Postgres.h"

#include "../db/TestDb.h"

#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>

#include <unistd.h>

namespace rdc::test {

inline std::string pgServerUrl() {
  const char *url = std::getenv("RDC_TEST_PG_URL");
  return url ? url : "";
}

inline bool noPgServer() {
  return pgServerUrl().empty();
}

// Two pools on one migrated database stand for two server instances.
struct Engine {
  virtual ~Engine() = default;
  virtual std::unique_ptr<db::Pool> pool() = 0;
};

struct SqliteEngine : Engine {
  TempDir dir;
  std::unique_ptr<db::Pool> pool() override { return sqlitePool(dir, 4); }
};

// A private schema (the URL's search_path points there), dropped afterwards.
struct PgEngine : Engine {
  std::string schema;
  std::unique_ptr<db::Connection> admin;
  PgEngine() {
    static std::atomic<int> counter{0};
    schema = "rdc_dev" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    admin = db::openPostgres({pgServerUrl(), "", 5});
    db::exec(*admin, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    db::exec(*admin, "CREATE SCHEMA " + schema);
  }
  ~PgEngine() override {
    try {
      db::exec(*admin, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (...) {
    }
  }
  std::unique_ptr<db::Pool> pool() override {
    std::string url = pgServerUrl();
    if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0)
      url += (url.find('?') == std::string::npos ? "?" : "&") +
             std::string("options=-csearch_path%3D") + schema;
    else
      url += " options='-csearch_path=" + schema + "'";
    return std::make_unique<db::Pool>(db::postgresFactory({url, "", 5}), 4,
                                      std::chrono::milliseconds(5000));
  }
};

inline std::unique_ptr<db::Pool> migrated(Engine &e) {
  auto pool = e.pool();
  auto lease = pool->acquire();
  db::migrate(*lease, "core", db::coreMigrations());
  return pool;
}

inline int64_t countRows(db::Pool &pool, const std::string &sql) {
  auto lease = pool.acquire();
  auto st = lease->prepare(sql);
  if (st->step() != db::Step::Row)
    return -1;
  return st->columnInt(0);
}

} // namespace rdc::test
