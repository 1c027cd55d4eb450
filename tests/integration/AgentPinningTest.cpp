// uuid pinning: the first uuid seen for an id is pinned; another machine
// presenting the same id is refused with 403 and changes nothing (no presence,
// no sysinfo, no operator request consumed); `rdconsole devices repin` moves
// or clears the pin.
#include "harness/AgentClient.h"
#include "harness/Poll.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <sstream>
#include <thread>

using namespace harness;
using namespace harness::agent;
using nlohmann::json;

namespace {

constexpr auto kPickup = std::chrono::seconds(10);
const char *const kNoLimit = "agent-loop.max_requests_per_device=1000000";

json heartbeatAs(const Device &d, const std::string &uuid, const std::vector<int> &conns = {}) {
  return heartbeatBody(Device{d.id, uuid}, conns);
}

// A flush barrier without sleeping: a heartbeat of another device that was
// sent after the requests under test shows up in `devices list`, so the flush
// that followed those requests has happened.
void flushBarrier(const TestServer &s, const Device &witness) {
  REQUIRE(heartbeat(s, heartbeatBody(witness)).status == 200);
  bool seen = pollUntil(
      kPickup,
      [&] {
        auto rows = list(s);
        return rows.count(witness.id) && rows[witness.id].online == "yes";
      },
      std::chrono::milliseconds(100));
  REQUIRE_MESSAGE(seen, "the witness heartbeat never reached devices list");
}

// Waits until the wall clock has moved past `t` by more than one second, so a
// LAST-SEEN written at whole-second resolution would visibly change.
void letTheSecondTurn(std::chrono::system_clock::time_point t) {
  pollUntil(std::chrono::seconds(3),
            [&] { return std::chrono::system_clock::now() > t + std::chrono::milliseconds(1100); });
}

} // namespace

TEST_CASE("Agent pinning: a second uuid for an id is refused with 403 and changes nothing") {
  TestServer s(options({kNoLimit, "agent-loop.flush_interval_ms=200"}));
  s.start();
  Device d = device(20), witness = device(21);
  upload(s, d, {{"os", "linux / Debian GNU/Linux 12 (bookworm)"}, {"hostname", "real-pc"}});
  REQUIRE(heartbeat(s, heartbeatBody(d, {1})).body == "{}");
  flushBarrier(s, witness);
  auto rows0 = list(s);
  REQUIRE(rows0.count(d.id) == 1);
  Row before = rows0[d.id];
  INFO("before: " << before.line);
  letTheSecondTurn(std::chrono::system_clock::now());

  // An operator request is queued for the real device: an impostor must not drain it.
  cliOk(s, {"disconnect", d.id, "1"});
  std::string impostor = otherUuid(20);
  size_t logBefore = s.log().size();
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
  int attempts = 0;
  while (std::chrono::steady_clock::now() < until) { // across the pick-up of the request
    auto hb = heartbeat(s, heartbeatAs(d, impostor, {1}));
    INFO("impostor heartbeat " << heartbeatAs(d, impostor, {1}).dump() << " -> " << hb.describe());
    expectError(hb, 403, kMismatch);
    ++attempts;
    std::this_thread::sleep_for(std::chrono::milliseconds(100)); // a client's pace
  }
  CHECK(attempts >= 3);
  json evil = sysinfoBody(Device{d.id, impostor}, {{"os", "evil / os"}, {"hostname", "evil-pc"}});
  auto si = sysinfo(s, evil);
  INFO("impostor sysinfo -> " << si.describe());
  expectError(si, 403, kMismatch);
  CHECK(si.body.find("SYSINFO_UPDATED") == std::string::npos);

  // A security event: a log line naming the device and the uuid problem.
  bool logged = pollUntil(std::chrono::seconds(5), [&] {
    std::istringstream tail(s.log().substr(logBefore));
    std::string line;
    while (std::getline(tail, line)) {
      std::string low = line;
      for (auto &c : low)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (line.find(d.id) != std::string::npos && low.find("uuid") != std::string::npos)
        return true;
    }
    return false;
  });
  CHECK_MESSAGE(logged, "no log line names " << d.id << " and the uuid after the mismatch; log:\n"
                                             << s.log().substr(logBefore));

  // Nothing changed: same row (no presence from the impostor), same sysinfo.
  flushBarrier(s, witness);
  auto rows1 = list(s);
  REQUIRE(rows1.count(d.id) == 1);
  Row after = rows1[d.id];
  INFO("after: " << after.line);
  CHECK(after.lastSeen == before.lastSeen);
  CHECK(after.version == before.version);
  CHECK(after.os == "linux / Debian GNU/Linux 12 (bookworm)");
  CHECK(after.hostname == "real-pc");
  CHECK(rows1.size() == rows0.size());

  // The real machine is still served, still has its sysinfo, and gets the
  // queued disconnect the impostor could not take.
  json got;
  bool delivered = pollUntil(kPickup, [&] {
    json j = beat(s, d, {1});
    CHECK_FALSE(j.contains("sysinfo"));
    if (j.contains("disconnect"))
      got = j;
    return j.contains("disconnect");
  });
  CHECK(delivered);
  CHECK(got == json{{"disconnect", {1}}});
}

TEST_CASE("Agent pinning: the first uuid wins also when it came with a heartbeat") {
  TestServer s(options());
  s.start();
  Device d = device(22);
  CHECK(beat(s, d).contains("sysinfo")); // pins d.uuid
  std::string impostor = otherUuid(22);
  expectError(heartbeat(s, heartbeatAs(d, impostor)), 403, kMismatch);
  expectError(sysinfo(s, sysinfoBody(Device{d.id, impostor})), 403, kMismatch);
  // The impostor's upload did not count as the device's sysinfo.
  CHECK(beat(s, d).contains("sysinfo"));
  upload(s, d);
  CHECK(heartbeat(s, heartbeatBody(d)).body == "{}");
  // uuids are compared exactly: base64 is case-sensitive, no trimming.
  std::string lowered = d.uuid;
  for (auto &c : lowered)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  REQUIRE(lowered != d.uuid);
  expectError(heartbeat(s, heartbeatAs(d, lowered)), 403, kMismatch);
  expectError(heartbeat(s, heartbeatAs(d, d.uuid + " ")), 403, kMismatch);
}

TEST_CASE("Agent pinning: the pin survives a restart") {
  TestServer s(options());
  s.start();
  Device d = device(23);
  upload(s, d);
  REQUIRE(s.stop() == 0);
  s.start();
  expectError(heartbeat(s, heartbeatAs(d, otherUuid(23))), 403, kMismatch);
  CHECK(heartbeat(s, heartbeatBody(d)).body == "{}");
}

TEST_CASE(
    "Agent pinning: devices repin moves the pin; repin without a uuid lets the next one pin") {
  TestServer s(options({kNoLimit}));
  s.start();
  Device d = device(24);
  std::string u1 = d.uuid, u2 = otherUuid(24, 2), u3 = otherUuid(24, 3);
  upload(s, d);
  expectError(heartbeat(s, heartbeatAs(d, u2)), 403, kMismatch);

  cliOk(s, {"repin", d.id, u2});
  HttpResponse last;
  bool moved = pollUntil(kPickup, [&] {
    last = heartbeat(s, heartbeatAs(d, u2));
    return last.status == 200;
  });
  INFO("last heartbeat with the new uuid: " << last.describe());
  REQUIRE(moved);
  expectHeartbeat(last);
  expectError(heartbeat(s, heartbeatAs(d, u1)), 403, kMismatch);
  expectError(sysinfo(s, sysinfoBody(Device{d.id, u1})), 403, kMismatch);
  expectSysinfoUpdated(sysinfo(s, sysinfoBody(Device{d.id, u2})));

  // Unpin: whichever uuid comes next is pinned.
  cliOk(s, {"repin", d.id});
  bool repinned = pollUntil(kPickup, [&] {
    last = heartbeat(s, heartbeatAs(d, u3));
    return last.status == 200;
  });
  INFO("last heartbeat with the third uuid: " << last.describe());
  REQUIRE(repinned);
  expectHeartbeat(last);
  expectError(heartbeat(s, heartbeatAs(d, u2)), 403, kMismatch);
  expectError(heartbeat(s, heartbeatAs(d, u1)), 403, kMismatch);

  // Durable: after a restart u3 is still the pinned one.
  REQUIRE(s.stop() == 0);
  s.start();
  expectHeartbeat(heartbeat(s, heartbeatAs(d, u3)));
  expectError(heartbeat(s, heartbeatAs(d, u2)), 403, kMismatch);
}

TEST_CASE("Agent pinning: devices repin with the uuid already pinned changes nothing") {
  TestServer s(options());
  s.start();
  Device d = device(25);
  upload(s, d);
  cliOk(s, {"repin", d.id, d.uuid});
  CHECK(heartbeat(s, heartbeatBody(d)).body == "{}");
  expectError(heartbeat(s, heartbeatAs(d, otherUuid(25))), 403, kMismatch);
}

TEST_CASE("Agent pinning: after devices repin the old machine is refused even before the new one "
          "appears") {
  // The operator re-pins because the machine behind the old uuid must no
  // longer act as this device: it keeps heartbeating, and must be refused
  // once the running server picked up the re-pin (about one flush interval).
  TestServer s(options({kNoLimit}));
  s.start();
  Device d = device(26);
  upload(s, d);
  REQUIRE(heartbeat(s, heartbeatBody(d)).body == "{}");
  cliOk(s, {"repin", d.id, otherUuid(26, 2)});
  auto t0 = std::chrono::steady_clock::now();
  HttpResponse last;
  bool refused = pollUntil(
      kPickup,
      [&] {
        last = heartbeat(s, heartbeatBody(d));
        return last.status == 403;
      },
      std::chrono::milliseconds(100));
  auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  INFO("old uuid " << heartbeatBody(d).dump() << " after `devices repin " << d.id << " "
                   << otherUuid(26, 2) << "`: still " << last.describe() << " after "
                   << took.count() << " ms");
  CHECK(refused);
  if (refused)
    expectError(last, 403, kMismatch);
}

TEST_CASE("Agent pinning: a re-pin to a uuid that was just refused is honoured within about a "
          "flush interval") {
  TestServer s(options({kNoLimit}));
  s.start();
  Device d = device(27);
  std::string replacement = otherUuid(27, 2);
  upload(s, d);
  // The new machine tried before the operator acted (refused, as it should be).
  expectError(heartbeat(s, heartbeatAs(d, replacement)), 403, kMismatch);
  cliOk(s, {"repin", d.id, replacement});
  auto t0 = std::chrono::steady_clock::now();
  HttpResponse last;
  // Default flush_interval_ms = 1000; 5 s leaves room for a busy machine.
  bool accepted = pollUntil(
      std::chrono::seconds(5),
      [&] {
        last = heartbeat(s, heartbeatAs(d, replacement));
        return last.status == 200;
      },
      std::chrono::milliseconds(100));
  auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  INFO("new uuid after the re-pin: " << last.describe() << " after " << took.count() << " ms");
  CHECK(accepted);
}

TEST_CASE("Agent pinning: machines racing for a fresh id: exactly one uuid is pinned") {
  TestServer s(options({kNoLimit}));
  s.start();
  constexpr int kRacers = 8;
  Device d = device(28);
  std::vector<std::string> uuids;
  for (int i = 0; i < kRacers; ++i)
    uuids.push_back(otherUuid(28, i + 1));
  std::vector<std::vector<int>> statuses(kRacers);
  std::atomic<int> ready{0};
  std::vector<std::thread> racers;
  for (int i = 0; i < kRacers; ++i)
    racers.emplace_back([&, i] {
      ++ready;
      while (ready < kRacers)
        std::this_thread::yield(); // start together
      for (int k = 0; k < 3; ++k) {
        try {
          statuses[static_cast<size_t>(i)].push_back(
              heartbeat(s, heartbeatAs(d, uuids[static_cast<size_t>(i)])).status);
        } catch (const std::exception &) {
          statuses[static_cast<size_t>(i)].push_back(0);
        }
      }
    });
  for (auto &t : racers)
    t.join();
  int winners = 0;
  std::string all;
  for (int i = 0; i < kRacers; ++i) {
    const auto &st = statuses[static_cast<size_t>(i)];
    for (int x : st)
      all += std::to_string(x) + " ";
    all += "| ";
    bool won = std::all_of(st.begin(), st.end(), [](int x) { return x == 200; });
    bool lost = std::all_of(st.begin(), st.end(), [](int x) { return x == 403; });
    CHECK((won || lost));
    winners += won ? 1 : 0;
  }
  INFO("statuses per racer: " << all);
  CHECK(winners == 1);
}
