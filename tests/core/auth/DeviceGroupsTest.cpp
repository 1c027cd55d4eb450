// Device groups and their grants (core/auth/DeviceGroups.cpp), device
// updates and pages (DeviceStore::update/page) and user pages
// (UserStore::page) — ABI 1.3's stores — on both engines (Engines.h).
#include "auth/DeviceGroups.h"
#include "auth/Devices.h"
#include "auth/Groups.h"
#include "auth/Users.h"

#include "Engines.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>

using namespace rdc;

namespace {

using test::Engine;
using test::migrated;
using test::PgEngine;
using test::SqliteEngine;

// The stores on one migrated database.
struct Stores {
  std::unique_ptr<db::Pool> pool;
  auth::PasswordHasher hasher{auth::Argon2Params{1024, 1, 1}}; // fast, for tests
  auth::UserStore users;
  auth::GroupStore groups;
  auth::DeviceGroupStore deviceGroups;
  auth::DeviceStore devices;
  explicit Stores(Engine &e)
      : pool(migrated(e)), users(*pool, hasher), groups(*pool), deviceGroups(*pool),
        devices(*pool) {}

  auth::User addUser(const std::string &name, int32_t status = 1) {
    auto u = users.create({name, "password123", false, "", "", ""});
    if (status != 1)
      users.setStatus(name, status);
    return *users.findById(u.id);
  }
  auth::Device addDevice(const std::string &id, int64_t owner = 0, int64_t group = 0) {
    devices.pin(id, "uuid-" + id);
    auth::DeviceChange c;
    if (owner)
      c.ownerUserId = owner;
    if (group)
      c.deviceGroupId = group;
    REQUIRE(devices.update(id, c));
    return *devices.get(id);
  }
  int64_t count(const std::string &sql) { return test::countRows(*pool, sql); }
};

std::vector<std::string> idsOf(const std::vector<auth::Device> &rows) {
  std::vector<std::string> out;
  for (const auto &d : rows)
    out.push_back(d.id);
  return out;
}

std::vector<std::string> namesOf(const std::vector<auth::User> &rows) {
  std::vector<std::string> out;
  for (const auto &u : rows)
    out.push_back(u.name);
  return out;
}

// Every device `viewer` may see, read page by page (limit `per`).
std::vector<std::string> allPages(auth::DeviceStore &devices, int64_t viewer, int64_t per,
                                  int64_t &total) {
  std::vector<std::string> out;
  for (int64_t offset = 0;; offset += per) {
    auto page = devices.page(viewer, offset, per);
    total = page.total;
    for (auto &id : idsOf(page.rows))
      out.push_back(id);
    if (static_cast<int64_t>(page.rows.size()) < per)
      return out;
  }
}

// On PostgreSQL: gives table.column a collation that does not sort in byte
// order (as a database created with an en_US or ICU locale would), when the
// server has one. The test server runs with locale C, under which a plain
// ORDER BY would pass by accident. Does nothing on SQLite.
void useLinguisticCollation(db::Pool &pool, const std::string &table, const std::string &column) {
  if (pool.engine() != "postgresql")
    return;
  auto lease = pool.acquire();
  auto st = lease->prepare("SELECT collname FROM pg_collation WHERE collname IN "
                           "('en-x-icu', 'und-x-icu', 'en_US.utf8', 'en_US.UTF-8') "
                           "ORDER BY collname LIMIT 1");
  if (st->step() != db::Step::Row) {
    MESSAGE("no linguistic collation on this PostgreSQL server: " << table << "." << column
                                                                  << " keeps the database's");
    return;
  }
  const std::string coll(st->columnText(0));
  st.reset();
  MESSAGE(table << "." << column << " collated as \"" << coll << "\"");
  db::exec(*lease, "ALTER TABLE " + table + " ALTER COLUMN " + column + " TYPE TEXT COLLATE \"" +
                       coll + "\"");
}

// ---- device groups -----------------------------------------------------------------

void createFindListAndNames(Engine &e) {
  Stores s(e);
  auto sales = s.deviceGroups.create("  Sales EU ", "front office");
  CHECK(sales.id > 0);
  CHECK(sales.name == "Sales EU");
  CHECK(sales.note == "front office");
  CHECK(sales.createdAtMs > 1600000000000);
  auto lab = s.deviceGroups.create("lab");
  for (const char *lookup : {"Sales EU", "sales eu", "SALES EU", " sales eu\t"}) {
    CAPTURE(lookup);
    auto g = s.deviceGroups.findByName(lookup);
    REQUIRE(g);
    CHECK(g->id == sales.id);
    CHECK(g->name == "Sales EU");
    CHECK(g->note == "front office");
  }
  REQUIRE(s.deviceGroups.findById(lab.id));
  CHECK(s.deviceGroups.findById(lab.id)->name == "lab");
  CHECK_FALSE(s.deviceGroups.findByName("sales"));
  CHECK_FALSE(s.deviceGroups.findById(lab.id + 100));
  CHECK_FALSE(s.deviceGroups.findById(0));
  // A user group of the same name is another thing.
  s.groups.create("lab");
  CHECK(s.deviceGroups.findByName("lab")->id == lab.id);

  auto all = s.deviceGroups.list();
  REQUIRE(all.size() == 2);
  CHECK(all[0].name == "lab");
  CHECK(all[1].name == "Sales EU");
  CHECK(all[0].deviceCount == 0);
  CHECK(all[0].grantCount == 0);
  CHECK(s.deviceGroups.ids() == std::vector<int64_t>{sales.id, lab.id});

  // Refusals, with the rules and wording of user groups; nothing is written.
  CHECK_THROWS_WITH_AS(s.deviceGroups.create("SALES eu"),
                       "Device group name 'SALES eu' is already taken", std::invalid_argument);
  CHECK_THROWS_WITH_AS(s.deviceGroups.create(" \t "), "Device group name must not be empty",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(s.deviceGroups.create(std::string(65, 'g')),
                       "Device group name is too long (at most 64 characters)",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(s.deviceGroups.create("a\nb"),
                       "Device group name must not contain control characters",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(s.deviceGroups.create("bad\xff"), "Device group name must be valid UTF-8",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(s.deviceGroups.create("ok", std::string(1025, 'n')),
                       "Device group note is too long (at most 1024 bytes)", std::invalid_argument);
  CHECK_THROWS_WITH_AS(s.deviceGroups.create("ok", "a\tb"),
                       "Device group note must not contain control characters",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(s.deviceGroups.create("ok", "\xc3"), "Device group note must be valid UTF-8",
                       std::invalid_argument);
  CHECK(s.deviceGroups.list().size() == 2);
  // The limits themselves are fine: 64 characters (here 128 bytes), 1024 bytes.
  std::string e64;
  for (int i = 0; i < 64; ++i)
    e64 += "\xc3\xa9";
  CHECK(s.deviceGroups.create(e64, std::string(1024, 'n')).name == e64);
  CHECK(s.deviceGroups.list().size() == 3);
}

void grantsAndVisibility(Engine &e) {
  Stores s(e);
  auto alice = s.addUser("alice");
  auto bob = s.addUser("Bob");
  auto carol = s.addUser("carol");
  auto team = s.groups.create("team");
  auto night = s.groups.create("Night shift");
  s.groups.addMember(team.id, carol.id);
  s.groups.addMember(night.id, carol.id);
  auto g1 = s.deviceGroups.create("g1");
  auto g2 = s.deviceGroups.create("g2");
  auto g3 = s.deviceGroups.create("g3");

  CHECK(s.deviceGroups.grantUser(g1.id, alice.id));
  CHECK_FALSE(s.deviceGroups.grantUser(g1.id, alice.id)); // already granted
  CHECK(s.deviceGroups.grantUser(g1.id, bob.id));
  CHECK(s.deviceGroups.grantUserGroup(g2.id, team.id));
  CHECK(s.deviceGroups.grantUserGroup(g2.id, night.id)); // carol twice over: g2 once
  CHECK_FALSE(s.deviceGroups.grantUserGroup(g2.id, team.id));
  CHECK(s.deviceGroups.grantUser(g3.id, carol.id));
  CHECK(s.deviceGroups.grantUserGroup(g3.id, team.id)); // directly and through a group

  CHECK_THROWS_WITH_AS(s.deviceGroups.grantUser(g1.id, carol.id + 100),
                       "No such device group or user", std::invalid_argument);
  CHECK_THROWS_AS(s.deviceGroups.grantUser(g3.id + 100, alice.id), std::invalid_argument);
  CHECK_THROWS_WITH_AS(s.deviceGroups.grantUserGroup(g1.id, night.id + 100),
                       "No such device group or user group", std::invalid_argument);
  CHECK_THROWS_AS(s.deviceGroups.grantUserGroup(g3.id + 100, team.id), std::invalid_argument);

  CHECK(s.deviceGroups.idsVisibleTo(alice.id) == std::vector<int64_t>{g1.id});
  CHECK(s.deviceGroups.idsVisibleTo(bob.id) == std::vector<int64_t>{g1.id});
  CHECK(s.deviceGroups.idsVisibleTo(carol.id) == std::vector<int64_t>{g2.id, g3.id});
  CHECK(s.deviceGroups.idsVisibleTo(carol.id + 100).empty());
  CHECK(s.deviceGroups.ids() == std::vector<int64_t>{g1.id, g2.id, g3.id});

  auto grants = s.deviceGroups.grants(g2.id);
  CHECK(grants.users.empty());
  REQUIRE(grants.userGroups.size() == 2);
  CHECK(grants.userGroups[0].name == "Night shift"); // case-insensitive order
  CHECK(grants.userGroups[1].name == "team");
  grants = s.deviceGroups.grants(g1.id);
  CHECK(namesOf(grants.users) == std::vector<std::string>{"alice", "Bob"});
  auto listed = s.deviceGroups.list();
  CHECK(listed[0].grantCount == 2);
  CHECK(listed[1].grantCount == 2);
  CHECK(listed[2].grantCount == 2);

  // Leaving a user group takes its grants away; revoking takes a direct one.
  CHECK(s.groups.removeMember(night.id, carol.id));
  CHECK(s.deviceGroups.idsVisibleTo(carol.id) == std::vector<int64_t>{g2.id, g3.id}); // via team
  CHECK(s.groups.removeMember(team.id, carol.id));
  CHECK(s.deviceGroups.idsVisibleTo(carol.id) == std::vector<int64_t>{g3.id}); // direct grant
  CHECK(s.deviceGroups.revokeUser(g3.id, carol.id));
  CHECK_FALSE(s.deviceGroups.revokeUser(g3.id, carol.id));
  CHECK(s.deviceGroups.idsVisibleTo(carol.id).empty());
  CHECK(s.deviceGroups.revokeUserGroup(g2.id, night.id));
  CHECK_FALSE(s.deviceGroups.revokeUserGroup(g2.id, night.id));

  // Deleting a user or a user group deletes their grants (ON DELETE CASCADE).
  {
    auto lease = s.pool->acquire();
    db::exec(*lease, "DELETE FROM core_users WHERE id = ?", {bob.id});
  }
  CHECK(namesOf(s.deviceGroups.grants(g1.id).users) == std::vector<std::string>{"alice"});
  CHECK(s.groups.remove(team.id));
  CHECK(s.deviceGroups.grants(g2.id).userGroups.empty());
  CHECK(s.deviceGroups.grants(g3.id).userGroups.empty());
}

void deleteReleasesDevicesAndGrants(Engine &e) {
  Stores s(e);
  auto alice = s.addUser("alice");
  auto g1 = s.deviceGroups.create("g1");
  auto g2 = s.deviceGroups.create("g2");
  s.deviceGroups.grantUser(g1.id, alice.id);
  s.addDevice("100", 0, g1.id);
  s.addDevice("101", 0, g1.id);
  s.addDevice("200", 0, g2.id);
  CHECK(s.devices.page(alice.id, 0, 10).total == 2);
  CHECK(s.deviceGroups.list()[0].deviceCount == 2);
  const int64_t before = s.devices.get("100")->updatedAtMs;

  int64_t released = -1;
  CHECK(s.deviceGroups.remove(g1.id, &released));
  CHECK(released == 2);
  CHECK_FALSE(s.deviceGroups.remove(g1.id));
  CHECK_FALSE(s.deviceGroups.findById(g1.id));
  // The devices stay, in no group; the grants went with the group.
  auto d = s.devices.get("100");
  REQUIRE(d);
  CHECK(d->deviceGroupId == 0);
  CHECK(d->updatedAtMs >= before);
  CHECK(s.devices.get("101")->deviceGroupId == 0);
  CHECK(s.devices.get("200")->deviceGroupId == g2.id);
  CHECK(s.count("SELECT COUNT(*) FROM core_devices WHERE device_group_id IS NOT NULL") == 1);
  CHECK(s.count("SELECT COUNT(*) FROM core_device_group_users") == 0);
  CHECK(s.deviceGroups.idsVisibleTo(alice.id).empty());
  CHECK(s.devices.page(alice.id, 0, 10).total == 0);

  // Ids are never handed out again: a grant or an assignment kept by id
  // elsewhere cannot pass to a group created later.
  auto g3 = s.deviceGroups.create("g1");
  CHECK(g3.id > g2.id);
  CHECK_THROWS_WITH_AS(s.devices.update("100", {std::nullopt, g1.id, std::nullopt}),
                       ("No device group with id " + std::to_string(g1.id)).c_str(),
                       std::invalid_argument);
}

// ---- device updates ------------------------------------------------------------------

void updateDevices(Engine &e) {
  Stores s(e);
  auto alice = s.addUser("alice");
  auto g = s.deviceGroups.create("lab");
  s.devices.pin("123", "uuid-1");
  const auto pinned = *s.devices.get("123");

  CHECK(s.devices.update("123", {alice.id, g.id, std::string("front desk \xe2\x9c\x93")}));
  auto d = *s.devices.get("123");
  CHECK(d.ownerUserId == alice.id);
  CHECK(d.deviceGroupId == g.id);
  CHECK(d.note == "front desk \xe2\x9c\x93");
  CHECK(d.uuid == "uuid-1"); // untouched
  CHECK(d.rowId == pinned.rowId);
  CHECK(d.createdAtMs == pinned.createdAtMs);
  CHECK(d.updatedAtMs >= pinned.updatedAtMs);

  // Only the members given change; 0 clears owner and group.
  CHECK(s.devices.update("123", {std::nullopt, std::nullopt, std::string()}));
  d = *s.devices.get("123");
  CHECK(d.ownerUserId == alice.id);
  CHECK(d.deviceGroupId == g.id);
  CHECK(d.note == "");
  CHECK(s.devices.update("123", {0, std::nullopt, std::nullopt}));
  CHECK(s.devices.get("123")->ownerUserId == 0);
  CHECK(s.devices.get("123")->deviceGroupId == g.id);
  CHECK(s.devices.update("123", {std::nullopt, 0, std::string(1024, 'n')}));
  d = *s.devices.get("123");
  CHECK(d.deviceGroupId == 0);
  CHECK(d.note == std::string(1024, 'n'));
  CHECK(s.count("SELECT COUNT(*) FROM core_devices WHERE owner_user_id IS NULL AND "
                "device_group_id IS NULL") == 1); // 0 is stored as NULL

  CHECK_FALSE(s.devices.update("999", {alice.id, std::nullopt, std::nullopt})); // unknown id
  CHECK_FALSE(s.devices.get("999"));                                            // not created

  // Unknown owner or group, bad notes and ids: refused, nothing changes.
  s.devices.update("123", {alice.id, g.id, std::string("kept")});
  const auto kept = *s.devices.get("123");
  struct Case {
    auth::DeviceChange change;
    std::string error;
  };
  // Built with push_back: a braced table of optionals trips GCC 12's
  // -Wmaybe-uninitialized at -O2 (a false positive in <optional>).
  std::vector<Case> cases;
  auto add = [&cases](std::optional<int64_t> owner, std::optional<int64_t> group,
                      std::optional<std::string> note, std::string error) {
    Case c;
    c.change.ownerUserId = owner;
    c.change.deviceGroupId = group;
    c.change.note = std::move(note);
    c.error = std::move(error);
    cases.push_back(std::move(c));
  };
  add(alice.id + 100, std::nullopt, std::nullopt,
      "No user with id " + std::to_string(alice.id + 100));
  add(-1, std::nullopt, std::nullopt, "No user with id -1");
  add(std::nullopt, g.id + 100, std::nullopt,
      "No device group with id " + std::to_string(g.id + 100));
  add(std::nullopt, -3, std::nullopt, "No device group with id -3");
  add(0, g.id + 100, std::string("x"), "No device group with id " + std::to_string(g.id + 100));
  add(std::nullopt, std::nullopt, std::string(1025, 'n'),
      "Device note is too long (at most 1024 bytes)");
  add(std::nullopt, std::nullopt, std::string("a\nb"),
      "Device note must not contain control characters");
  add(std::nullopt, std::nullopt, std::string("a\0b", 3),
      "Device note must not contain control characters");
  add(std::nullopt, std::nullopt, std::string("\xff"), "Device note must be valid UTF-8");
  for (const auto &c : cases) {
    CAPTURE(c.error);
    CHECK_THROWS_WITH_AS(s.devices.update("123", c.change), c.error.c_str(), std::invalid_argument);
  }
  CHECK_THROWS_WITH_AS(s.devices.update("", {0, std::nullopt, std::nullopt}),
                       "Device id must not be empty", std::invalid_argument);
  d = *s.devices.get("123");
  CHECK(d.ownerUserId == kept.ownerUserId);
  CHECK(d.deviceGroupId == kept.deviceGroupId);
  CHECK(d.note == "kept");
  CHECK(d.updatedAtMs == kept.updatedAtMs);
}

// ---- device pages --------------------------------------------------------------------

void pagesShowWhatAUserMaySee(Engine &e) {
  Stores s(e);
  auto alice = s.addUser("alice");
  auto bob = s.addUser("bob");
  auto carol = s.addUser("carol");
  auto dave = s.addUser("dave"); // nothing granted, owns nothing
  auto team = s.groups.create("team");
  s.groups.addMember(team.id, carol.id);
  auto g1 = s.deviceGroups.create("g1"); // granted to alice
  auto g2 = s.deviceGroups.create("g2"); // granted to team (carol)
  auto g3 = s.deviceGroups.create("g3"); // granted to nobody
  s.deviceGroups.grantUser(g1.id, alice.id);
  s.deviceGroups.grantUserGroup(g2.id, team.id);

  s.addDevice("d1", alice.id);
  s.addDevice("d2", bob.id);
  s.addDevice("d3", 0, g1.id);
  s.addDevice("d4", 0, g2.id);
  s.addDevice("d5", 0, g3.id);
  s.addDevice("d6", alice.id, g1.id); // owned and granted: listed once
  s.addDevice("d7", bob.id, g1.id);   // bob's, but in a group alice may see
  s.addDevice("d8", bob.id, g3.id);
  s.devices.pin("d9", "uuid-d9"); // nobody's

  int64_t total = 0;
  CHECK(allPages(s.devices, alice.id, 1000, total) ==
        std::vector<std::string>{"d1", "d3", "d6", "d7"});
  CHECK(total == 4);
  CHECK(allPages(s.devices, bob.id, 1000, total) == std::vector<std::string>{"d2", "d7", "d8"});
  CHECK(total == 3);
  CHECK(allPages(s.devices, carol.id, 1000, total) == std::vector<std::string>{"d4"});
  CHECK(total == 1);
  CHECK(allPages(s.devices, dave.id, 1000, total).empty());
  CHECK(total == 0);
  CHECK(allPages(s.devices, dave.id + 100, 1000, total).empty()); // unknown user
  CHECK(total == 0);
  CHECK(allPages(s.devices, 0, 1000, total) ==
        std::vector<std::string>{"d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9"});
  CHECK(total == 9);

  // Pages of 2: the same rows in the same order, each page knowing the total.
  CHECK(allPages(s.devices, alice.id, 2, total) ==
        std::vector<std::string>{"d1", "d3", "d6", "d7"});
  CHECK(total == 4);
  auto middle = s.devices.page(0, 3, 4);
  CHECK(middle.total == 9);
  CHECK(idsOf(middle.rows) == std::vector<std::string>{"d4", "d5", "d6", "d7"});
  auto past = s.devices.page(alice.id, 4, 10);
  CHECK(past.total == 4);
  CHECK(past.rows.empty());
  auto far = s.devices.page(0, 1000000, 1);
  CHECK(far.total == 9);
  CHECK(far.rows.empty());
  auto row = s.devices.page(carol.id, 0, 1).rows.at(0);
  CHECK(row.id == "d4");
  CHECK(row.uuid == "uuid-d4");
  CHECK(row.deviceGroupId == g2.id);
  CHECK(row.ownerUserId == 0);

  // Grants follow memberships at once.
  s.groups.removeMember(team.id, carol.id);
  CHECK(s.devices.page(carol.id, 0, 10).total == 0);

  // Bad pages are refused.
  CHECK_THROWS_WITH_AS(s.devices.page(0, -1, 10), "offset must not be negative",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(s.devices.page(0, 0, 0), "limit must be 1..1000", std::invalid_argument);
  CHECK_THROWS_WITH_AS(s.devices.page(0, 0, 1001), "limit must be 1..1000", std::invalid_argument);
  CHECK_THROWS_WITH_AS(s.devices.page(-1, 0, 10), "viewer must not be negative",
                       std::invalid_argument);
  CHECK(s.devices.page(0, 0, 1000).rows.size() == 9);
}

// Byte order on both engines, also when PostgreSQL's collation sorts otherwise.
void pagesInByteOrder(Engine &e) {
  Stores s(e);
  useLinguisticCollation(*s.pool, "core_devices", "rustdesk_id");
  std::vector<std::string> ids = {"abc", "ABC", "B",   "a",  "1000", "123456789",
                                  "a-b", "ab",  "a b", "_x", "Zz",   "\xc3\xa9t\xc3\xa9",
                                  "e",   "E"};
  for (const auto &id : ids)
    s.devices.pin(id, "uuid");
  std::sort(ids.begin(), ids.end()); // std::string compares bytes (as unsigned char)
  int64_t total = 0;
  CHECK(allPages(s.devices, 0, 3, total) == ids);
  CHECK(total == static_cast<int64_t>(ids.size()));
  CHECK(idsOf(s.devices.list()) == ids);
}

// An assignment racing the deletion of its device group never leaves a
// device pointing at a group that is gone.
void assignmentRacesDeletion(Engine &e) {
  Stores s(e);
  auth::DeviceStore other(*s.pool);
  constexpr int kDevices = 40;
  for (int i = 0; i < kDevices; ++i)
    s.devices.pin("race" + std::to_string(i), "uuid");
  for (int round = 0; round < 5; ++round) {
    auto g = s.deviceGroups.create("race group " + std::to_string(round));
    std::atomic<int> assigned{0}, refused{0};
    std::vector<std::string> errors;
    std::thread assign([&] {
      for (int i = 0; i < kDevices; ++i) {
        try {
          if (other.update("race" + std::to_string(i), {std::nullopt, g.id, std::nullopt}))
            ++assigned;
        } catch (const std::invalid_argument &) {
          ++refused; // the group was gone
        } catch (const std::exception &ex) {
          errors.push_back(ex.what());
        }
      }
    });
    // Delete once the assignments are under way.
    while (assigned.load() == 0 && refused.load() == 0)
      std::this_thread::yield();
    CHECK(s.deviceGroups.remove(g.id));
    assign.join();
    CHECK(errors.empty());
    CHECK(assigned + refused == kDevices);
    CHECK(s.count("SELECT COUNT(*) FROM core_devices WHERE device_group_id IS NOT NULL") == 0);
  }
}

// Migration 4 clears device_group_id values written before device groups
// existed: they would otherwise come to mean the first groups created.
void migrationClearsStrayGroupIds(Engine &e) {
  auto pool = e.pool();
  const auto &all = db::coreMigrations();
  REQUIRE(all.size() >= 4);
  {
    auto lease = pool->acquire();
    db::migrate(*lease, "core", std::vector<db::Migration>(all.begin(), all.begin() + 3));
    db::exec(*lease,
             "INSERT INTO core_devices (rustdesk_id, device_group_id, created_at, updated_at) "
             "VALUES ('old', 1, 1, 1)");
    CHECK(db::migrate(*lease, "core", all) == static_cast<int>(all.size()) - 3);
  }
  auth::DeviceGroupStore groups(*pool);
  auth::DeviceStore devices(*pool);
  auto first = groups.create("first");
  CHECK(first.id == 1);
  CHECK(devices.get("old")->deviceGroupId == 0);
}

// ---- user pages ----------------------------------------------------------------------

void userPages(Engine &e) {
  Stores s(e);
  useLinguisticCollation(*s.pool, "core_users", "name_key");
  for (const char *name : {"bob", "Alice", "carol", "a.b", "a_b", "ab", "a-b", "Zed"})
    s.addUser(name);
  s.addUser("eve", 0);    // disabled
  s.addUser("Frank", -1); // unverified

  // Case-insensitive, then byte order of the lower-cased name: '-' < '.' < '_' < letters.
  const std::vector<std::string> everyone = {"a-b", "a.b",   "a_b", "ab",    "Alice",
                                             "bob", "carol", "eve", "Frank", "Zed"};
  auto all = s.users.page(0, 1000);
  CHECK(all.total == 10);
  CHECK(namesOf(all.rows) == everyone);
  std::vector<std::string> paged;
  for (int64_t offset = 0; offset < 10; offset += 3) {
    auto p = s.users.page(offset, 3, auth::UserStore::kAnyStatus);
    CHECK(p.total == 10);
    for (auto &n : namesOf(p.rows))
      paged.push_back(n);
  }
  CHECK(paged == everyone);

  auto disabled = s.users.page(0, 10, 0);
  CHECK(disabled.total == 1);
  CHECK(namesOf(disabled.rows) == std::vector<std::string>{"eve"});
  CHECK(disabled.rows[0].status == 0);
  CHECK(namesOf(s.users.page(0, 10, -1).rows) == std::vector<std::string>{"Frank"});
  auto active = s.users.page(2, 2, 1);
  CHECK(active.total == 8);
  CHECK(namesOf(active.rows) == std::vector<std::string>{"a_b", "ab"});
  auto past = s.users.page(10, 5);
  CHECK(past.total == 10);
  CHECK(past.rows.empty());

  CHECK_THROWS_WITH_AS(s.users.page(-1, 10), "offset must not be negative", std::invalid_argument);
  CHECK_THROWS_WITH_AS(s.users.page(0, 0), "limit must be 1..1000", std::invalid_argument);
  CHECK_THROWS_WITH_AS(s.users.page(0, 1001), "limit must be 1..1000", std::invalid_argument);
  for (int32_t bad : {2, -3, 100})
    CHECK_THROWS_WITH_AS(s.users.page(0, 10, bad), "status must be -2 (any), 1, 0 or -1",
                         std::invalid_argument);
}

} // namespace

TEST_CASE("device groups: create, find in any case or by id, list, and bad names or notes") {
  SqliteEngine e;
  createFindListAndNames(e);
}

TEST_CASE("device groups: grants to users and user groups decide which groups a user sees") {
  SqliteEngine e;
  grantsAndVisibility(e);
}

TEST_CASE("device groups: deleting a group releases its devices and drops its grants") {
  SqliteEngine e;
  deleteReleasesDevicesAndGrants(e);
}

TEST_CASE("devices: update sets owner, device group and note, bad values change nothing") {
  SqliteEngine e;
  updateDevices(e);
}

TEST_CASE("devices: a page holds what the viewer may see, never another user's devices") {
  SqliteEngine e;
  pagesShowWhatAUserMaySee(e);
}

TEST_CASE("devices: pages are in byte order of the id") {
  SqliteEngine e;
  pagesInByteOrder(e);
}

TEST_CASE("device groups: an assignment racing the group's deletion leaves no dangling id") {
  SqliteEngine e;
  assignmentRacesDeletion(e);
}

TEST_CASE("device groups: migration 4 clears device group ids from before device groups") {
  SqliteEngine e;
  migrationClearsStrayGroupIds(e);
}

TEST_CASE("users: pages ordered by name without regard to case, filtered by status") {
  SqliteEngine e;
  userPages(e);
}

TEST_SUITE("postgres") {
  TEST_CASE("postgres device groups: create, find, list, and bad names or notes" *
            doctest::skip(test::noPgServer())) {
    PgEngine e;
    createFindListAndNames(e);
  }

  TEST_CASE("postgres device groups: grants decide which groups a user sees" *
            doctest::skip(test::noPgServer())) {
    PgEngine e;
    grantsAndVisibility(e);
  }

  TEST_CASE("postgres device groups: deleting a group releases its devices and grants" *
            doctest::skip(test::noPgServer())) {
    PgEngine e;
    deleteReleasesDevicesAndGrants(e);
  }

  TEST_CASE("postgres devices: update sets owner, device group and note" *
            doctest::skip(test::noPgServer())) {
    PgEngine e;
    updateDevices(e);
  }

  TEST_CASE("postgres devices: a page holds what the viewer may see" *
            doctest::skip(test::noPgServer())) {
    PgEngine e;
    pagesShowWhatAUserMaySee(e);
  }

  TEST_CASE("postgres devices: pages are in byte order of the id" *
            doctest::skip(test::noPgServer())) {
    PgEngine e;
    pagesInByteOrder(e);
  }

  TEST_CASE("postgres device groups: an assignment racing the deletion leaves no dangling id" *
            doctest::skip(test::noPgServer())) {
    PgEngine e;
    assignmentRacesDeletion(e);
  }

  TEST_CASE("postgres device groups: migration 4 clears device group ids from before" *
            doctest::skip(test::noPgServer())) {
    PgEngine e;
    migrationClearsStrayGroupIds(e);
  }

  TEST_CASE("postgres users: pages ordered by name without regard to case" *
            doctest::skip(test::noPgServer())) {
    PgEngine e;
    userPages(e);
  }
} // TEST_SUITE("postgres")
