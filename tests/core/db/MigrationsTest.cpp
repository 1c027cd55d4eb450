#include "db/Migrations.h"
#include "db/CoreSchema.h"

#include "TestDb.h"

#include <doctest/doctest.h>

#include <map>
#include <string>

using namespace rdc;
using db::Migration;
using db::MigrationError;
using db::Step;

namespace {

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

bool tableExists(db::Connection &c, const std::string &name) {
  auto st = c.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  st->bindText(1, name);
  return st->step() == Step::Row;
}

std::string errorOf(const std::function<void()> &f) {
  try {
    f();
  } catch (const MigrationError &e) {
    return e.what();
  }
  FAIL("expected a MigrationError");
  return {};
}

const std::vector<Migration> kTwo = {
    {1, "CREATE TABLE auth_a (id INTEGER PRIMARY KEY, v TEXT);"},
    {2, "CREATE TABLE auth_b (id INTEGER PRIMARY KEY); INSERT INTO auth_a (v) VALUES ('seed');"},
};

} // namespace

TEST_CASE("migrations: sha256Hex matches the FIPS 180-2 test vectors") {
  CHECK(db::sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(db::sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("migrations: each version runs once and is recorded with its checksum") {
  test::TempDir dir;
  auto c = db::openSqlite(test::sqliteIn(dir));
  CHECK(db::migrate(*c, "auth", kTwo) == 2);
  CHECK(db::migrate(*c, "auth", kTwo) == 0); // a second start changes nothing

  auto rows = ledger(*c, "auth");
  REQUIRE(rows.size() == 2);
  CHECK(rows[1] == db::sha256Hex(kTwo[0].sql));
  CHECK(rows[2] == db::sha256Hex(kTwo[1].sql));
  auto st = c->prepare("SELECT count(*) FROM auth_a");
  REQUIRE(st->step() == Step::Row);
  CHECK(st->columnInt(0) == 1); // v2's seed row was inserted once

  // A later build adds v3: only v3 runs.
  auto three = kTwo;
  three.push_back({3, "CREATE TABLE auth_c (id INTEGER PRIMARY KEY);"});
  CHECK(db::migrate(*c, "auth", three) == 1);
  CHECK(tableExists(*c, "auth_c"));
  CHECK(ledger(*c, "auth").size() == 3);
}

TEST_CASE("migrations: modules have separate ledgers; declaration order does not matter") {
  test::TempDir dir;
  auto c = db::openSqlite(test::sqliteIn(dir));
  CHECK(db::migrate(*c, "auth", kTwo) == 2);
  std::vector<Migration> other = {{2, "CREATE TABLE ab_y (id INTEGER);"},
                                  {1, "CREATE TABLE ab_x (id INTEGER);"}};
  CHECK(db::migrate(*c, "ab", other) == 2);
  CHECK(ledger(*c, "ab").size() == 2);
  CHECK(ledger(*c, "auth").size() == 2);
}

TEST_CASE("migrations: an applied step that was edited is refused") {
  test::TempDir dir;
  auto c = db::openSqlite(test::sqliteIn(dir));
  db::migrate(*c, "auth", kTwo);
  auto edited = kTwo;
  edited[1].sql = "CREATE TABLE auth_b (id INTEGER PRIMARY KEY, extra TEXT);";
  edited.push_back({3, "CREATE TABLE auth_c (id INTEGER);"});
  CHECK(errorOf([&] { db::migrate(*c, "auth", edited); }) ==
        "migration auth v2 was changed after it was applied (checksum mismatch); restore the "
        "original migration");
  CHECK_FALSE(tableExists(*c, "auth_c")); // nothing ran
}

TEST_CASE("migrations: a schema newer than the build is refused") {
  test::TempDir dir;
  auto c = db::openSqlite(test::sqliteIn(dir));
  auto three = kTwo;
  three.push_back({3, "CREATE TABLE auth_c (id INTEGER);"});
  db::migrate(*c, "auth", three);
  CHECK(errorOf([&] { db::migrate(*c, "auth", kTwo); }) ==
        "database schema of module 'auth' is at version 3, newer than this build knows (2); "
        "upgrade rdconsole");
}

TEST_CASE("migrations: versions must be 1..N without gaps or duplicates") {
  test::TempDir dir;
  auto c = db::openSqlite(test::sqliteIn(dir));
  std::vector<Migration> gap = {{1, "CREATE TABLE g1 (x INTEGER);"},
                                {3, "CREATE TABLE g3 (x INTEGER);"}};
  auto msg = errorOf([&] { db::migrate(*c, "gappy", gap); });
  CHECK(msg.find("'gappy'") != std::string::npos);
  CHECK(msg.find("v2") != std::string::npos);
  CHECK_FALSE(tableExists(*c, "g1"));

  std::vector<Migration> dup = {{1, "CREATE TABLE d1 (x INTEGER);"},
                                {1, "CREATE TABLE d2 (x INTEGER);"}};
  CHECK(errorOf([&] { db::migrate(*c, "dupes", dup); }).find("'dupes'") != std::string::npos);
  CHECK_FALSE(tableExists(*c, "d1"));
}

TEST_CASE("migrations: a failing step leaves no partial schema and is not recorded") {
  test::TempDir dir;
  auto c = db::openSqlite(test::sqliteIn(dir));
  std::vector<Migration> bad = {
      {1, "CREATE TABLE f1 (x INTEGER);"},
      {2,
       "CREATE TABLE f2 (x INTEGER); INSERT INTO f1 (x) VALUES (1); INSERT INTO nope VALUES (1);"},
  };
  try {
    db::migrate(*c, "fail", bad);
    FAIL("expected a DbError");
  } catch (const db::DbError &e) {
    CHECK(std::string(e.what()).find("migration fail v2 failed") != std::string::npos);
    CHECK(std::string(e.what()).find("nope") != std::string::npos);
  }
  CHECK_FALSE(c->inTransaction());
  CHECK(tableExists(*c, "f1")); // v1 committed on its own
  CHECK_FALSE(tableExists(*c, "f2"));
  auto st = c->prepare("SELECT count(*) FROM f1");
  REQUIRE(st->step() == Step::Row);
  CHECK(st->columnInt(0) == 0);
  st.reset();
  auto rows = ledger(*c, "fail");
  CHECK(rows.size() == 1);
  CHECK(rows.count(1) == 1);

  // Fixed in the next build, v2 then applies.
  bad[1].sql = "CREATE TABLE f2 (x INTEGER);";
  CHECK(db::migrate(*c, "fail", bad) == 1);
  CHECK(tableExists(*c, "f2"));
}

TEST_CASE("migrations: the core schema applies and cascades token rows with their user") {
  test::TempDir dir;
  auto c = db::openSqlite(test::sqliteIn(dir));
  CHECK(db::migrate(*c, "core", db::coreMigrations()) ==
        static_cast<int>(db::coreMigrations().size()));
  CHECK(db::migrate(*c, "core", db::coreMigrations()) == 0);
  CHECK(tableExists(*c, "core_users"));
  CHECK(tableExists(*c, "core_tokens"));

  db::exec(*c, "INSERT INTO core_users (name, name_key, password_hash, created_at, updated_at) "
               "VALUES ('Ann', 'ann', '', 1, 1)");
  CHECK_THROWS_AS(db::exec(*c, "INSERT INTO core_users (name, name_key, created_at, updated_at) "
                               "VALUES ('ANN', 'ann', 1, 1)"),
                  db::DbError);
  db::exec(*c, "INSERT INTO core_tokens (token_hash, user_id, created_at, expires_at) "
               "VALUES ('h1', 1, 1, 2)");
  CHECK_THROWS_AS(db::exec(*c, "INSERT INTO core_tokens (token_hash, user_id, created_at, "
                               "expires_at) VALUES ('h2', 99, 1, 2)"),
                  db::DbError);
  db::exec(*c, "DELETE FROM core_users WHERE id = 1");
  auto st = c->prepare("SELECT count(*) FROM core_tokens");
  REQUIRE(st->step() == Step::Row);
  CHECK(st->columnInt(0) == 0);
}
