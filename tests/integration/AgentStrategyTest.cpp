// Strategies through the real binary (client-truth §2.24, §4 S12 step 2,
// §5.16): an operator creates and assigns a strategy with `rdconsole strategy
// ...`; the running server picks it up within about one flush interval; a
// heartbeat whose modified_at differs from the device's stamp gets
// {"modified_at":M,"strategy":{"config_options":{...}}} exactly once, and the
// client, which then sends M, gets {} until the strategy changes. Deliveries
// carry every option key a strategy ever set, empty when the device's strategy
// lacks it, so nothing outlives the strategy that set it.
#include "harness/AgentClient.h"
#include "harness/GroupViewClient.h"
#include "harness/Poll.h"

#include <doctest/doctest.h>

#include <thread>

using namespace harness;
using namespace harness::agent;
using nlohmann::json;

namespace {

constexpr auto kPickup = std::chrono::seconds(10);
const char *const kNoLimit = "agent-loop.max_requests_per_device=1000000";

ServerOptions strategyOptions() {
  return options({kNoLimit, "agent-loop.flush_interval_ms=300"});
}

RunResult strategyCli(const TestServer &s, std::vector<std::string> args) {
  args.insert(args.begin(), "strategy");
  return s.cli(args);
}

std::string strategyOk(const TestServer &s, const std::vector<std::string> &args) {
  RunResult r = strategyCli(s, args);
  INFO(describe(args, r));
  REQUIRE(r.exitCode == 0);
  return r.out;
}

json beatWithStamp(const TestServer &s, const Device &d, long long modifiedAt) {
  json body = heartbeatBody(d);
  body["modified_at"] = modifiedAt;
  INFO("POST /api/heartbeat " << body.dump());
  return expectHeartbeat(heartbeat(s, body));
}

// Heartbeats with `modifiedAt` until one carries a strategy; returns it (null
// when none came in time).
json pollStrategy(const TestServer &s, const Device &d, long long modifiedAt) {
  json got;
  bool ok = pollUntil(kPickup, [&] {
    json j = beatWithStamp(s, d, modifiedAt);
    if (!j.contains("strategy"))
      return false;
    got = j;
    return true;
  });
  CHECK_MESSAGE(ok, "no strategy reached " << d.id << " within " << kPickup.count() << " s");
  return got;
}

// A bounded observation window: every reply must be exactly {}.
void expectNothingFor(const TestServer &s, const Device &d, long long modifiedAt,
                      std::chrono::milliseconds window) {
  auto until = std::chrono::steady_clock::now() + window;
  int n = 0;
  while (std::chrono::steady_clock::now() < until) {
    json body = heartbeatBody(d);
    body["modified_at"] = modifiedAt;
    auto r = heartbeat(s, body);
    INFO("heartbeat " << n << " with modified_at " << modifiedAt << ": " << r.describe());
    REQUIRE(r.body == "{}");
    ++n;
    std::this_thread::sleep_for(std::chrono::milliseconds(50)); // a client's pace
  }
  CHECK(n >= 3);
}

} // namespace

TEST_CASE("Agent strategy: delivered once with its stamp, then {} until it changes") {
  TestServer s(strategyOptions());
  s.start();
  Device d = device(40);
  upload(s, d);
  REQUIRE(beat(s, d).dump() == "{}"); // no strategy yet

  strategyOk(s, {"create", "Locked"});
  strategyOk(s, {"set", "Locked", "enable-keyboard=N", "enable-clipboard=N"});
  strategyOk(s, {"assign", "Locked", "--device", d.id});

  json first = pollStrategy(s, d, 0);
  REQUIRE(first.contains("modified_at"));
  long long m1 = first["modified_at"].get<long long>();
  CHECK(m1 > 0);
  // Exactly the two keys, the options as strings (S12 step 2).
  CHECK(first ==
        json{{"modified_at", m1},
             {"strategy",
              {{"config_options", {{"enable-clipboard", "N"}, {"enable-keyboard", "N"}}}}}});

  // The client stores m1 and sends it from now on: nothing more.
  expectNothingFor(s, d, m1, std::chrono::milliseconds(1200));

  // An edit gives a new stamp and the whole new option set, once.
  strategyOk(s, {"set", "Locked", "enable-clipboard=Y"});
  json second = pollStrategy(s, d, m1);
  long long m2 = second["modified_at"].get<long long>();
  CHECK(m2 != m1);
  CHECK(second["strategy"] ==
        json{{"config_options", {{"enable-clipboard", "Y"}, {"enable-keyboard", "N"}}}});
  expectNothingFor(s, d, m2, std::chrono::milliseconds(800));

  // A client that lost its stamp (or carries another server's) gets it again.
  json again = beatWithStamp(s, d, 0);
  CHECK(again["modified_at"] == m2);
}

TEST_CASE("Agent strategy: other devices get nothing, and unassigning resets what was delivered") {
  TestServer s(strategyOptions());
  s.start();
  Device mine = device(41), other = device(42);
  upload(s, mine);
  upload(s, other);
  strategyOk(s, {"create", "Kiosk"});
  strategyOk(s, {"set", "Kiosk", "allow-remote-config-modification=", "enable-audio=N"});
  strategyOk(s, {"assign", "Kiosk", "--device", mine.id});

  json got = pollStrategy(s, mine, 0);
  // An empty value is kept: the client resets that option to its default.
  CHECK(
      got["strategy"] ==
      json{{"config_options", {{"allow-remote-config-modification", ""}, {"enable-audio", "N"}}}});
  long long m = got["modified_at"].get<long long>();
  CHECK(beat(s, other).dump() == "{}");

  // No strategy applies any more: the client, still holding m, is told to
  // reset every option it got (empty values) and to hold stamp 0, once.
  strategyOk(s, {"unassign", "--device", mine.id});
  json reset;
  bool told = pollUntil(kPickup, [&] {
    reset = beatWithStamp(s, mine, m);
    return reset.contains("strategy");
  });
  REQUIRE_MESSAGE(told, "nothing told the device its strategy was withdrawn");
  CHECK(reset == json{{"modified_at", 0},
                      {"strategy",
                       {{"config_options",
                         {{"allow-remote-config-modification", ""}, {"enable-audio", ""}}}}}});
  expectNothingFor(s, mine, 0, std::chrono::milliseconds(800));

  // Deleting a strategy removes its assignments too.
  strategyOk(s, {"assign", "Kiosk", "--device", other.id});
  long long mOther = pollStrategy(s, other, 0)["modified_at"].get<long long>();
  strategyOk(s, {"delete", "Kiosk"});
  bool gone = pollUntil(kPickup, [&] {
    json j = beatWithStamp(s, other, mOther);
    return j.contains("strategy") && j["modified_at"] == 0;
  });
  CHECK(gone);
  CHECK(strategyOk(s, {"list"}) == "NAME\tOPTIONS\tASSIGNMENTS\n");
}

TEST_CASE("Agent strategy: an option that is unset, or only in the previous strategy, is reset") {
  TestServer s(strategyOptions());
  s.start();
  Device d = device(48);
  upload(s, d);
  strategyOk(s, {"create", "Old"});
  strategyOk(s, {"set", "Old", "enable-audio=N", "view-only=Y"});
  strategyOk(s, {"create", "New"});
  strategyOk(s, {"set", "New", "enable-keyboard=N"});
  strategyOk(s, {"assign", "Old", "--device", d.id});
  long long m1 = pollStrategy(s, d, 0)["modified_at"].get<long long>();

  // Unset: the option comes back empty, so the client drops it.
  strategyOk(s, {"unset", "Old", "view-only"});
  json second = pollStrategy(s, d, m1);
  CHECK(second["strategy"] ==
        json{{"config_options",
              {{"enable-audio", "N"}, {"enable-keyboard", ""}, {"view-only", ""}}}});
  long long m2 = second["modified_at"].get<long long>();

  // Another strategy: its options, and the old one's keys empty.
  strategyOk(s, {"assign", "New", "--device", d.id});
  json third = pollStrategy(s, d, m2);
  CHECK(third["strategy"] ==
        json{{"config_options",
              {{"enable-audio", ""}, {"enable-keyboard", "N"}, {"view-only", ""}}}});
  CHECK(third["modified_at"] != m2);
}

TEST_CASE("Agent strategy: assigning the strategy a device already has does not re-deliver") {
  TestServer s(strategyOptions());
  s.start();
  Device d = device(43);
  upload(s, d);
  strategyOk(s, {"create", "Same"});
  strategyOk(s, {"set", "Same", "a=1"});
  strategyOk(s, {"assign", "Same", "--device", d.id});
  long long m = pollStrategy(s, d, 0)["modified_at"].get<long long>();
  strategyOk(s, {"assign", "Same", "--device", d.id});
  expectNothingFor(s, d, m, std::chrono::milliseconds(1200));
}

TEST_CASE("Agent strategy: show and list describe strategies and their assignments") {
  TestServer s(strategyOptions());
  s.start();
  Device d = device(44);
  upload(s, d);
  strategyOk(s, {"create", "Office"});
  strategyOk(s, {"set", "Office", "enable-audio=N", "view-only=Y"});
  strategyOk(s, {"assign", "Office", "--device", d.id});
  CHECK(strategyOk(s, {"list"}) == "NAME\tOPTIONS\tASSIGNMENTS\nOffice\t2\t1\n");
  std::string shown = strategyOk(s, {"show", "office"}); // names ignore case
  CHECK(shown ==
        "strategy Office\n  enable-audio=N\n  view-only=Y\n  assigned to device " + d.id + "\n");
  strategyOk(s, {"unset", "Office", "view-only"});
  CHECK(strategyOk(s, {"show", "Office"}).find("view-only") == std::string::npos);
}

TEST_CASE("Agent strategy: bad operator input is refused with a clear message, nothing changes") {
  TestServer s(strategyOptions());
  s.start();
  Device d = device(45);
  upload(s, d);
  strategyOk(s, {"create", "Base"});
  const std::string before = strategyOk(s, {"show", "Base"});

  struct Case {
    std::vector<std::string> args;
    int exitCode;
    std::string message; // a fragment of stderr
  };
  const std::vector<Case> cases = {
      {{"create", "base"}, 1, "already exists"},
      {{"create", ""}, 1, "must not be empty"},
      {{"create", std::string(65, 'x')}, 1, "at most 64 characters"},
      {{"create", "bad\x01name"}, 1, "control characters"},
      {{"set", "Base", "no-equals-sign"}, 2, "KEY=VALUE"},
      {{"set", "Base", "bad key=1"}, 1, "may hold only"},
      {{"set", "Base", "k=" + std::string(4097, 'v')}, 1, "at most 4096 bytes"},
      {{"set", "Base", "k=\xff"}, 1, "UTF-8"},
      {{"set", "Missing", "k=v"}, 1, "no strategy named 'Missing'"},
      {{"assign", "Base", "--device", "999999999"}, 1, "no device with id '999999999'"},
      {{"assign", "Base", "--user", "nobody"}, 1, "no user named 'nobody'"},
      {{"assign", "Missing", "--device", d.id}, 1, "no strategy named 'Missing'"},
      {{"assign", "Base", "--host", "x"}, 2, "a target is"},
      {{"assign", "Base"}, 2, "takes a NAME and a TARGET"},
      {{"delete", "Missing"}, 1, "no strategy named"},
      {{"frobnicate"}, 2, "unknown strategy sub-command"},
  };
  for (const Case &c : cases) {
    RunResult r = strategyCli(s, c.args);
    INFO(describe(c.args, r));
    CHECK(r.exitCode == c.exitCode);
    CHECK(r.err.find(c.message) != std::string::npos);
  }
  CHECK(strategyOk(s, {"show", "Base"}) == before);
  CHECK(strategyOk(s, {"list"}) == "NAME\tOPTIONS\tASSIGNMENTS\nBase\t0\t0\n");
  // And the device was never given anything.
  CHECK(beat(s, d).dump() == "{}");
}

TEST_CASE("Agent strategy: a wrong-typed modified_at is refused like any bad heartbeat") {
  TestServer s(strategyOptions());
  s.start();
  Device d = device(46);
  upload(s, d);
  for (json bad : {json("123"), json(1.5), json::array(), json(true)}) {
    json body = heartbeatBody(d);
    body["modified_at"] = bad;
    auto r = heartbeat(s, body);
    INFO(body.dump() << " -> " << r.describe());
    CHECK(r.status == 400);
    CHECK(json::parse(r.body, nullptr, false).contains("error"));
  }
}

TEST_CASE("Agent strategy: a device's own beats its owner's, which beats its device group's") {
  TestServer s(groupOptions(false, {kNoLimit, "agent-loop.flush_interval_ms=300"}));
  std::string root = startWithAdmin(s, "root");
  userToken(s, "alice");
  addDeviceGroup(s, "Front desk");
  Device d = device(47);
  upload(s, d);
  for (const char *name : {"ByDevice", "ByUser", "ByGroup"}) {
    strategyOk(s, {"create", name});
    strategyOk(s, {"set", name, std::string("source=") + name});
  }
  strategyOk(s, {"assign", "ByGroup", "--device-group", "Front desk"});
  strategyOk(s, {"assign", "ByUser", "--user", "alice"});

  auto sourceOf = [](const json &reply) {
    return reply["strategy"]["config_options"].value("source", std::string("-"));
  };
  // In no group and without owner: nothing applies.
  CHECK_FALSE(beatWithStamp(s, d, 0).contains("strategy"));

  // Filed into the device group (rustdesk --assign): the group's strategy.
  assignOk(s, root, {{"id", d.id}, {"uuid", d.uuid}, {"device_group_name", "Front desk"}});
  json got;
  CHECK(pollUntil(kPickup, [&] {
    got = beatWithStamp(s, d, 0);
    return got.contains("strategy") && sourceOf(got) == "ByGroup";
  }));
  long long mGroup = got["modified_at"].get<long long>();

  // Given an owner too: the owner's strategy wins, with a new stamp.
  assignOk(s, root, {{"id", d.id}, {"uuid", d.uuid}, {"user_name", "alice"}});
  CHECK(pollUntil(kPickup, [&] {
    got = beatWithStamp(s, d, mGroup);
    return got.contains("strategy") && sourceOf(got) == "ByUser";
  }));
  long long mUser = got["modified_at"].get<long long>();
  CHECK(mUser != mGroup);

  // Its own assignment wins over both.
  strategyOk(s, {"assign", "ByDevice", "--device", d.id});
  CHECK(pollUntil(kPickup, [&] {
    got = beatWithStamp(s, d, mUser);
    return got.contains("strategy") && sourceOf(got) == "ByDevice";
  }));
  long long mDevice = got["modified_at"].get<long long>();

  // Removing it falls back to the owner's, whose stamp differs again, so the
  // client is told even though that strategy is older.
  strategyOk(s, {"unassign", "--device", d.id});
  CHECK(pollUntil(kPickup, [&] {
    got = beatWithStamp(s, d, mDevice);
    return got.contains("strategy") && sourceOf(got) == "ByUser";
  }));
  CHECK(got["modified_at"] != mDevice);
}
