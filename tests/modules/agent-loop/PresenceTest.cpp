#include "presence.h"

#include <doctest/doctest.h>

#include <algorithm>

#include <thread>

using namespace agent;

namespace {
const RateLimit kNoLimit{0, 60};
Contact contact(const char *id, const char *uuid, int64_t nowMs) {
  return Contact{id, uuid, nowMs, std::nullopt, nullptr};
}
} // namespace

TEST_CASE("an unknown device is reported, then served from memory once admitted") {
  PresenceTable t;
  CHECK(t.touch(contact("1", "u", 1000), kNoLimit).verdict == Verdict::Unknown);
  t.admit("1", {"u", false, false, false});
  Seen s = t.touch(contact("1", "u", 2000), kNoLimit);
  CHECK(s.verdict == Verdict::Ok);
  CHECK(s.wantSysinfo); // no sysinfo stored yet
  t.markSysinfoStored("1");
  CHECK_FALSE(t.touch(contact("1", "u", 3000), kNoLimit).wantSysinfo);
  t.requestSysinfo("1");
  CHECK(t.touch(contact("1", "u", 4000), kNoLimit).wantSysinfo);
}

TEST_CASE("another uuid is a mismatch that changes nothing, with a bounded recheck") {
  PresenceTable t;
  t.admit("1", {"u", true, false, false});
  t.takeDirty(1);
  Seen first = t.touch(contact("1", "evil", 1000), kNoLimit);
  CHECK(first.verdict == Verdict::UuidMismatch);
  CHECK(first.recheckPin);
  CHECK_FALSE(t.touch(contact("1", "evil", 2000), kNoLimit).recheckPin);
  CHECK(t.touch(contact("1", "evil", 1000 + kPinRecheckSeconds * 1000), kNoLimit).recheckPin);
  CHECK(t.takeDirty(1).empty()); // presence untouched
}

TEST_CASE("the rate limit counts per device and per window") {
  PresenceTable t;
  t.admit("1", {"u", true, false, false});
  t.admit("2", {"u", true, false, false});
  RateLimit limit{3, 60};
  for (int i = 0; i < 3; ++i)
    CHECK(t.touch(contact("1", "u", 1000), limit).verdict == Verdict::Ok);
  CHECK(t.touch(contact("1", "u", 1000), limit).verdict == Verdict::RateLimited);
  CHECK(t.touch(contact("2", "u", 1000), limit).verdict == Verdict::Ok);
  CHECK(t.touch(contact("1", "u", 61000), limit).verdict == Verdict::Ok); // next window
}

TEST_CASE("dirty presence is taken once, with the newest values") {
  PresenceTable t;
  t.admit("1", {"u", true, false, false});
  std::vector<int32_t> conns{5};
  t.touch(Contact{"1", "u", 1000, 7, &conns}, kNoLimit);
  t.touch(Contact{"1", "u", 2000, 8, &conns}, kNoLimit);
  auto batch = t.takeDirty(1);
  REQUIRE(batch.size() == 1);
  CHECK(batch[0].lastSeenMs == 2000);
  CHECK(batch[0].ver == 8);
  CHECK(batch[0].conns == conns);
  CHECK(t.takeDirty(1).empty());
  t.markDirty(batch); // a failed flush puts them back
  CHECK(t.takeDirty(1).size() == 1);
}

TEST_CASE("admit keeps an entry another thread added, forget makes it looked up again") {
  PresenceTable t;
  t.admit("1", {"u", true, false, false});
  t.admit("1", {"other", false, false, false});
  CHECK(t.touch(contact("1", "u", 1000), kNoLimit).verdict == Verdict::Ok);
  t.forget("1");
  CHECK(t.touch(contact("1", "u", 1500), kNoLimit).verdict == Verdict::Unknown);
  // Its presence is still flushed (a re-pin must not lose the last heartbeat).
  auto batch = t.takeDirty(1);
  REQUIRE(batch.size() == 1);
  CHECK(batch[0].lastSeenMs == 1000);
  // Admitted again after the lookup, with the registry's (re-pinned) uuid.
  t.admit("1", {"new", true, false, false});
  CHECK(t.touch(contact("1", "u", 2000), kNoLimit).verdict == Verdict::UuidMismatch);
  CHECK(t.touch(contact("1", "new", 2000), kNoLimit).verdict == Verdict::Ok);
  CHECK(t.size() == 1);
}

TEST_CASE("stale parts cover every touched device once, with its newest presence") {
  PresenceTable t(8);
  for (int i = 0; i < 200; ++i)
    t.admit(std::to_string(i), {"u", true, false, false});
  for (int i = 0; i < 150; ++i) // 150..199 admitted, never touched
    t.touch(Contact{std::to_string(i), "u", 1000 + i, std::nullopt, nullptr}, kNoLimit);
  t.takeDirty(1);
  std::vector<int32_t> conns{4};
  t.touch(Contact{"7", "u", 9000, 5, &conns}, kNoLimit);
  std::vector<std::string> ids;
  bool sawNewest = false;
  for (size_t first = 0; first < 8; first += 3) { // parts of 3, 3 and 2 shards
    for (const auto &p : t.takeStale(first, 3, 1, 2)) {
      ids.push_back(p.id);
      if (p.id == "7")
        sawNewest = p.lastSeenMs == 9000 && p.ver == 5 && p.conns == conns;
    }
  }
  std::sort(ids.begin(), ids.end());
  CHECK(ids.size() == 150);
  CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
  CHECK(sawNewest);
  CHECK(t.takeDirty(3).size() == 1); // the changed mark stays
  CHECK(t.takeStale(8, 3, 3, 4).empty());
}

TEST_CASE("stale parts leave out devices logged after the mark") {
  PresenceTable t(4);
  for (int i = 0; i < 20; ++i) {
    t.admit(std::to_string(i), {"u", true, false, false});
    t.touch(Contact{std::to_string(i), "u", 1000, std::nullopt, nullptr}, kNoLimit);
  }
  CHECK(t.takeDirty(5).size() == 20); // all in row 5
  for (int i = 0; i < 5; ++i)         // 0..4 beat again: row 9
    t.touch(Contact{std::to_string(i), "u", 2000, std::nullopt, nullptr}, kNoLimit);
  CHECK(t.takeDirty(9).size() == 5);
  // Rows up to 5 are to go: only 5..19 need logging again.
  auto stale = t.takeStale(0, 4, 5, 10);
  std::vector<std::string> ids;
  for (const auto &p : stale) {
    ids.push_back(p.id);
    CHECK(p.lastSeenMs == 1000);
  }
  std::sort(ids.begin(), ids.end());
  std::vector<std::string> expected;
  for (int i = 5; i < 20; ++i)
    expected.push_back(std::to_string(i));
  std::sort(expected.begin(), expected.end());
  CHECK(ids == expected);
  // They are recorded as in row 10 now: a later compaction that deletes
  // rows up to 8 has nothing to log again; one deleting up to 10 has all.
  CHECK(t.takeStale(0, 4, 8, 11).empty());
  CHECK(t.takeStale(0, 4, 10, 12).size() == 20);
}

TEST_CASE("concurrent touches of many devices lose no presence") {
  PresenceTable t;
  for (int i = 0; i < 1000; ++i)
    t.admit(std::to_string(i), {"u", true, false, false});
  std::vector<std::thread> threads;
  for (int th = 0; th < 4; ++th)
    threads.emplace_back([&, th] {
      for (int i = th; i < 1000; i += 4)
        t.touch(Contact{std::to_string(i), "u", 5000 + i, std::nullopt, nullptr}, kNoLimit);
    });
  for (auto &th : threads)
    th.join();
  auto batch = t.takeDirty(1);
  CHECK(batch.size() == 1000);
  CHECK(t.size() == 1000);
}

TEST_CASE("ids and uuids of any accepted length are kept exactly, inline or not") {
  PresenceTable t(1);
  const std::string longId(64, '7');      // kMaxIdBytes, beyond the inline 23
  const std::string longUuid(256, 'Q');   // kMaxUuidBytes, beyond the inline 54
  const std::string windowsUuid(48, 'W'); // a real client's length, inline
  t.admit(longId, {longUuid, true, false, false});
  t.admit("123456789", {windowsUuid, true, false, false});
  CHECK(t.touch(contact(longId.c_str(), longUuid.c_str(), 1000), kNoLimit).verdict == Verdict::Ok);
  // Differing only in the last byte, past any inline part.
  std::string almost = longUuid;
  almost.back() = 'R';
  CHECK(t.touch(contact(longId.c_str(), almost.c_str(), 1000), kNoLimit).verdict ==
        Verdict::UuidMismatch);
  CHECK(t.touch(contact(longId.substr(0, 63).c_str(), longUuid.c_str(), 1000), kNoLimit).verdict ==
        Verdict::Unknown);
  CHECK(t.touch(contact("123456789", windowsUuid.c_str(), 1000), kNoLimit).verdict == Verdict::Ok);
  CHECK(t.touch(contact("123456789", windowsUuid.substr(0, 47).c_str(), 1000), kNoLimit).verdict ==
        Verdict::UuidMismatch);
  auto batch = t.takeDirty(1);
  REQUIRE(batch.size() == 2);
  std::vector<std::string> ids{batch[0].id, batch[1].id};
  std::sort(ids.begin(), ids.end());
  CHECK(ids == std::vector<std::string>{"123456789", longId});

  // A re-pin after forget() replaces a heap-held uuid with an inline one.
  t.forget(longId);
  t.admit(longId, {"short", true, false, false});
  CHECK(t.touch(contact(longId.c_str(), "short", 2000), kNoLimit).verdict == Verdict::Ok);
  CHECK(t.touch(contact(longId.c_str(), longUuid.c_str(), 2000), kNoLimit).verdict ==
        Verdict::UuidMismatch);
}

TEST_CASE("a shard grows to many devices and still finds each one with its own state") {
  PresenceTable t(1); // every device in one shard: the index grows many times
  const int n = 20000;
  for (int i = 0; i < n; ++i)
    t.admit(std::to_string(1000000 + i), {"u" + std::to_string(i), true, false, false, i + 1, 0});
  CHECK(t.size() == n);
  for (int i = 0; i < n; ++i) {
    const std::string id = std::to_string(1000000 + i), uuid = "u" + std::to_string(i);
    Seen s = t.touch(Contact{id, uuid, 5000 + i, i, nullptr}, kNoLimit);
    REQUIRE(s.verdict == Verdict::Ok);
    CHECK(s.ownerUserId == i + 1);
  }
  // Admitting again keeps the entry (and its presence): no duplicates.
  t.admit("1000007", {"other", true, false, false});
  CHECK(t.size() == n);
  auto batch = t.takeDirty(1);
  REQUIRE(batch.size() == static_cast<size_t>(n));
  std::sort(batch.begin(), batch.end(),
            [](const PresenceSnapshot &a, const PresenceSnapshot &b) { return a.id < b.id; });
  for (int i = 0; i < n; ++i) {
    CHECK(batch[i].id == std::to_string(1000000 + i));
    CHECK(batch[i].lastSeenMs == 5000 + i);
    CHECK(batch[i].ver == i);
  }
}

TEST_CASE("connections are reported while open and dropped once the client sends none") {
  PresenceTable t;
  t.admit("1", {"u", true, false, false});
  std::vector<int32_t> open{3, 9}, none;
  t.touch(Contact{"1", "u", 1000, std::nullopt, &open}, kNoLimit);
  auto first = t.takeDirty(1);
  REQUIRE(first.size() == 1);
  CHECK(first[0].conns == open);
  t.touch(Contact{"1", "u", 2000, std::nullopt, nullptr}, kNoLimit); // no conns field: kept
  auto kept = t.takeDirty(2);
  REQUIRE(kept.size() == 1);
  CHECK(kept[0].conns == open);
  t.touch(Contact{"1", "u", 3000, std::nullopt, &none}, kNoLimit);
  auto dropped = t.takeDirty(3);
  REQUIRE(dropped.size() == 1);
  CHECK(dropped[0].conns.empty());
}
