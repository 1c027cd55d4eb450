// The device registry (core/auth/Devices.cpp) on both engines (Engines.h).
// Updates and pages of devices (ABI 1.3) are in DeviceGroupsTest.cpp.
#include "auth/Devices.h"

#include "AuthFixture.h"
#include "Engines.h"

#include <doctest/doctest.h>

#include <functional>
#include <latch>
#include <set>
#include <stdexcept>
#include <thread>

using namespace rdc;

namespace {

using test::Engine;
using test::migrated;
using test::PgEngine;
using test::SqliteEngine;

bool noServer() {
  return test::noPgServer();
}

int64_t count(db::Pool &pool, const std::string &sql) {
  return test::countRows(pool, sql);
}

void pinRepinAndUnpin(Engine &e) {
  auto pool = migrated(e);
  auth::DeviceStore devices(*pool);
  CHECK_FALSE(devices.get("123456789"));

  // First sight registers the id with its uuid pinned.
  auto first = devices.pin("123456789", "uuid-A");
  CHECK(first.pinnedMatches);
  CHECK(first.device.rowId > 0);
  CHECK(first.device.id == "123456789");
  CHECK(first.device.uuid == "uuid-A");
  CHECK(first.device.ownerUserId == 0);
  CHECK(first.device.deviceGroupId == 0);
  CHECK(first.device.note == "");
  CHECK(first.device.createdAtMs > 1600000000000);
  auto got = devices.get("123456789");
  REQUIRE(got);
  CHECK(got->rowId == first.device.rowId);
  CHECK(got->uuid == "uuid-A");

  // The same uuid again: fine, nothing new.
  auto again = devices.pin("123456789", "uuid-A");
  CHECK(again.pinnedMatches);
  CHECK(again.device.rowId == first.device.rowId);

  // Another uuid: refused, and the answer shows the pinned one.
  auto other = devices.pin("123456789", "uuid-B");
  CHECK_FALSE(other.pinnedMatches);
  CHECK(other.device.uuid == "uuid-A");
  CHECK(other.device.rowId == first.device.rowId);
  CHECK(devices.get("123456789")->uuid == "uuid-A");

  // An operator re-pins: now B matches and A does not.
  CHECK(devices.repin("123456789", "uuid-B"));
  CHECK(devices.pin("123456789", "uuid-B").pinnedMatches);
  CHECK_FALSE(devices.pin("123456789", "uuid-A").pinnedMatches);

  // Unpinned: the next uuid seen is pinned, on the same row.
  CHECK(devices.repin("123456789", ""));
  CHECK(devices.get("123456789")->uuid == "");
  auto repinned = devices.pin("123456789", "uuid-C");
  CHECK(repinned.pinnedMatches);
  CHECK(repinned.device.uuid == "uuid-C");
  CHECK(repinned.device.rowId == first.device.rowId);
  CHECK(repinned.device.createdAtMs == first.device.createdAtMs);
  CHECK_FALSE(devices.pin("123456789", "uuid-B").pinnedMatches);

  CHECK_FALSE(devices.repin("987654321", "uuid-X")); // unknown id
  CHECK_FALSE(devices.get("987654321"));
  CHECK(count(*pool, "SELECT count(*) FROM core_devices") == 1);

  // Ids are case-sensitive and listed in byte order on both engines.
  devices.pin("abc", "u1");
  devices.pin("ABC", "u2");
  devices.pin("1000", "u3");
  std::vector<std::string> ids;
  for (const auto &d : devices.list())
    ids.push_back(d.id);
  CHECK(ids == std::vector<std::string>{"1000", "123456789", "ABC", "abc"});
  CHECK(devices.get("ABC")->uuid == "u2");
}

void badArguments(Engine &e) {
  auto pool = migrated(e);
  auth::DeviceStore devices(*pool);
  const std::string id64(64, '7'), uuid256(256, 'u');
  CHECK(devices.pin(id64, uuid256).pinnedMatches); // the limits themselves are fine
  CHECK(devices
            .pin("gr\xc3\xbc\xc3\x9f"
                 "e",
                 "uuid-\xe4\xb8\x96")
            .pinnedMatches);

  const std::string nul("12\0"
                        "34",
                        5);
  for (const std::string &bad : {std::string(), std::string(65, '7'), nul, std::string("12\n34"),
                                 std::string("\x7f"), std::string("12\xff")}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(devices.get(bad), std::invalid_argument);
    CHECK_THROWS_AS(devices.pin(bad, "uuid"), std::invalid_argument);
    CHECK_THROWS_AS(devices.repin(bad, "uuid"), std::invalid_argument);
  }
  for (const std::string &bad :
       {std::string(), std::string(257, 'u'), nul, std::string("a\tb"), std::string("\xc3")}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(devices.pin("555", bad), std::invalid_argument);
    if (!bad.empty())
      CHECK_THROWS_AS(devices.repin(id64, bad), std::invalid_argument);
  }
  CHECK_THROWS_WITH(devices.pin("", "u"), "Device id must not be empty");
  CHECK_THROWS_WITH(devices.pin(std::string(65, '7'), "u"),
                    "Device id is too long (at most 64 bytes)");
  CHECK_THROWS_WITH(devices.pin("555", ""), "Device uuid must not be empty");
  CHECK_THROWS_WITH(devices.pin("555", std::string(257, 'u')),
                    "Device uuid is too long (at most 256 bytes)");
  CHECK_THROWS_WITH(devices.pin("555", nul), "Device uuid must not contain control characters");
  CHECK_THROWS_WITH(devices.pin("555", "\xc3"), "Device uuid must be valid UTF-8");
  // Nothing was written by the refusals.
  CHECK(count(*pool, "SELECT count(*) FROM core_devices") == 2);
  CHECK(devices.get(id64)->uuid == uuid256);
}

// Many first pins of one id with different uuids, from two "instances" at
// once: exactly one uuid wins and every caller sees that one.
void concurrentFirstPins(Engine &e) {
  auto poolA = migrated(e);
  auto poolB = e.pool();
  auth::DeviceStore a(*poolA), b(*poolB);
  constexpr int kThreads = 8;
  for (int round = 0; round < 5; ++round) {
    const std::string id = "race-" + std::to_string(round);
    std::vector<auth::PinResult> results(kThreads);
    std::vector<std::string> errors(kThreads);
    std::latch go(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        go.arrive_and_wait();
        try {
          results[t] = (t % 2 ? a : b).pin(id, "uuid-" + std::to_string(t));
        } catch (const std::exception &ex) {
          errors[t] = ex.what();
        }
      });
    for (auto &th : threads)
      th.join();
    int winners = 0;
    std::set<std::string> seen;
    std::set<int64_t> rows;
    for (int t = 0; t < kThreads; ++t) {
      CHECK(errors[t] == "");
      winners += results[t].pinnedMatches ? 1 : 0;
      seen.insert(results[t].device.uuid);
      rows.insert(results[t].device.rowId);
    }
    CHECK(winners == 1);
    CHECK(seen.size() == 1);
    CHECK(rows.size() == 1);
    CHECK(a.get(id)->uuid == *seen.begin());
  }
  CHECK(count(*poolA, "SELECT count(*) FROM core_devices") == 5);
}

void ownerIsClearedWithTheUser(Engine &e) {
  auto pool = migrated(e);
  auth::PasswordHasher hasher{auth::Argon2Params{1024, 1, 1}};
  auth::UserStore users(*pool, hasher);
  auth::DeviceStore devices(*pool);
  auto bob = users.create({"bob", "password123", false, "", "", ""});
  auto d = devices.pin("42", "uuid").device;
  {
    auto lease = pool->acquire();
    db::exec(*lease, "UPDATE core_devices SET owner_user_id = ?, note = ? WHERE id = ?",
             {bob.id, "front desk", d.rowId});
  }
  CHECK(devices.get("42")->ownerUserId == bob.id);
  CHECK(devices.get("42")->note == "front desk");
  {
    auto lease = pool->acquire();
    db::exec(*lease, "DELETE FROM core_users WHERE id = ?", {bob.id});
  }
  auto after = devices.get("42");
  REQUIRE(after);
  CHECK(after->ownerUserId == 0); // ON DELETE SET NULL: the device stays
  CHECK(after->uuid == "uuid");
}

} // namespace

TEST_CASE("devices: pin, same uuid, other uuid, repin and unpin") {
  SqliteEngine e;
  pinRepinAndUnpin(e);
}

TEST_CASE("devices: bad ids and uuids are refused and change nothing") {
  SqliteEngine e;
  badArguments(e);
}

TEST_CASE("devices: concurrent first pins from two pools agree on one winner") {
  SqliteEngine e;
  concurrentFirstPins(e);
}

TEST_CASE("devices: deleting the owner keeps the device without an owner") {
  SqliteEngine e;
  ownerIsClearedWithTheUser(e);
}

TEST_SUITE("postgres") {
  TEST_CASE("postgres devices: pin, same uuid, other uuid, repin and unpin" *
            doctest::skip(noServer())) {
    PgEngine e;
    pinRepinAndUnpin(e);
  }

  TEST_CASE("postgres devices: bad ids and uuids are refused and change nothing" *
            doctest::skip(noServer())) {
    PgEngine e;
    badArguments(e);
  }

  TEST_CASE("postgres devices: concurrent first pins from two pools agree on one winner" *
            doctest::skip(noServer())) {
    PgEngine e;
    concurrentFirstPins(e);
  }

  TEST_CASE("postgres devices: deleting the owner keeps the device without an owner" *
            doctest::skip(noServer())) {
    PgEngine e;
    ownerIsClearedWithTheUser(e);
  }
} // TEST_SUITE("postgres")
