// The operator's side of the agent loop: `rdconsole devices disconnect` and
// `request-sysinfo` reach the device through its next heartbeats (durable in
// the database, picked up by the running server within about one flush
// interval, delivered once), `devices list`, and the CLI's exit codes.
#include "harness/AgentClient.h"
#include "harness/GroupViewClient.h"
#include "harness/Poll.h"

#include <doctest/doctest.h>

#include <set>
#include <thread>

using namespace harness;
using namespace harness::agent;
using nlohmann::json;

namespace {

// Pick-up bound: "about one flush interval", generously widened for a busy
// Debug machine. Rate limiting is out of the way in these tests (polling
// sends many heartbeats).
constexpr auto kPickup = std::chrono::seconds(10);
const char *const kNoLimit = "agent-loop.max_requests_per_device=1000000";

// Heartbeats (with `conns`) until one carries a disconnect; every earlier
// reply must be exactly {}. Returns the reply with the disconnect (or null).
json pollDisconnect(const TestServer &s, const Device &d, const std::vector<int> &conns) {
  json got;
  std::vector<std::string> unexpected;
  bool ok = pollUntil(kPickup, [&] {
    auto r = heartbeat(s, heartbeatBody(d, conns));
    json j = expectHeartbeat(r);
    if (j.contains("disconnect")) {
      got = j;
      return true;
    }
    if (r.body != "{}")
      unexpected.push_back(r.body);
    return false;
  });
  INFO("replies other than {} while waiting: " << json(unexpected).dump());
  CHECK(unexpected.empty());
  CHECK_MESSAGE(ok, "no disconnect reached " << d.id << " within " << kPickup.count() << " s");
  return got;
}

// Heartbeats for `window`: every reply must be exactly {} (nothing delivered
// twice, nothing re-read from the database after delivery). A bounded
// observation period, not a wait for a condition.
void expectQuietFor(const TestServer &s, const Device &d, std::chrono::milliseconds window,
                    const std::vector<int> &conns = {}) {
  auto until = std::chrono::steady_clock::now() + window;
  int n = 0;
  while (std::chrono::steady_clock::now() < until) {
    auto r = heartbeat(s, heartbeatBody(d, conns));
    expectHeartbeat(r);
    INFO("heartbeat " << n << " of " << d.id << " after the delivery: " << r.body);
    REQUIRE(r.body == "{}");
    ++n;
    std::this_thread::sleep_for(std::chrono::milliseconds(50)); // a client's pace, not a wait
  }
  CHECK(n >= 3);
}

} // namespace

TEST_CASE("Agent operator: devices disconnect reaches the next heartbeat once, never again") {
  TestServer s(options({kNoLimit, "agent-loop.flush_interval_ms=300"}));
  s.start();
  Device d = device(10);
  upload(s, d);
  REQUIRE(heartbeat(s, heartbeatBody(d, {5, 6})).body == "{}");

  std::string out = cliOk(s, {"disconnect", d.id, "5"});
  CHECK_FALSE(out.empty());
  json got = pollDisconnect(s, d, {5, 6});
  CHECK(got == json{{"disconnect", {5}}});

  // Once: not again, also not after the server re-reads its queue.
  expectQuietFor(s, d, std::chrono::milliseconds(1500), {6});
  // Not after a restart either: the delivery is durable.
  REQUIRE(s.stop() == 0);
  s.start();
  expectQuietFor(s, d, std::chrono::milliseconds(1500), {6});
}

TEST_CASE(
    "Agent operator: several disconnects for several devices each arrive once, where queued") {
  TestServer s(options({kNoLimit, "agent-loop.flush_interval_ms=300"}));
  s.start();
  Device a = device(11), b = device(12);
  upload(s, a);
  upload(s, b);
  cliOk(s, {"disconnect", a.id, "5"});
  cliOk(s, {"disconnect", a.id, "-7"}); // conn ids are i32: negative ones exist too
  cliOk(s, {"disconnect", b.id, "2147483647"});

  // They may come in one reply or spread over several: collect until both arrived.
  std::multiset<long long> toA, toB;
  bool all = pollUntil(kPickup, [&] {
    for (auto *p : {&a, &b}) {
      json j = beat(s, *p, {5, -7, 2147483647});
      if (j.contains("disconnect"))
        for (const auto &c : j["disconnect"])
          (p == &a ? toA : toB).insert(c.get<long long>());
    }
    return toA.size() >= 2 && toB.size() >= 1;
  });
  CHECK(all);
  CHECK(toA == std::multiset<long long>{-7, 5});
  CHECK(toB == std::multiset<long long>{2147483647});
  expectQuietFor(s, a, std::chrono::milliseconds(1000));
  expectQuietFor(s, b, std::chrono::milliseconds(500));
}

TEST_CASE("Agent operator: a disconnect queued while the server is down is delivered after start") {
  TestServer s(options({kNoLimit}));
  s.start();
  Device d = device(13);
  upload(s, d);
  REQUIRE(s.stop() == 0);
  // The CLI works on the database alone.
  cliOk(s, {"disconnect", d.id, "9"});
  s.start();
  CHECK(pollDisconnect(s, d, {9}) == json{{"disconnect", {9}}});
  expectQuietFor(s, d, std::chrono::milliseconds(1500), {9});
}

TEST_CASE("Agent operator: devices request-sysinfo makes the heartbeat ask until a new upload") {
  TestServer s(options({kNoLimit, "agent-loop.flush_interval_ms=300"}));
  s.start();
  Device d = device(14);
  upload(s, d);
  REQUIRE(heartbeat(s, heartbeatBody(d)).body == "{}");

  cliOk(s, {"request-sysinfo", d.id});
  json asked;
  std::vector<std::string> unexpected;
  bool ok = pollUntil(kPickup, [&] {
    auto r = heartbeat(s, heartbeatBody(d));
    json j = expectHeartbeat(r);
    if (j.contains("sysinfo")) {
      asked = j;
      return true;
    }
    if (r.body != "{}")
      unexpected.push_back(r.body);
    return false;
  });
  CHECK(unexpected.empty());
  REQUIRE_MESSAGE(ok, "no heartbeat asked for sysinfo within " << kPickup.count() << " s");
  CHECK_FALSE(asked.contains("disconnect"));

  // The client re-uploads on its next tick; from then on nothing is asked.
  upload(s, d, {{"version", "1.4.10"}, {"os", "linux / Debian GNU/Linux 12 (bookworm)"}});
  CHECK(heartbeat(s, heartbeatBody(d)).body == "{}");
  expectQuietFor(s, d, std::chrono::milliseconds(1500));
  auto rows = list(s);
  REQUIRE(rows.count(d.id) == 1);
  INFO(rows[d.id].line);
  CHECK(rows[d.id].version == "1.4.10");
  CHECK(rows[d.id].os == "linux / Debian GNU/Linux 12 (bookworm)");

  // Also durable across a restart: no stale request resurfaces.
  REQUIRE(s.stop() == 0);
  s.start();
  expectQuietFor(s, d, std::chrono::milliseconds(1000));
}

TEST_CASE(
    "Agent operator: devices list shows presence, sysinfo fields verbatim and the online window") {
  TestServer s(options(
      {kNoLimit, "agent-loop.online_window_seconds=2", "agent-loop.flush_interval_ms=200"}));
  s.start();
  Device a = device(15), b = device(16);
  upload(s, a,
         {{"os", "linux / Debian GNU/Linux 12 (bookworm)"},
          {"hostname", "büro-pc"},
          {"version", "1.4.9"}});
  upload(s, b,
         {{"os", "windows / Windows 11 Pro - 22631"}, {"hostname", "PC1"}, {"version", "1.3.2"}});

  auto before = std::chrono::system_clock::now();
  REQUIRE(heartbeat(s, heartbeatBody(a)).body == "{}");
  auto after = std::chrono::system_clock::now();

  Row row;
  bool online = pollUntil(
      kPickup,
      [&] {
        auto rows = list(s);
        if (!rows.count(a.id))
          return false;
        row = rows[a.id];
        return row.online == "yes";
      },
      std::chrono::milliseconds(100));
  INFO("row of " << a.id << ": " << row.line);
  REQUIRE_MESSAGE(online, "the heartbeat of " << a.id << " never showed as ONLINE yes");
  CHECK(row.version == "1.4.9");
  CHECK(row.os == "linux / Debian GNU/Linux 12 (bookworm)");
  CHECK(row.hostname == "büro-pc");
  std::chrono::milliseconds res{};
  auto seen = parseTime(row.lastSeen, &res);
  REQUIRE_MESSAGE(seen.has_value(), "LAST-SEEN is not a time: [" << row.lastSeen << "]");
  CHECK(*seen >= before - res);
  CHECK(*seen <= after + std::chrono::seconds(1));

  auto rows = list(s);
  REQUIRE(rows.count(b.id) == 1);
  INFO("row of " << b.id << ": " << rows[b.id].line);
  CHECK(rows[b.id].version == "1.3.2");
  CHECK(rows[b.id].os == "windows / Windows 11 Pro - 22631");
  CHECK(rows[b.id].hostname == "PC1");

  // No more heartbeats: the device drops out of the 2 s window.
  bool offline = pollUntil(
      std::chrono::seconds(15),
      [&] {
        auto r = list(s);
        row = r[a.id];
        return row.online == "no";
      },
      std::chrono::milliseconds(200));
  INFO("row of " << a.id << ": " << row.line);
  CHECK(offline);
  CHECK(row.lastSeen == rows[a.id].lastSeen); // last-seen stays what it was
  CHECK(list(s)[b.id].online == "no");        // never sent a heartbeat
}

TEST_CASE("Agent operator: devices verbs fail with exit 1 for unknown devices, 2 for usage") {
  TestServer s(options({kNoLimit, "agent-loop.flush_interval_ms=300"}));
  s.start();
  Device d = device(17);
  upload(s, d);

  struct Case {
    std::vector<std::string> args;
    int code;
  };
  const std::vector<Case> cases = {
      {{"disconnect", "999999999", "5"}, 1},
      {{"request-sysinfo", "999999999"}, 1},
      {{"repin", "999999999", otherUuid(17)}, 1},
      {{"repin", "999999999"}, 1},
      {{}, 2},
      {{"frobnicate"}, 2},
      {{"list", "extra"}, 2},
      {{"disconnect", d.id}, 2},
      {{"disconnect", d.id, "five"}, 2},
      {{"disconnect", d.id, "5x"}, 2},
      {{"disconnect", d.id, "2147483648"}, 2},
      {{"disconnect", d.id, ""}, 2},
      {{"disconnect", d.id, "5", "6"}, 2},
      {{"request-sysinfo"}, 2},
      {{"request-sysinfo", d.id, "extra"}, 2},
      {{"repin"}, 2},
      {{"repin", d.id, otherUuid(17), "extra"}, 2},
  };
  for (const auto &c : cases) {
    auto r = cli(s, c.args);
    INFO(describe(c.args, r));
    CHECK(r.exitCode == c.code);
    CHECK_FALSE(r.err.empty()); // says why
  }
  // None of them queued or changed anything for the real device.
  expectQuietFor(s, d, std::chrono::milliseconds(1500), {5, 6});
  CHECK(list(s).count("999999999") == 0);
}

TEST_CASE(
    "Agent operator: devices assign sets owner, device group and note, and refuses bad input") {
  TestServer s(groupOptions(false, {kNoLimit}));
  std::string root = startWithAdmin(s, "root");
  userToken(s, "alice", {"--display-name", "Alice"});
  addDeviceGroup(s, "Lab");
  Device d = device(48);
  upload(s, d);

  // Refused, nothing changed: unknown names, unknown device, malformed usage.
  struct Case {
    std::vector<std::string> args;
    int exitCode;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"assign", d.id, "--user", "nobody"}, 1, "nobody"},
      {{"assign", d.id, "--device-group", "Nowhere"}, 1, "Nowhere"},
      {{"assign", d.id, "--strategy", "None"}, 1, "None"},
      {{"assign", "999999999", "--user", "alice"}, 1, "no device with id '999999999'"},
      {{"assign", d.id, "--colour", "red"}, 2, "unknown devices assign option"},
      {{"assign", d.id, "--user"}, 2, "each with a value"},
      {{"assign", d.id, "--user", "alice", "--user", "root"}, 2, "given twice"},
  };
  for (const Case &c : cases) {
    RunResult r = cli(s, c.args);
    INFO(describe(c.args, r));
    CHECK(r.exitCode == c.exitCode);
    CHECK(r.err.find(c.message) != std::string::npos);
  }
  json ownerBefore = peerEntry(s, root, d.id)["user"];
  INFO(ownerBefore.dump());
  bool noOwner = ownerBefore.is_null() || ownerBefore == "";
  CHECK(noOwner);

  std::string out =
      cliOk(s, {"assign", d.id, "--user", "alice", "--device-group", "lab", "--note", "rack 4"});
  CHECK(out.find("assigned " + d.id) == 0);
  json after = peerEntry(s, root, d.id);
  INFO(after.dump());
  CHECK(after["user"] == "alice");
  CHECK(after["user_name"] == "Alice");
  CHECK(after["device_group_name"] == "Lab");
  CHECK(after["note"] == "rack 4");

  // An empty value clears.
  cliOk(s, {"assign", d.id, "--device-group", ""});
  json cleared = peerEntry(s, root, d.id)["device_group_name"];
  INFO(cleared.dump());
  bool noGroup = cleared.is_null() || cleared == "";
  CHECK(noGroup);
}
