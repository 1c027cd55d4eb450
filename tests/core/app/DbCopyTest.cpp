// `rdconsole db copy-to-postgresql` (core/app/DbCopy.cpp): a SQLite database
// built through the real Runtime is copied into a fresh PostgreSQL schema and
// compared value by value. The PostgreSQL cases need RDC_TEST_PG_URL (ctest's
// unit/postgres starts a throwaway server, see tests/pg/); without it they are
// skipped. The refusals that need no server run with the plain unit tests.
#include "app/DbCopy.h"
#include "app/Config.h"
#include "app/Runtime.h"
#include "db/CoreSchema.h"
#include "db/Migrations.h"
#include "db/Postgres.h"
#include "events/EventBus.h"
#include "modules/Host.h"
#include "modules/ModuleLoader.h"

#include "../db/TestDb.h"

#include <doctest/doctest.h>

#include <atomic>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

using namespace rdc;
using db::ColumnType;
using db::Migration;
using db::Step;

namespace {

std::string serverUrl() {
  const char *url = std::getenv("RDC_TEST_PG_URL");
  return url ? url : "";
}

// Evaluated while the tests register (doctest::skip), before doctest runs.
bool noServer() {
  return serverUrl().empty();
}

// Where the build puts the modules: <build>/modules, beside the tests/
// directory that holds this executable.
std::filesystem::path builtModulesDir() {
#ifdef RDC_TEST_MODULES_DIR
  return RDC_TEST_MODULES_DIR;
#else
  std::error_code ec;
  return std::filesystem::read_symlink("/proc/self/exe", ec).parent_path().parent_path() /
         "modules";
#endif
}

bool noServerOrAuthModule() {
  std::error_code ec;
  return noServer() || !std::filesystem::is_regular_file(builtModulesDir() / "auth.so", ec);
}

// A private PostgreSQL schema per test (the URL's search_path points there),
// dropped afterwards: every test starts from an empty database.
class PgSchema {
public:
  PgSchema() {
    static std::atomic<int> counter{0};
    name_ = "rdc_copy" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    admin_ = db::openPostgres({serverUrl(), "", 5});
    db::exec(*admin_, "DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
    db::exec(*admin_, "CREATE SCHEMA " + name_);
  }
  ~PgSchema() {
    try {
      db::exec(*admin_, "DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
    } catch (...) {
    }
  }
  PgSchema(const PgSchema &) = delete;
  PgSchema &operator=(const PgSchema &) = delete;

  std::string url() const {
    std::string url = serverUrl();
    if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0)
      return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
             name_;
    return url + " options='-csearch_path=" + name_ + "'";
  }
  std::unique_ptr<db::Pool> pool() const {
    return std::make_unique<db::Pool>(db::postgresFactory({url(), "", 5}), 4,
                                      std::chrono::milliseconds(5000));
  }

private:
  std::string name_;
  std::unique_ptr<db::Connection> admin_;
};

app::Config configFor(const test::TempDir &dir,
                      std::vector<std::pair<std::string, std::string>> extra = {}) {
  app::ConfigSources src;
  src.overrides = {{"data_dir", dir.path().string()},
                   {"db.engine", "sqlite"},
                   {"db.sqlite.path", ""},
                   {"identity.argon2_memory_kib", "8"},
                   {"identity.argon2_iterations", "1"}};
  for (auto &kv : extra)
    src.overrides.push_back(std::move(kv));
  return app::Config::load(src);
}

// A module-style schema: the child sorts before its parent by name, so only
// ordering by foreign key puts the parent first.
const std::vector<Migration> kModuleV1 = {
    {1, "CREATE TABLE copytest_zparent (id INTEGER PRIMARY KEY, label TEXT NOT NULL);"
        "CREATE TABLE copytest_achild (id INTEGER PRIMARY KEY,"
        " parent_id INTEGER NOT NULL REFERENCES copytest_zparent(id),"
        " i INTEGER, r REAL, t TEXT, b BLOB)"},
};
const std::vector<Migration> kModuleV2 = {
    kModuleV1[0],
    {2, "CREATE TABLE copytest_extra (id INTEGER PRIMARY KEY, v TEXT)"},
};

const int64_t kMin = std::numeric_limits<int64_t>::min();
const int64_t kMax = std::numeric_limits<int64_t>::max();
const std::string kUtf8 = "Grüße, 世界 ✓ \xF0\x9F\x98\x80 'quoted' \"double\"";
const std::string kBlob("a\0b\0\xff\\x00'", 10);

struct Populated {
  std::string aliceToken, revokedToken, apiToken;
};

// Users (UTF-8 display name and note, one disabled), live and revoked
// tokens, and module rows holding the extremes of every storage type.
Populated populate(app::Runtime &rt, const std::vector<Migration> &module = kModuleV1) {
  auth::NewUser alice;
  alice.name = "alice";
  alice.password = "alice password ✓";
  alice.isAdmin = true;
  alice.displayName = "Älice Ünïcødé 世界";
  alice.email = "alice@example.org";
  alice.note = kUtf8;
  rt.users->create(alice);
  rt.users->create({"bob", "bob password", false, "Bob", "", ""});
  rt.users->create({"carol", "carol password", false, "", "", ""});
  rt.users->setStatus("carol", 0);

  Populated p;
  auto aliceId = rt.users->findByName("alice")->id;
  auto bobId = rt.users->findByName("bob")->id;
  p.aliceToken =
      rt.tokens->issue({aliceId, "123456789", "uuid-ä", "Linux", "laptop ✓", "10.0.0.1"});
  p.revokedToken = rt.tokens->issue({bobId, "987654321", "", "Windows", "", "10.0.0.2"});
  rt.tokens->issue({bobId, "", "", "", "", ""});
  REQUIRE(rt.tokens->revoke(p.revokedToken));
  // User groups (core migration 2) and their memberships.
  auto sales = rt.groups->create("Sales EU ✓", kUtf8);
  auto ops = rt.groups->create("ops");
  rt.groups->addMember(sales.id, aliceId);
  rt.groups->addMember(ops.id, aliceId);
  rt.groups->addMember(ops.id, bobId);
  // Devices (core migration 3): one owned with a note, one unpinned, one
  // whose row id has a gap before it.
  rt.devices->pin("123456789", "uuid-ä");
  rt.devices->pin("987654321", "uuid-2");
  rt.devices->repin("987654321", "");
  rt.devices->pin("gap", "uuid-3");
  // Device groups (core migration 4): a deleted one leaves an id gap; grants
  // to a user and to user groups; a device assigned to a group.
  auto gone = rt.deviceGroups->create("gone");
  auto lab = rt.deviceGroups->create("Lab ✓", kUtf8);
  auto field = rt.deviceGroups->create("field");
  REQUIRE(rt.deviceGroups->remove(gone.id));
  rt.deviceGroups->grantUser(lab.id, bobId);
  rt.deviceGroups->grantUserGroup(lab.id, ops.id);
  rt.deviceGroups->grantUserGroup(field.id, sales.id);
  REQUIRE(rt.devices->update("gap", {std::nullopt, lab.id, std::nullopt}));
  // API tokens (core migration 5): one used and expiring, one revoked and
  // never used (NULL times).
  auto installer = rt.apiTokens->create("installer ✓", {"devices"}, 30);
  REQUIRE(rt.apiTokens->verify(installer.token, "devices"));
  p.apiToken = installer.token;
  REQUIRE(rt.apiTokens->revoke(rt.apiTokens->create("old", {"devices"}).row.id));

  auto lease = rt.pool->acquire();
  db::exec(*lease, "UPDATE core_devices SET owner_user_id = ?, note = ? WHERE rustdesk_id = ?",
           {aliceId, kUtf8, "123456789"});
  db::exec(*lease, "UPDATE core_devices SET id = 40 WHERE rustdesk_id = 'gap'");
  db::migrate(*lease, "copytest", module);
  // Ids with gaps: the sequences must follow max(id), not the row count.
  db::exec(*lease, "INSERT INTO copytest_zparent (id, label) VALUES (7, 'seven'), (1000, ?)",
           {kUtf8});
  auto ins = lease->prepare(
      "INSERT INTO copytest_achild (id, parent_id, i, r, t, b) VALUES (?, ?, ?, ?, ?, ?)");
  ins->bindInt(1, 1);
  ins->bindInt(2, 7);
  ins->bindInt(3, kMin);
  ins->bindDouble(4, 0.1 + 0.2);
  ins->bindText(5, kUtf8);
  ins->bindBlob(6, kBlob);
  REQUIRE(ins->step() == Step::Done);
  ins = lease->prepare(
      "INSERT INTO copytest_achild (id, parent_id, i, r, t, b) VALUES (?, ?, ?, ?, ?, ?)");
  ins->bindInt(1, 2);
  ins->bindInt(2, 1000);
  ins->bindInt(3, kMax);
  ins->bindDouble(4, -1e308);
  ins->bindText(5, "");
  ins->bindBlob(6, "");
  REQUIRE(ins->step() == Step::Done);
  db::exec(*lease, "INSERT INTO copytest_achild (id, parent_id) VALUES (5, 1000)");
  return p;
}

// Every row of a table, each value written with its type, in id order: two
// dumps are equal only when every row, value and type is.
std::vector<std::string> dump(db::Connection &c, const std::string &table,
                              const std::string &orderBy = "id") {
  auto st = c.prepare("SELECT * FROM " + table + " ORDER BY " + orderBy);
  std::vector<std::string> rows;
  while (st->step() == Step::Row) {
    std::string row;
    for (int col = 0; col < st->columnCount(); ++col) {
      switch (st->columnType(col)) {
      case ColumnType::Null:
        row += "NULL";
        break;
      case ColumnType::Int:
        row += "I:" + std::to_string(st->columnInt(col));
        break;
      case ColumnType::Real: {
        char buf[64];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, st->columnDouble(col));
        (void)ec;
        row += "R:" + std::string(buf, end);
        break;
      }
      case ColumnType::Text:
        row += "T:" + std::string(st->columnText(col));
        break;
      case ColumnType::Blob: {
        row += "B:";
        for (unsigned char ch : st->columnText(col))
          row += "0123456789abcdef"[ch >> 4], row += "0123456789abcdef"[ch & 15];
        break;
      }
      }
      row += " | ";
    }
    rows.push_back(row);
  }
  return rows;
}

int64_t countRows(db::Pool &pool, const std::string &table) {
  auto lease = pool.acquire();
  auto st = lease->prepare("SELECT count(*) FROM " + table);
  REQUIRE(st->step() == Step::Row);
  return st->columnInt(0);
}

bool pgTableExists(db::Pool &pool, const std::string &table) {
  auto lease = pool.acquire();
  auto st = lease->prepare("SELECT 1 FROM information_schema.tables "
                           "WHERE table_schema = current_schema() AND table_name = ?");
  st->bindText(1, table);
  return st->step() == Step::Row;
}

app::SchemaPreparer coreAnd(const std::vector<Migration> &module) {
  return [module](db::Pool &target) {
    auto lease = target.acquire();
    db::migrate(*lease, "core", db::coreMigrations());
    db::migrate(*lease, "copytest", module);
  };
}

std::string copyErrorOf(const std::function<void()> &f) {
  try {
    f();
  } catch (const app::CopyError &e) {
    return e.what();
  }
  FAIL("expected a CopyError");
  return {};
}

} // namespace

TEST_CASE("db copy: a missing SQLite database is refused and not created") {
  test::TempDir dir;
  auto cfg = configFor(dir, {{"db.postgresql.url", "postgresql://rdc@127.0.0.1:1/rdconsole"}});
  std::ostringstream out;
  const std::string msg = copyErrorOf([&] { app::copyToPostgresql(cfg, dir.path(), out); });
  CHECK(msg.find("the SQLite database " + (dir.path() / "rdconsole.db").string() +
                 " does not exist") == 0);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "rdconsole.db"));
  CHECK(out.str().empty());
}

TEST_CASE("db copy: an unreachable target is refused without showing the password") {
  test::TempDir dir;
  {
    auto cfg = configFor(dir);
    app::Runtime rt(cfg); // creates the SQLite database with the core schema
  }
  // Port 1 (tcpmux): nobody listens there on a test machine.
  auto cfg = configFor(dir, {{"db.postgresql.url", "postgresql://rdc@127.0.0.1:1/rdconsole"},
                             {"db.postgresql.password", "s3cret-Pa55"}});
  std::ostringstream out;
  try {
    app::copyToPostgresql(cfg, dir.path(), out);
    FAIL("expected a DbError");
  } catch (const db::DbError &e) {
    const std::string msg = e.what();
    CHECK(msg.find("cannot connect to PostgreSQL at 127.0.0.1:1/rdconsole: ") == 0);
    CHECK(msg.find("s3cret-Pa55") == std::string::npos);
  }
  CHECK(out.str().find("s3cret-Pa55") == std::string::npos);
}

TEST_SUITE("postgres") {

  TEST_CASE("db copy: every row and value arrives, sequences move on, passwords and tokens work" *
            doctest::skip(noServer())) {
    test::TempDir dir;
    auto cfg = configFor(dir);
    app::Runtime rt(cfg);
    const Populated p = populate(rt);
    PgSchema schema;
    auto target = schema.pool();

    std::vector<app::TableCopy> report;
    {
      auto source = rt.pool->acquire();
      report = app::copyDatabase(*source, *target, coreAnd(kModuleV1));
    }

    // Parents before children; the ledger is not copied.
    std::vector<std::string> order;
    for (const auto &t : report)
      order.push_back(t.table + ":" + std::to_string(t.rows));
    CHECK(order == std::vector<std::string>{"copytest_zparent:2", "copytest_achild:3",
                                            "core_api_tokens:2", "core_device_groups:2",
                                            "core_user_groups:2", "core_device_group_user_groups:2",
                                            "core_users:3", "core_device_group_users:1",
                                            "core_devices:3", "core_tokens:3",
                                            "core_user_group_members:3"});

    {
      auto source = rt.pool->acquire();
      auto pg = target->acquire();
      for (const char *table :
           {"core_users", "core_tokens", "core_user_groups", "core_devices", "core_device_groups",
            "core_api_tokens", "copytest_zparent", "copytest_achild"}) {
        CAPTURE(table);
        const auto expected = dump(*source, table);
        CHECK(expected.size() >= 2);
        CHECK(dump(*pg, table) == expected);
      }
      const auto members = dump(*source, "core_user_group_members", "group_id, user_id");
      CHECK(members.size() == 3);
      CHECK(dump(*pg, "core_user_group_members", "group_id, user_id") == members);
      for (const char *table : {"core_device_group_users", "core_device_group_user_groups"}) {
        CAPTURE(table);
        const auto grants = dump(*source, table, "1, 2");
        CHECK(!grants.empty());
        CHECK(dump(*pg, table, "1, 2") == grants);
      }
      // The extremes themselves, typed as they were written.
      auto st = pg->prepare("SELECT i, r, t, b FROM copytest_achild ORDER BY id");
      REQUIRE(st->step() == Step::Row);
      CHECK(st->columnInt(0) == kMin);
      CHECK(st->columnDouble(1) == 0.1 + 0.2);
      CHECK(st->columnText(2) == kUtf8);
      CHECK(st->columnText(3) == kBlob);
      REQUIRE(st->step() == Step::Row);
      CHECK(st->columnInt(0) == kMax);
      CHECK(st->columnDouble(1) == -1e308);
      CHECK(st->columnType(2) == ColumnType::Text);
      CHECK(st->columnText(2).empty());
      CHECK(st->columnType(3) == ColumnType::Blob);
      CHECK(st->columnText(3).empty());
      REQUIRE(st->step() == Step::Row);
      for (int col = 0; col < 4; ++col)
        CHECK(st->columnType(col) == ColumnType::Null);
    } // the leases go back before the stores below use the pools

    // The identity services on PostgreSQL accept what SQLite stored.
    auth::UserStore users(*target, rt.hasher);
    auth::TokenService tokens(*target, users, std::chrono::hours(1), std::chrono::seconds(0));
    auto alice = users.checkPassword("alice", "alice password ✓");
    REQUIRE(alice.has_value());
    CHECK(alice->isAdmin);
    CHECK(alice->displayName == "Älice Ünïcødé 世界");
    CHECK(alice->note == kUtf8);
    CHECK_FALSE(users.checkPassword("alice", "wrong").has_value());
    CHECK_FALSE(users.checkPassword("carol", "carol password").has_value()); // disabled
    auto principal = tokens.verify(p.aliceToken);
    REQUIRE(principal.has_value());
    CHECK(principal->user.name == "alice");
    CHECK(principal->deviceUuid == "uuid-ä");
    CHECK_FALSE(tokens.verify(p.revokedToken).has_value()); // still revoked

    // New rows get fresh ids above every copied one, without a conflict.
    const auto maxUserId = rt.users->findByName("carol")->id;
    auto erin = users.create({"erin", "erin password", false, "", "", ""});
    CHECK(erin.id == maxUserId + 1);
    CHECK_NOTHROW(tokens.issue({erin.id, "", "", "", "", ""}));
    auto lease = target->acquire();
    auto ins = lease->prepare("INSERT INTO copytest_zparent (label) VALUES ('new') RETURNING id");
    REQUIRE(ins->step() == Step::Row);
    CHECK(ins->columnInt(0) == 1001);
    CHECK(countRows(*target, "core_tokens") == 4);

    // Groups and memberships work on PostgreSQL, and new groups get fresh ids.
    auth::GroupStore groups(*target);
    auto sales = groups.findByName("SALES EU ✓");
    REQUIRE(sales.has_value());
    CHECK(sales->note == kUtf8);
    auto ops = groups.findByName("ops");
    REQUIRE(ops.has_value());
    CHECK(groups.groupIdsOf(alice->id) == std::vector<int64_t>{sales->id, ops->id});
    CHECK(groups.members(ops->id).size() == 2);
    CHECK(groups.create("new group").id == ops->id + 1);

    // Devices keep their pins, owners and notes; new ones get fresh ids.
    auth::DeviceStore devices(*target);
    auto owned = devices.get("123456789");
    REQUIRE(owned.has_value());
    CHECK(owned->ownerUserId == alice->id);
    CHECK(owned->note == kUtf8);
    CHECK(devices.pin("123456789", "uuid-ä").pinnedMatches);
    CHECK_FALSE(devices.pin("123456789", "uuid-other").pinnedMatches);
    CHECK(devices.pin("987654321", "uuid-new").pinnedMatches); // was unpinned
    CHECK(devices.pin("fresh", "uuid-4").device.rowId > 40);

    // Device groups keep their grants and devices; a new one gets an id
    // above the deleted one's too.
    auth::DeviceGroupStore deviceGroups(*target);
    auto lab = deviceGroups.findByName("lab ✓");
    REQUIRE(lab.has_value());
    CHECK(lab->note == kUtf8);
    auto bob = users.findByName("bob");
    REQUIRE(bob.has_value());
    CHECK(deviceGroups.idsVisibleTo(bob->id) == std::vector<int64_t>{lab->id});
    CHECK(deviceGroups.idsVisibleTo(alice->id).size() == 2); // ops and Sales EU
    CHECK(devices.get("gap")->deviceGroupId == lab->id);
    auto seen = devices.page(bob->id, 0, 10);
    CHECK(seen.total == 1);
    REQUIRE(seen.rows.size() == 1);
    CHECK(seen.rows[0].id == "gap");
    CHECK(deviceGroups.create("new device group").id == deviceGroups.findByName("field")->id + 1);

    // API tokens verify as they did (the revoked one stays refused); a new
    // one gets a fresh id.
    auth::ApiTokenStore apiTokens(*target);
    auto installer = apiTokens.verify(p.apiToken, "devices");
    REQUIRE(installer.has_value());
    CHECK(installer->name == "installer ✓");
    auto old = apiTokens.findByName("OLD");
    REQUIRE(old.has_value());
    CHECK(old->revokedAtMs > 0);
    CHECK(old->lastUsedAtMs == 0);
    CHECK(apiTokens.create("new", {"devices"}).row.id == old->id + 1);
  }

  TEST_CASE("db copy: the source is read as one snapshot while others keep writing to it" *
            doctest::skip(noServer())) {
    test::TempDir dir;
    auto cfg = configFor(dir, {{"db.sqlite.busy_timeout_ms", "200"}});
    app::Runtime rt(cfg);
    populate(rt);
    PgSchema schema;
    auto target = schema.pool();
    auto source = rt.pool->acquire();
    const auto before = dump(*source, "core_users");

    // The schema step runs after the copy has started reading: a server
    // writing to the SQLite file then is neither blocked nor copied.
    bool wrote = false;
    const auto report = app::copyDatabase(*source, *target, [&](db::Pool &pool) {
      coreAnd(kModuleV1)(pool);
      rt.users->create({"late", "late password", false, "", "", ""});
      wrote = true;
    });
    CHECK(wrote);
    CHECK(report.size() == 11); // copytest's two tables and the nine core tables
    CHECK(rt.users->findByName("late").has_value());
    auto pg = target->acquire();
    CHECK(dump(*pg, "core_users") == before);
    CHECK(before.size() == 3);
  }

  TEST_CASE("db copy: large tables go in batches, large blobs intact" * doctest::skip(noServer())) {
    test::TempDir dir;
    auto cfg = configFor(dir);
    app::Runtime rt(cfg);
    const std::vector<Migration> bulk = {
        {1, "CREATE TABLE copytest_bulk (id INTEGER PRIMARY KEY, n INTEGER, t TEXT, b BLOB)"}};
    {
      auto lease = rt.pool->acquire();
      db::migrate(*lease, "copytest", bulk);
      db::Transaction tx(*lease);
      auto ins = lease->prepare("INSERT INTO copytest_bulk (n, t, b) VALUES (?, ?, ?)");
      for (int i = 0; i < 1203; ++i) { // two whole batches of 500 and a remainder
        ins->bindInt(1, i * 1000003LL);
        ins->bindText(2, "row " + std::to_string(i) + " ✓");
        // A few rows of 3 MiB each: batches are also cut by size.
        ins->bindBlob(3, i % 400 == 7 ? std::string(3 << 20, static_cast<char>(i))
                                      : std::string(1, static_cast<char>(i)));
        REQUIRE(ins->step() == Step::Done);
      }
      tx.commit();
    }
    PgSchema schema;
    auto target = schema.pool();
    std::vector<app::TableCopy> report;
    {
      auto source = rt.pool->acquire();
      report = app::copyDatabase(*source, *target, coreAnd(bulk));
    }
    REQUIRE(report.size() == 10); // copytest_bulk and the nine core tables
    CHECK(report[0].table == "copytest_bulk");
    CHECK(report[0].rows == 1203);
    auto source = rt.pool->acquire();
    auto pg = target->acquire();
    CHECK(dump(*pg, "copytest_bulk") == dump(*source, "copytest_bulk"));
  }

  TEST_CASE("db copy: a target table that holds rows is refused and nothing is written" *
            doctest::skip(noServer())) {
    test::TempDir dir;
    auto cfg = configFor(dir);
    app::Runtime rt(cfg);
    populate(rt);
    PgSchema schema;
    auto target = schema.pool();
    {
      auto lease = target->acquire();
      db::migrate(*lease, "core", db::coreMigrations());
    }
    auth::UserStore pgUsers(*target, rt.hasher);
    pgUsers.create({"someone", "someone's password", false, "", "", ""});

    auto source = rt.pool->acquire();
    const std::string msg =
        copyErrorOf([&] { app::copyDatabase(*source, *target, coreAnd(kModuleV1)); });
    CHECK(msg == "target table core_users is not empty; the copy needs an empty database");
    CHECK(countRows(*target, "core_users") == 1);
    CHECK(countRows(*target, "core_tokens") == 0);
    CHECK_FALSE(pgTableExists(*target, "copytest_zparent")); // no migration ran
  }

  TEST_CASE("db copy: migration ledgers that disagree are refused before any row is copied" *
            doctest::skip(noServer())) {
    test::TempDir dir;
    auto cfg = configFor(dir);
    app::Runtime rt(cfg);
    populate(rt, kModuleV2); // as if written by a newer binary
    auto source = rt.pool->acquire();

    SUBCASE("a newer version in the source") {
      PgSchema schema;
      auto target = schema.pool();
      const std::string msg =
          copyErrorOf([&] { app::copyDatabase(*source, *target, coreAnd(kModuleV1)); });
      CHECK(msg.find("module 'copytest' has schema v2 in the SQLite database but v1 in "
                     "PostgreSQL: ") == 0);
      CHECK(countRows(*target, "core_users") == 0);
      CHECK(countRows(*target, "copytest_zparent") == 0);
    }
    SUBCASE("a migration with other SQL") {
      PgSchema schema;
      auto target = schema.pool();
      auto edited = kModuleV2;
      edited[1].sql += " ";
      const std::string msg =
          copyErrorOf([&] { app::copyDatabase(*source, *target, coreAnd(edited)); });
      CHECK(msg.find("migration v2 differs (checksum)") != std::string::npos);
      CHECK(countRows(*target, "core_users") == 0);
    }
    SUBCASE("a module the target does not have") {
      PgSchema schema;
      auto target = schema.pool();
      const std::string msg = copyErrorOf([&] {
        app::copyDatabase(*source, *target, [](db::Pool &pool) {
          auto lease = pool.acquire();
          db::migrate(*lease, "core", db::coreMigrations());
        });
      });
      CHECK(msg.find("module 'copytest' has schema v2 in the SQLite database but none in "
                     "PostgreSQL: it is not installed") == 0);
      CHECK(countRows(*target, "core_users") == 0);
    }
  }

  TEST_CASE("db copy: a source table without a target table is named" * doctest::skip(noServer())) {
    test::TempDir dir;
    auto cfg = configFor(dir);
    app::Runtime rt(cfg);
    populate(rt);
    auto source = rt.pool->acquire();
    db::exec(*source, "CREATE TABLE orphan_things (id INTEGER PRIMARY KEY)");
    PgSchema schema;
    auto target = schema.pool();
    const std::string msg =
        copyErrorOf([&] { app::copyDatabase(*source, *target, coreAnd(kModuleV1)); });
    CHECK(msg.find("table 'orphan_things' of the SQLite database does not exist in "
                   "PostgreSQL") == 0);
    CHECK(countRows(*target, "core_users") == 0);
  }

  TEST_CASE("db copy: the verb migrates the target with the built modules and copies their rows" *
            doctest::skip(noServerOrAuthModule())) {
    test::TempDir dir;
    PgSchema schema;
    auto cfg = configFor(
        dir, {{"modules.dir", builtModulesDir().string()}, {"db.postgresql.url", schema.url()}});
    {
      // The source as a server would leave it: core and auth schema, a user,
      // and a row in the auth module's own table.
      app::Runtime rt(cfg);
      events::EventBus bus;
      modules::Host host{cfg,        *rt.pool,    *rt.users,        *rt.tokens,   bus,
                         *rt.groups, *rt.devices, *rt.deviceGroups, *rt.apiTokens};
      modules::LoaderOptions opts;
      opts.dir = builtModulesDir();
      modules::ModuleLoader loader(&host, opts);
      loader.prepareSchemas();
      rt.users->create({"alice", "alice password", true, "", "", ""});
      auto lease = rt.pool->acquire();
      db::exec(*lease, "INSERT INTO auth_login_failures (scope, subject, failures, window_start) "
                       "VALUES ('ip', '10.0.0.9', 3, 1700000000000)");
    }

    std::ostringstream out;
    app::copyToPostgresql(cfg, dir.path(), out);
    const std::string text = out.str();
    CAPTURE(text);
    CHECK(text.find("source: SQLite database " + (dir.path() / "rdconsole.db").string() + "\n") ==
          0);
    CHECK(text.find("target: PostgreSQL database '") != std::string::npos);
    // Whatever other modules the build holds, auth is among the migrated ones.
    const size_t schemaAt = text.find("\ntarget schema: core, ");
    REQUIRE(schemaAt != std::string::npos);
    const std::string schemaLine =
        text.substr(schemaAt + 1, text.find('\n', schemaAt + 1) - schemaAt);
    CHECK(schemaLine.find(" auth 0.1.0") != std::string::npos);
    CHECK(text.find("\nauth_login_failures: 1 row\n") != std::string::npos);
    CHECK(text.find("\ncore_users: 1 row\n") != std::string::npos);
    CHECK(text.find("\ncore_tokens: 0 rows\n") != std::string::npos);
    CHECK(text.find("\ncore_user_groups: 0 rows\n") != std::string::npos);
    CHECK(text.find("\ncore_user_group_members: 0 rows\n") != std::string::npos);
    CHECK(text.find("\ncore_devices: 0 rows\n") != std::string::npos);
    CHECK(text.find("\ncore_device_groups: 0 rows\n") != std::string::npos);
    CHECK(text.find("\ncore_api_tokens: 0 rows\n") != std::string::npos);
    CHECK(text.find("copied 2 rows in ") != std::string::npos);

    // A server configured for PostgreSQL sees the same data.
    {
      auto pgCfg =
          configFor(dir, {{"db.engine", "postgresql"}, {"db.postgresql.url", schema.url()}});
      app::Runtime pgRt(pgCfg);
      CHECK(pgRt.pool->engine() == "postgresql");
      CHECK(pgRt.users->checkPassword("alice", "alice password").has_value());
      auto lease = pgRt.pool->acquire();
      CHECK(dump(*lease, "auth_login_failures", "scope") ==
            std::vector<std::string>{"T:ip | T:10.0.0.9 | I:3 | I:1700000000000 | "});
      auto st = lease->prepare("SELECT count(*) FROM rdc_migrations WHERE module = 'auth'");
      REQUIRE(st->step() == Step::Row);
      CHECK(st->columnInt(0) == 1);
    }

    // A second copy into the now populated database is refused.
    std::ostringstream again;
    CHECK(copyErrorOf([&] {
            app::copyToPostgresql(cfg, dir.path(), again);
          }).find("is not empty; the copy needs an empty database") != std::string::npos);
  }

} // TEST_SUITE("postgres")
