#include "db/Sqlite.h"

#include "TestDb.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>

using namespace rdc;
using db::ColumnType;
using db::DbError;
using db::Step;

namespace {

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

} // namespace

TEST_CASE("sqlite: opens with WAL, foreign keys and NORMAL sync") {
  test::TempDir dir;
  auto c = db::openSqlite(test::sqliteIn(dir));
  CHECK(c->engine() == "sqlite");
  CHECK(c->healthy());
  CHECK(scalarText(*c, "PRAGMA journal_mode") == "wal");
  CHECK(scalarText(*c, "PRAGMA foreign_keys") == "1");
  CHECK(scalarText(*c, "PRAGMA synchronous") == "1"); // NORMAL
  CHECK(scalarText(*c, "PRAGMA busy_timeout") == "5000");
  CHECK(std::filesystem::exists(dir.file("test.db")));
}

TEST_CASE("sqlite: a file that cannot be opened is a DbError naming the path") {
  test::TempDir dir;
  auto missing = dir.file("no-such-dir") / "x.db";
  try {
    db::openSqlite({missing, 100});
    FAIL("expected a DbError");
  } catch (const DbError &e) {
    CHECK(std::string(e.what()).find(missing.string()) != std::string::npos);
  }

  std::filesystem::path junk = dir.file("junk.db");
  {
    std::FILE *f = std::fopen(junk.c_str(), "wb");
    REQUIRE(f);
    std::fputs("this is not a database file, just some text that is long enough", f);
    std::fclose(f);
  }
  CHECK_THROWS_AS(db::openSqlite({junk, 100}), DbError);
}

TEST_CASE("sqlite: typed values round-trip exactly") {
  test::TempDir dir;
  auto c = db::openSqlite(test::sqliteIn(dir));
  c->execScript("CREATE TABLE v (i INTEGER, d REAL, t TEXT, b BLOB, n TEXT)");

  const int64_t lo = std::numeric_limits<int64_t>::min();
  const int64_t hi = std::numeric_limits<int64_t>::max();
  const std::string utf8 = "Grüße, 世界 ✓ \xF0\x9F\x98\x80";
  const std::string blob("a\0b\0\xff", 5);

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
    CHECK(sel->columnText(3).size() == 5);
    CHECK(sel->columnType(4) == ColumnType::Null);
    CHECK(sel->columnText(4).empty());
  }
  CHECK(sel->step() == Step::Done);
}

TEST_CASE("sqlite: an empty string stays an empty string, not NULL") {
  test::TempDir dir;
  auto c = db::openSqlite(test::sqliteIn(dir));
  auto st = c->prepare("SELECT ?, typeof(?), ?, typeof(?)");
  st->bindText(1, std::string_view{});
  st->bindText(2, std::string_view{});
  st->bindBlob(3, std::string_view{});
  st->bindBlob(4, std::string_view{});
  REQUIRE(st->step() == Step::Row);
  CHECK(st->columnType(0) == ColumnType::Text);
  CHECK(st->columnText(1) == "text");
  CHECK(st->columnType(2) == ColumnType::Blob);
  CHECK(st->columnText(3) == "blob");
}

TEST_CASE("sqlite: errors are classified") {
  test::TempDir dir;
  auto c = db::openSqlite(test::sqliteIn(dir));
  c->execScript("CREATE TABLE u (name TEXT UNIQUE);"
                "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
                "CREATE TABLE child (pid INTEGER REFERENCES parent(id));");
  db::exec(*c, "INSERT INTO u (name) VALUES (?)", {"alice"});

  SUBCASE("unique violation is Conflict, names the constraint, and the statement is reusable") {
    auto st = c->prepare("INSERT INTO u (name) VALUES (?)");
    st->bindText(1, "alice");
    try {
      st->step();
      FAIL("expected a DbError");
    } catch (const DbError &e) {
      CHECK(e.kind() == DbError::Kind::Conflict);
      CHECK(std::string(e.what()).find("UNIQUE") != std::string::npos);
    }
    st->bindText(1, "bob");
    CHECK(st->step() == Step::Done);
    CHECK(st->changes() == 1);
  }
  SUBCASE("foreign keys are enforced (Conflict)") {
    CHECK(kindOfFailure([&] { db::exec(*c, "INSERT INTO child (pid) VALUES (42)"); }) ==
          DbError::Kind::Conflict);
  }
  SUBCASE("bad SQL is Invalid and the message says why") {
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
  }
  SUBCASE("two statements in one prepare are refused, empty SQL too") {
    CHECK(kindOfFailure([&] { c->prepare("SELECT 1; SELECT 2"); }) == DbError::Kind::Invalid);
    CHECK(kindOfFailure([&] { c->prepare("   "); }) == DbError::Kind::Invalid);
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
}

TEST_CASE("sqlite: changes() counts only the rows this statement changed") {
  test::TempDir dir;
  auto c = db::openSqlite(test::sqliteIn(dir));
  CHECK(db::exec(*c, "CREATE TABLE t (x INTEGER)") == 0);
  CHECK(db::exec(*c, "INSERT INTO t (x) VALUES (1), (2), (3)") == 3);
  CHECK(db::exec(*c, "UPDATE t SET x = x + 10 WHERE x >= 2") == 2);
  // A SELECT or DDL after a write must not report the write's count.
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
}

TEST_CASE("sqlite: reset keeps bindings; live statements with the same SQL are independent") {
  test::TempDir dir;
  auto c = db::openSqlite(test::sqliteIn(dir));
  db::exec(*c, "CREATE TABLE t (x INTEGER)");
  db::exec(*c, "INSERT INTO t (x) VALUES (1), (2), (3)");
  const std::string sql = "SELECT x FROM t WHERE x >= ? ORDER BY x";

  auto a = c->prepare(sql);
  a->bindInt(1, 2);
  REQUIRE(a->step() == Step::Row);
  CHECK(a->columnInt(0) == 2);

  auto b = c->prepare(sql); // must not be `a`'s handle
  b->bindInt(1, 1);
  REQUIRE(b->step() == Step::Row);
  CHECK(b->columnInt(0) == 1);

  REQUIRE(a->step() == Step::Row);
  CHECK(a->columnInt(0) == 3);

  a->reset();
  REQUIRE(a->step() == Step::Row);
  CHECK(a->columnInt(0) == 2); // binding kept

  // A statement returned to the connection's cache comes back clean.
  b.reset();
  auto again = c->prepare(sql);
  // Its old binding (1) is gone: an unbound parameter is NULL and `x >= NULL`
  // matches nothing.
  CHECK(again->step() == Step::Done);
}

TEST_CASE("sqlite: transactions") {
  test::TempDir dir;
  auto c = db::openSqlite(test::sqliteIn(dir));
  db::exec(*c, "CREATE TABLE t (x INTEGER)");
  CHECK_FALSE(c->inTransaction());
  CHECK_NOTHROW(c->rollback()); // no-op outside a transaction

  c->begin();
  CHECK(c->inTransaction());
  db::exec(*c, "INSERT INTO t (x) VALUES (1)");
  c->rollback();
  CHECK_FALSE(c->inTransaction());
  CHECK(scalarText(*c, "SELECT count(*) FROM t") == "0");

  {
    db::Transaction tx(*c);
    db::exec(*c, "INSERT INTO t (x) VALUES (2)");
    tx.commit();
  }
  {
    db::Transaction tx(*c);
    db::exec(*c, "INSERT INTO t (x) VALUES (3)");
  } // no commit: rolled back
  CHECK_FALSE(c->inTransaction());
  CHECK(scalarText(*c, "SELECT group_concat(x) FROM t") == "2");
}

TEST_CASE("sqlite: a second writer gets Busy after its busy timeout") {
  test::TempDir dir;
  auto writer = db::openSqlite(test::sqliteIn(dir));
  auto other = db::openSqlite(test::sqliteIn(dir, 50));
  db::exec(*writer, "CREATE TABLE t (x INTEGER)");
  writer->begin(); // BEGIN IMMEDIATE takes the write lock now
  CHECK(kindOfFailure([&] { other->begin(); }) == DbError::Kind::Busy);
  CHECK_FALSE(other->inTransaction());
  // WAL: a reader still sees the last committed state meanwhile.
  CHECK(scalarText(*other, "SELECT count(*) FROM t") == "0");
  writer->commit();
  CHECK_NOTHROW(other->begin());
  other->rollback();
}
