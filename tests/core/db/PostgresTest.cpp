// The PostgreSQL engine against a real server: the same behaviours as
// SqliteTest, PoolTest and MigrationsTest. The server's URI comes from
// RDC_TEST_PG_URL (tests/pg/start.sh starts a throwaway one; ctest's
// unit/postgres does that by itself). Without it these tests are skipped
// (doctest reports them as skipped, and they are not listed for ctest's
// discovered unit/ tests).
#include "db/Postgres.h"
#include "db/CoreSchema.h"
#include "db/Migrations.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <latch>
#include <limits>
#include <map>
#include <string>
#include <thread>

#include <unistd.h>

using namespace rdc;
using namespace std::chrono_literals;
using db::ColumnType;
using db::DbError;
using db::Migration;
using db::MigrationError;
using db::Step;

namespace {

std::string serverUrl() {
  const char *url = std::getenv("RDC_TEST_PG_URL");
  return url ? url : "";
}

// Evaluated while the tests register (doctest::skip), before doctest runs:
// so no MESSAGE here; doctest counts these tests as skipped instead.
bool noServer() {
  return serverUrl().empty();
}

// A private schema per test: every connection of the test works in it (via
// the search_path option), and it is dropped afterwards.
class TestSchema {
public:
  TestSchema() {
    static std::atomic<int> counter{0};
    name_ = "rdc_t" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    admin_ = db::openPostgres({serverUrl(), "", 5});
    db::exec(*admin_, "DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
    db::exec(*admin_, "CREATE SCHEMA " + name_);
  }
  ~TestSchema() {
    try {
      db::exec(*admin_, "DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
    } catch (...) {
    }
  }
  TestSchema(const TestSchema &) = delete;
  TestSchema &operator=(const TestSchema &) = delete;

  db::PostgresOptions options() const {
    std::string url = serverUrl();
    const bool uri = url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
    if (uri)
      url += (url.find('?') == std::string::npos ? "?" : "&") +
             std::string("options=-csearch_path%3D") + name_;
    else
      url += " options='-csearch_path=" + name_ + "'";
    return {url, "", 5};
  }
  std::unique_ptr<db::Connection> open() const { return db::openPostgres(options()); }
  db::Connection &admin() { return *admin_; }
  const std::string &name() const { return name_; }

private:
  std::string name_;
  std::unique_ptr<db::Connection> admin_;
};

DbError::Kind kindOfFailure(const std::function<void()> &f) {
  try {
    f();
  } catch (const DbError &e) {
    return e.kind();
  }
  FAIL("expected a DbError");
  return DbError::Kind::Other;
}

std::string scalarText(db::Connection &c, const std::string &sql) {
  auto st = c.prepare(sql);
  REQUIRE(st->step() == Step::Row);
  return std::string(st->columnText(0));
}

int64_t scalarInt(db::Connection &c, const std::string &sql) {
  auto st = c.prepare(sql);
  REQUIRE(st->step() == Step::Row);
  return st->columnInt(0);
}

bool tableExists(db::Connection &c, const std::string &name) {
  auto st = c.prepare("SELECT 1 FROM information_schema.tables "
                      "WHERE table_schema = current_schema() AND table_name = ?");
  st->bindText(1, name);
  return st->step() == Step::Row;
}

std::map<int64_t, std::string> ledger(db::Connection &c, const std::string &module) {
  std::map<int64_t, std::string> out;
  auto st = c.prepare("SELECT version, checksum, applied_at FROM rdc_migrations WHERE module = ?");
  st->bindText(1, module);
  while (st->step() == Step::Row) {
    CHECK(st->columnInt(2) > 1600000000000); // epoch milliseconds
    out.emplace(st->columnInt(0), std::string(st->columnText(1)));
  }
  return out;
}

std::string migrationErrorOf(const std::function<void()> &f) {
  try {
    f();
  } catch (const MigrationError &e) {
    return e.what();
  }
  FAIL("expected a MigrationError");
  return {};
}

// Polls until `done` holds, for at most `bound`.
bool eventually(const std::function<bool()> &done, std::chrono::milliseconds bound = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done())
      return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

const std::vector<Migration> kTwo = {
    {1, "CREATE TABLE auth_a (id INTEGER PRIMARY KEY, v TEXT);"},
    {2, "CREATE TABLE auth_b (id INTEGER PRIMARY KEY); INSERT INTO auth_a (v) VALUES ('seed');"},
};

} // namespace

TEST_SUITE("postgres") {

  TEST_CASE("postgres: opens a session in UTC named rdconsole" * doctest::skip(noServer())) {
    TestSchema s;
    auto c = s.open();
    CHECK(c->engine() == "postgresql");
    CHECK(c->healthy());
    CHECK_FALSE(c->inTransaction());
    CHECK(scalarText(*c, "SHOW TimeZone") == "UTC");
    CHECK(scalarText(*c, "SELECT current_setting('application_name')") == "rdconsole");
    CHECK(scalarText(*c, "SELECT current_schema()") == s.name());
  }

  TEST_CASE("postgres: an unreachable server is a DbError naming it, without the password" *
            doctest::skip(noServer())) {
    // Port 1 (tcpmux): nobody listens there on a test machine.
    db::PostgresOptions o{"postgresql://rdc@127.0.0.1:1/rdconsole", "s3cret-Pa55", 2};
    try {
      db::openPostgres(o);
      FAIL("expected a DbError");
    } catch (const DbError &e) {
      const std::string msg = e.what();
      CHECK(e.kind() == DbError::Kind::Unavailable);
      CHECK(msg.find("cannot connect to PostgreSQL at 127.0.0.1:1/rdconsole: ") == 0);
      CHECK(msg.find("s3cret-Pa55") == std::string::npos);
    }
    // A database that does not exist is refused with the server's reason.
    std::string bad = serverUrl();
    bad = bad.substr(0, bad.rfind('/')) + "/no_such_database_rdc";
    try {
      db::openPostgres({bad, "s3cret-Pa55", 2});
      FAIL("expected a DbError");
    } catch (const DbError &e) {
      const std::string msg = e.what();
      CHECK(msg.find("/no_such_database_rdc: ") != std::string::npos);
      CHECK(msg.find("does not exist") != std::string::npos);
      CHECK(msg.find("s3cret-Pa55") == std::string::npos);
    }
  }

  TEST_CASE("postgres: typed values round-trip exactly" * doctest::skip(noServer())) {
    TestSchema s;
    auto c = s.open();
    c->execScript("CREATE TABLE v (i INTEGER, d REAL, t TEXT, b BLOB, n TEXT)");

    const int64_t lo = std::numeric_limits<int64_t>::min();
    const int64_t hi = std::numeric_limits<int64_t>::max();
    const std::string utf8 = "Grüße, 世界 ✓ \xF0\x9F\x98\x80";
    const std::string blob("a\0b\0\xff\\x00'", 10);

    auto ins = c->prepare("INSERT INTO v (i, d, t, b, n) VALUES (?, ?, ?, ?, ?)");
    for (int64_t v : {lo, hi}) {
      ins->bindInt(1, v);
      ins->bindDouble(2, -1234.5e-10);
      ins->bindText(3, utf8);
      ins->bindBlob(4, blob);
      ins->bindNull(5);
      CHECK(ins->step() == Step::Done);
      CHECK(ins->changes() == 1);
    }

    auto sel = c->prepare("SELECT i, d, t, b, n FROM v ORDER BY i");
    CHECK(sel->columnCount() == 5);
    for (int64_t expected : {lo, hi}) {
      REQUIRE(sel->step() == Step::Row);
      CHECK(sel->columnType(0) == ColumnType::Int);
      CHECK(sel->columnInt(0) == expected);
      CHECK(sel->columnType(1) == ColumnType::Real);
      CHECK(sel->columnDouble(1) == -1234.5e-10);
      CHECK(sel->columnType(2) == ColumnType::Text);
      CHECK(sel->columnText(2) == utf8);
      CHECK(sel->columnType(3) == ColumnType::Blob);
      CHECK(sel->columnText(3) == blob);
      CHECK(sel->columnText(3).size() == 10);
      CHECK(sel->columnType(4) == ColumnType::Null);
      CHECK(sel->columnText(4).empty());
      CHECK(sel->columnInt(4) == 0);
    }
    CHECK(sel->step() == Step::Done);

    // Doubles that need all 17 digits, and the column types PostgreSQL adds.
    auto d = c->prepare("SELECT ?, ?, true, false, sum(i / 2), avg(1.5::numeric), "
                        "count(*) FROM v");
    d->bindDouble(1, 0.1 + 0.2);
    d->bindDouble(2, 1e308);
    REQUIRE(d->step() == Step::Row);
    CHECK(d->columnDouble(0) == 0.1 + 0.2);
    CHECK(d->columnDouble(1) == 1e308);
    CHECK(d->columnType(2) == ColumnType::Int);
    CHECK(d->columnInt(2) == 1);
    CHECK(d->columnText(2) == "1");
    CHECK(d->columnInt(3) == 0);
    CHECK(d->columnType(4) == ColumnType::Int); // numeric, but whole
    CHECK(d->columnInt(4) == lo / 2 + hi / 2);
    CHECK(d->columnType(5) == ColumnType::Real);
    CHECK(d->columnDouble(5) == 1.5);
    CHECK(d->columnInt(6) == 2);
  }

  TEST_CASE("postgres: an empty string stays an empty string, not NULL" *
            doctest::skip(noServer())) {
    TestSchema s;
    auto c = s.open();
    auto st = c->prepare("SELECT ?, ? IS NULL, ?, ? IS NULL");
    st->bindText(1, std::string_view{});
    st->bindText(2, std::string_view{});
    st->bindBlob(3, std::string_view{});
    st->bindBlob(4, std::string_view{});
    REQUIRE(st->step() == Step::Row);
    CHECK(st->columnType(0) == ColumnType::Text);
    CHECK(st->columnInt(1) == 0);
    CHECK(st->columnType(2) == ColumnType::Blob);
    CHECK(st->columnText(2).empty());
    CHECK(st->columnInt(3) == 0);
  }

  TEST_CASE("postgres: parameter types the server cannot infer well come from the values" *
            doctest::skip(noServer())) {
    TestSchema s;
    auto c = s.open();
    c->execScript("CREATE TABLE t (x INTEGER, name TEXT)");
    const int64_t big = int64_t{1} << 40;

    // `? + 1` alone would be a 32-bit integer.
    auto add = c->prepare("SELECT ? + 1");
    add->bindInt(1, big);
    REQUIRE(add->step() == Step::Row);
    CHECK(add->columnInt(0) == big + 1);

    // `? IS NULL` alone leaves the type open.
    auto isNull = c->prepare("SELECT ? IS NULL, ? IS NULL");
    isNull->bindInt(1, 5);
    isNull->bindNull(2);
    REQUIRE(isNull->step() == Step::Row);
    CHECK(isNull->columnInt(0) == 0);
    CHECK(isNull->columnInt(1) == 1);

    // An optional filter: the same statement with and without a value.
    db::exec(*c, "INSERT INTO t (x, name) VALUES (?, ?), (?, ?)", {big, "a", 2, "b"});
    auto filter = c->prepare("SELECT count(*) FROM t WHERE (? IS NULL OR x = ?)");
    filter->bindNull(1);
    filter->bindNull(2);
    REQUIRE(filter->step() == Step::Row);
    CHECK(filter->columnInt(0) == 2);
    filter->reset();
    filter->bindInt(1, big);
    filter->bindInt(2, big);
    REQUIRE(filter->step() == Step::Row);
    CHECK(filter->columnInt(0) == 1);

    // A number bound for a text column is compared as text, as on SQLite.
    CHECK(db::exec(*c, "UPDATE t SET name = ? WHERE name = ?", {7, "b"}) == 1);
    auto byName = c->prepare("SELECT x FROM t WHERE name = ?");
    byName->bindInt(1, 7);
    REQUIRE(byName->step() == Step::Row);
    CHECK(byName->columnInt(0) == 2);

    // A NUL byte cannot be PostgreSQL text: refused at bind, not truncated.
    auto nul = c->prepare("SELECT ?");
    CHECK(kindOfFailure([&] { nul->bindText(1, std::string_view("a\0b", 3)); }) ==
          DbError::Kind::Invalid);
  }

  TEST_CASE("postgres: errors are classified" * doctest::skip(noServer())) {
    TestSchema s;
    auto c = s.open();
    c->execScript("CREATE TABLE u (name TEXT UNIQUE);"
                  "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
                  "CREATE TABLE child (pid INTEGER REFERENCES parent(id));");
    db::exec(*c, "INSERT INTO u (name) VALUES (?)", {"alice"});

    SUBCASE("unique violation is Conflict, does not echo the row, and the statement is reusable") {
      auto st = c->prepare("INSERT INTO u (name) VALUES (?)");
      st->bindText(1, "alice");
      try {
        st->step();
        FAIL("expected a DbError");
      } catch (const DbError &e) {
        CHECK(e.kind() == DbError::Kind::Conflict);
        CHECK(std::string(e.what()).find("unique constraint") != std::string::npos);
        CHECK(std::string(e.what()).find("alice") == std::string::npos);
      }
      st->bindText(1, "bob");
      CHECK(st->step() == Step::Done);
      CHECK(st->changes() == 1);
    }
    SUBCASE("foreign keys are enforced (Conflict)") {
      CHECK(kindOfFailure([&] { db::exec(*c, "INSERT INTO child (pid) VALUES (42)"); }) ==
            DbError::Kind::Conflict);
    }
    SUBCASE("bad SQL is Invalid at prepare and the message says why") {
      try {
        c->prepare("SELEKT 1");
        FAIL("expected a DbError");
      } catch (const DbError &e) {
        CHECK(e.kind() == DbError::Kind::Invalid);
        CHECK(std::string(e.what()).find("syntax error") != std::string::npos);
      }
      CHECK(kindOfFailure([&] { c->prepare("SELECT * FROM no_such_table"); }) ==
            DbError::Kind::Invalid);
      CHECK(kindOfFailure([&] { c->execScript("CREATE TABLE ok (x INTEGER); NONSENSE;"); }) ==
            DbError::Kind::Invalid);
      CHECK_FALSE(tableExists(*c, "ok")); // a script is all or nothing
      CHECK(c->healthy());
    }
    SUBCASE("two statements in one prepare are refused, empty SQL too") {
      CHECK(kindOfFailure([&] { c->prepare("SELECT 1; SELECT 2"); }) == DbError::Kind::Invalid);
      CHECK(kindOfFailure([&] { c->prepare("   "); }) == DbError::Kind::Invalid);
      CHECK(kindOfFailure([&] { c->prepare(" -- nothing\n ; "); }) == DbError::Kind::Invalid);
      CHECK_NOTHROW(c->prepare("SELECT 1; -- trailing comment"));
    }
    SUBCASE("a parameter or column index out of range is Invalid") {
      auto st = c->prepare("SELECT ?");
      CHECK(kindOfFailure([&] { st->bindInt(2, 1); }) == DbError::Kind::Invalid);
      CHECK(kindOfFailure([&] { st->bindInt(0, 1); }) == DbError::Kind::Invalid);
      st->bindInt(1, 7);
      REQUIRE(st->step() == Step::Row);
      CHECK(kindOfFailure([&] { st->columnInt(1); }) == DbError::Kind::Invalid);
      CHECK(st->columnInt(0) == 7);
    }
    SUBCASE("a value that does not fit its column is Invalid") {
      CHECK(kindOfFailure([&] {
              db::exec(*c, "INSERT INTO child (pid) VALUES (?)", {"not a number"});
            }) == DbError::Kind::Invalid);
    }
  }

  TEST_CASE("postgres: changes() counts only the rows this statement changed" *
            doctest::skip(noServer())) {
    TestSchema s;
    auto c = s.open();
    CHECK(db::exec(*c, "CREATE TABLE t (x INTEGER)") == 0);
    CHECK(db::exec(*c, "INSERT INTO t (x) VALUES (1), (2), (3)") == 3);
    CHECK(db::exec(*c, "UPDATE t SET x = x + 10 WHERE x >= 2") == 2);
    CHECK(db::exec(*c, "SELECT * FROM t") == 0);
    CHECK(db::exec(*c, "CREATE INDEX t_x ON t(x)") == 0);
    CHECK(db::exec(*c, "UPDATE t SET x = 0 WHERE x = 999") == 0);
    CHECK(db::exec(*c, "DELETE FROM t") == 3);

    auto ret = c->prepare("INSERT INTO t (x) VALUES (5), (6) RETURNING x");
    int rows = 0;
    while (ret->step() == Step::Row)
      ++rows;
    CHECK(rows == 2);
    CHECK(ret->changes() == 2);

    // Portable upsert and an auto-assigned 64-bit key.
    c->execScript("CREATE TABLE kv (id INTEGER PRIMARY KEY, k TEXT UNIQUE, n INTEGER)");
    const char *upsert = "INSERT INTO kv (k, n) VALUES (?, 1) "
                         "ON CONFLICT (k) DO UPDATE SET n = kv.n + 1 RETURNING id, n";
    auto up = c->prepare(upsert);
    up->bindText(1, "a");
    REQUIRE(up->step() == Step::Row);
    const int64_t id = up->columnInt(0);
    CHECK(id >= 1);
    CHECK(up->columnInt(1) == 1);
    CHECK(up->step() == Step::Done);
    REQUIRE(up->step() == Step::Row); // runs again with the same binding
    CHECK(up->columnInt(0) == id);
    CHECK(up->columnInt(1) == 2);
    CHECK(scalarText(*c, "SELECT data_type FROM information_schema.columns "
                         "WHERE table_schema = current_schema() AND table_name = 'kv' "
                         "AND column_name = 'n'") == "bigint");
  }

  TEST_CASE("postgres: reset keeps bindings; live statements with the same SQL are independent" *
            doctest::skip(noServer())) {
    TestSchema s;
    auto c = s.open();
    db::exec(*c, "CREATE TABLE t (x INTEGER)");
    db::exec(*c, "INSERT INTO t (x) VALUES (1), (2), (3)");
    const std::string sql = "SELECT x FROM t WHERE x >= ? ORDER BY x";

    auto a = c->prepare(sql);
    a->bindInt(1, 2);
    REQUIRE(a->step() == Step::Row);
    CHECK(a->columnInt(0) == 2);

    auto b = c->prepare(sql);
    b->bindInt(1, 1);
    REQUIRE(b->step() == Step::Row);
    CHECK(b->columnInt(0) == 1);

    REQUIRE(a->step() == Step::Row);
    CHECK(a->columnInt(0) == 3);

    a->reset();
    REQUIRE(a->step() == Step::Row);
    CHECK(a->columnInt(0) == 2); // binding kept

    b.reset();
    auto again = c->prepare(sql); // a new statement starts with no bindings (NULL)
    CHECK(again->step() == Step::Done);

    // A cached plan survives the table changing shape.
    auto star = c->prepare("SELECT * FROM t ORDER BY x");
    REQUIRE(star->step() == Step::Row);
    star->reset();
    db::exec(*c, "ALTER TABLE t ADD COLUMN y INTEGER");
    auto star2 = c->prepare("SELECT * FROM t ORDER BY x");
    REQUIRE(star2->step() == Step::Row);
    CHECK(star2->columnCount() == 2);
  }

  TEST_CASE("postgres: transactions" * doctest::skip(noServer())) {
    TestSchema s;
    auto c = s.open();
    db::exec(*c, "CREATE TABLE t (x INTEGER UNIQUE)");
    CHECK_FALSE(c->inTransaction());
    CHECK_NOTHROW(c->rollback());

    c->begin();
    CHECK(c->inTransaction());
    db::exec(*c, "INSERT INTO t (x) VALUES (1)");
    c->rollback();
    CHECK_FALSE(c->inTransaction());
    CHECK(scalarInt(*c, "SELECT count(*) FROM t") == 0);

    {
      db::Transaction tx(*c);
      db::exec(*c, "INSERT INTO t (x) VALUES (2)");
      tx.commit();
    }
    {
      db::Transaction tx(*c);
      db::exec(*c, "INSERT INTO t (x) VALUES (3)");
    }
    CHECK_FALSE(c->inTransaction());
    CHECK(scalarText(*c, "SELECT string_agg(x::text, ',') FROM t") == "2");

    // A failed statement aborts a PostgreSQL transaction: COMMIT must then
    // report that nothing was committed instead of pretending success.
    c->begin();
    db::exec(*c, "INSERT INTO t (x) VALUES (4)");
    CHECK(kindOfFailure([&] { db::exec(*c, "INSERT INTO t (x) VALUES (2)"); }) ==
          DbError::Kind::Conflict);
    CHECK(c->inTransaction());
    CHECK_THROWS_AS(c->commit(), DbError);
    CHECK_FALSE(c->inTransaction());
    CHECK(scalarInt(*c, "SELECT count(*) FROM t") == 1);
  }

  TEST_CASE("postgres: a pool rolls back a dropped lease and waits for a free connection" *
            doctest::skip(noServer())) {
    TestSchema s;
    db::Pool pool(db::postgresFactory(s.options()), 1, 1000ms);
    CHECK(pool.engine() == "postgresql");
    {
      auto l = pool.acquire();
      db::exec(*l, "CREATE TABLE t (x INTEGER)");
      l->begin();
      db::exec(*l, "INSERT INTO t (x) VALUES (1)");
    }
    auto l = pool.acquire();
    CHECK_FALSE(l->inTransaction());
    CHECK(scalarInt(*l, "SELECT count(*) FROM t") == 0);
    try {
      pool.acquire(100ms);
      FAIL("expected Busy");
    } catch (const DbError &e) {
      CHECK(e.kind() == DbError::Kind::Busy);
    }
  }

  TEST_CASE("postgres: a connection killed by the server is replaced" * doctest::skip(noServer())) {
    TestSchema s;
    db::Pool pool(db::postgresFactory(s.options()), 1, 2000ms);
    auto backendGone = [&](int64_t pid) {
      auto st = s.admin().prepare("SELECT count(*) FROM pg_stat_activity WHERE pid = ?");
      st->bindInt(1, pid);
      REQUIRE(st->step() == Step::Row);
      return st->columnInt(0) == 0;
    };
    auto kill = [&](int64_t pid) {
      auto st = s.admin().prepare("SELECT pg_terminate_backend(?)");
      st->bindInt(1, pid);
      REQUIRE(st->step() == Step::Row);
      REQUIRE(st->columnInt(0) == 1);
      REQUIRE(eventually([&] { return backendGone(pid); }));
    };

    SUBCASE("while idle in the pool: the next statement runs on a fresh session") {
      int64_t first = 0;
      {
        auto l = pool.acquire();
        db::exec(*l, "CREATE TABLE t (x INTEGER)");
        first = scalarInt(*l, "SELECT pg_backend_pid()");
      }
      kill(first);
      auto l = pool.acquire();
      const int64_t second = scalarInt(*l, "SELECT pg_backend_pid()");
      CHECK(second != first);
      CHECK(db::exec(*l, "INSERT INTO t (x) VALUES (?)", {1}) == 1);
      CHECK(scalarText(*l, "SHOW TimeZone") == "UTC"); // session set-up ran again
    }
    SUBCASE("inside a transaction: the loss is reported and the pool opens a new connection") {
      int64_t first = 0;
      {
        auto l = pool.acquire();
        db::exec(*l, "CREATE TABLE t (x INTEGER)");
        first = scalarInt(*l, "SELECT pg_backend_pid()");
        l->begin();
        db::exec(*l, "INSERT INTO t (x) VALUES (1)");
        kill(first);
        try {
          db::exec(*l, "INSERT INTO t (x) VALUES (2)");
          FAIL("expected a DbError");
        } catch (const DbError &e) {
          CHECK(e.kind() == DbError::Kind::Unavailable);
          CHECK(std::string(e.what()).find("lost") != std::string::npos);
        }
        CHECK_FALSE(l->healthy());
        // The transaction is gone: nothing may run as if it were still open.
        CHECK(l->inTransaction());
        CHECK(kindOfFailure([&] { db::exec(*l, "INSERT INTO t (x) VALUES (3)"); }) ==
              DbError::Kind::Unavailable);
      }
      auto l = pool.acquire();
      CHECK(l->healthy());
      CHECK(scalarInt(*l, "SELECT pg_backend_pid()") != first);
      CHECK(scalarInt(*l, "SELECT count(*) FROM t") == 0);
    }
  }

  TEST_CASE("postgres migrations: each version runs once and is recorded with its checksum" *
            doctest::skip(noServer())) {
    TestSchema s;
    auto c = s.open();
    CHECK(db::migrate(*c, "auth", kTwo) == 2);
    CHECK(db::migrate(*c, "auth", kTwo) == 0);
    auto rows = ledger(*c, "auth");
    REQUIRE(rows.size() == 2);
    CHECK(rows[1] == db::sha256Hex(kTwo[0].sql));
    CHECK(rows[2] == db::sha256Hex(kTwo[1].sql));
    CHECK(scalarInt(*c, "SELECT count(*) FROM auth_a") == 1);

    auto three = kTwo;
    three.push_back({3, "CREATE TABLE auth_c (id INTEGER PRIMARY KEY);"});
    CHECK(db::migrate(*c, "auth", three) == 1);
    CHECK(tableExists(*c, "auth_c"));
    CHECK(ledger(*c, "auth").size() == 3);
  }

  TEST_CASE("postgres migrations: an edited step and a newer schema are refused" *
            doctest::skip(noServer())) {
    TestSchema s;
    auto c = s.open();
    db::migrate(*c, "auth", kTwo);
    auto edited = kTwo;
    edited[1].sql = "CREATE TABLE auth_b (id INTEGER PRIMARY KEY, extra TEXT);";
    edited.push_back({3, "CREATE TABLE auth_c (id INTEGER);"});
    CHECK(migrationErrorOf([&] { db::migrate(*c, "auth", edited); }) ==
          "migration auth v2 was changed after it was applied (checksum mismatch); restore the "
          "original migration");
    CHECK_FALSE(tableExists(*c, "auth_c"));

    auto three = kTwo;
    three.push_back({3, "CREATE TABLE auth_c (id INTEGER);"});
    db::migrate(*c, "auth", three);
    CHECK(migrationErrorOf([&] { db::migrate(*c, "auth", kTwo); }) ==
          "database schema of module 'auth' is at version 3, newer than this build knows (2); "
          "upgrade rdconsole");
  }

  TEST_CASE("postgres migrations: a failing step leaves no partial schema" *
            doctest::skip(noServer())) {
    TestSchema s;
    auto c = s.open();
    std::vector<Migration> bad = {
        {1, "CREATE TABLE f1 (x INTEGER);"},
        {2, "CREATE TABLE f2 (x INTEGER); INSERT INTO f1 (x) VALUES (1); "
            "INSERT INTO nope VALUES (1);"},
    };
    try {
      db::migrate(*c, "fail", bad);
      FAIL("expected a DbError");
    } catch (const DbError &e) {
      CHECK(std::string(e.what()).find("migration fail v2 failed") != std::string::npos);
      CHECK(std::string(e.what()).find("nope") != std::string::npos);
    }
    CHECK_FALSE(c->inTransaction());
    CHECK(tableExists(*c, "f1"));
    CHECK_FALSE(tableExists(*c, "f2"));
    CHECK(scalarInt(*c, "SELECT count(*) FROM f1") == 0);
    CHECK(ledger(*c, "fail").size() == 1);
    bad[1].sql = "CREATE TABLE f2 (x INTEGER);";
    CHECK(db::migrate(*c, "fail", bad) == 1);
  }

  TEST_CASE("postgres migrations: the core schema applies and cascades token rows" *
            doctest::skip(noServer())) {
    TestSchema s;
    auto c = s.open();
    CHECK(db::migrate(*c, "core", db::coreMigrations()) ==
          static_cast<int>(db::coreMigrations().size()));
    CHECK(db::migrate(*c, "core", db::coreMigrations()) == 0);
    auto ins = c->prepare("INSERT INTO core_users (name, name_key, password_hash, created_at, "
                          "updated_at) VALUES (?, ?, '', ?, ?) RETURNING id");
    ins->bindText(1, "Ann");
    ins->bindText(2, "ann");
    ins->bindInt(3, 1700000000000);
    ins->bindInt(4, 1700000000000);
    REQUIRE(ins->step() == Step::Row);
    const int64_t uid = ins->columnInt(0);
    ins.reset();
    CHECK(kindOfFailure([&] {
            db::exec(*c, "INSERT INTO core_users (name, name_key, created_at, updated_at) "
                         "VALUES ('ANN', 'ann', 1, 1)");
          }) == DbError::Kind::Conflict);
    db::exec(*c,
             "INSERT INTO core_tokens (token_hash, user_id, created_at, expires_at) "
             "VALUES ('h1', ?, 1, 2)",
             {uid});
    CHECK(kindOfFailure([&] {
            db::exec(*c, "INSERT INTO core_tokens (token_hash, user_id, created_at, expires_at) "
                         "VALUES ('h2', 99, 1, 2)");
          }) == DbError::Kind::Conflict);
    db::exec(*c, "DELETE FROM core_users WHERE id = ?", {uid});
    CHECK(scalarInt(*c, "SELECT count(*) FROM core_tokens") == 0);
  }

  TEST_CASE("postgres migrations: instances starting together apply each version exactly once" *
            doctest::skip(noServer())) {
    TestSchema s;
    // Non-idempotent steps: a second run of any of them would fail or
    // insert a second seed row.
    std::vector<Migration> steps;
    for (int v = 1; v <= 5; ++v)
      steps.push_back({v, "CREATE TABLE race_" + std::to_string(v) +
                              " (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO race_1 (v) VALUES "
                              "('seed " +
                              std::to_string(v) + "');"});
    constexpr int kInstances = 4;
    std::vector<std::unique_ptr<db::Connection>> conns;
    for (int i = 0; i < kInstances; ++i)
      conns.push_back(s.open());
    std::latch go(kInstances);
    std::atomic<int> ran{0};
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kInstances; ++i)
      threads.emplace_back([&, i] {
        go.arrive_and_wait();
        try {
          ran += db::migrate(*conns[static_cast<size_t>(i)], "race", steps);
          ran += db::migrate(*conns[static_cast<size_t>(i)], "core", db::coreMigrations());
        } catch (...) {
          ++failures;
        }
      });
    for (auto &t : threads)
      t.join();
    CHECK(failures == 0);
    CHECK(ran == 5 + static_cast<int>(db::coreMigrations().size()));
    auto c = s.open();
    CHECK(ledger(*c, "race").size() == 5);
    CHECK(ledger(*c, "core").size() == db::coreMigrations().size());
    CHECK(scalarInt(*c, "SELECT count(*) FROM race_1") == 5);
  }

} // TEST_SUITE("postgres")
