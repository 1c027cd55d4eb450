// The core device registry through the ABI 1.2 calls (device_get,
// device_pin, device_repin), driven by the cmdprobe fixture: its
// `rdconsole cmdprobe device-...` sub-commands print what the host answered,
// and its routes make the same calls on the server's worker threads.
#include "harness/JsonChecks.h"
#include "harness/TestServer.h"

#include <doctest/doctest.h>

#include <latch>
#include <set>
#include <thread>

using namespace harness;

namespace {

bool contains(const std::string &hay, const std::string &needle) {
  return hay.find(needle) != std::string::npos;
}

ServerOptions withCmdprobe() {
  return ServerOptions().withFixtures({"probe", "cmdprobe"});
}

// Runs `rdconsole cmdprobe <args...>`.
RunResult probe(const TestServer &s, std::vector<std::string> args) {
  args.insert(args.begin(), "cmdprobe");
  return s.cli(args);
}

} // namespace

TEST_CASE("device registry: first pin, same uuid, other uuid, repin, unpin and a new pin") {
  TestServer s(withCmdprobe());
  auto unknown = probe(s, {"device-get", "123456789"});
  CHECK(unknown.exitCode == 1);
  CHECK(contains(unknown.err, "status 2: no device with id '123456789'")); // RDC_NOT_FOUND

  auto first = probe(s, {"device-pin", "123456789", "uuid-A"});
  INFO(first.out << first.err);
  CHECK(first.exitCode == 0);
  CHECK(contains(first.out, "pinned row="));
  CHECK(contains(first.out, " id=123456789 uuid=uuid-A owner=0 group=0 note= created=yes\n"));

  auto same = probe(s, {"device-pin", "123456789", "uuid-A"});
  CHECK(same.exitCode == 0);
  CHECK(same.out == first.out); // the same row, unchanged

  // Another machine claiming the id: RDC_CONFLICT, and the answer shows the
  // uuid that is pinned, not the one offered.
  auto other = probe(s, {"device-pin", "123456789", "uuid-B"});
  INFO(other.out << other.err);
  CHECK(other.exitCode == 1);
  CHECK(contains(other.out, "conflict row="));
  CHECK(contains(other.out, " uuid=uuid-A "));
  CHECK(contains(other.err, "status 5: device '123456789' is pinned to another uuid"));
  auto got = probe(s, {"device-get", "123456789"});
  CHECK(got.exitCode == 0);
  CHECK(contains(got.out, " uuid=uuid-A "));

  // The operator re-pins to B: B is accepted, A is now the stranger.
  auto repin = probe(s, {"device-repin", "123456789", "uuid-B"});
  INFO(repin.out << repin.err);
  CHECK(repin.exitCode == 0);
  CHECK(repin.out == "repinned\n");
  CHECK(probe(s, {"device-pin", "123456789", "uuid-B"}).exitCode == 0);
  auto stale = probe(s, {"device-pin", "123456789", "uuid-A"});
  CHECK(stale.exitCode == 1);
  CHECK(contains(stale.out, " uuid=uuid-B "));

  // Unpinned (no uuid): the next uuid seen is pinned, on the same row.
  auto unpin = probe(s, {"device-repin", "123456789"});
  CHECK(unpin.exitCode == 0);
  CHECK(unpin.out == "unpinned\n");
  CHECK(contains(probe(s, {"device-get", "123456789"}).out, " uuid= owner="));
  auto fresh = probe(s, {"device-pin", "123456789", "uuid-C"});
  INFO(fresh.out << fresh.err);
  CHECK(fresh.exitCode == 0);
  CHECK(contains(fresh.out, " uuid=uuid-C "));
  const auto rowOf = [](const std::string &line) {
    auto at = line.find("row=");
    return line.substr(at, line.find(' ', at) - at);
  };
  CHECK(rowOf(fresh.out) == rowOf(first.out));
  CHECK(probe(s, {"device-pin", "123456789", "uuid-B"}).exitCode == 1);

  auto missing = probe(s, {"device-repin", "555", "uuid-X"});
  CHECK(missing.exitCode == 1);
  CHECK(contains(missing.err, "status 2: no device with id '555'"));
  CHECK(probe(s, {"device-get", "555"}).exitCode == 1); // a repin never registers
}

TEST_CASE("device registry: bad ids and uuids are RDC_INVALID with a reason and change nothing") {
  TestServer s(withCmdprobe());
  const std::string id64(64, '7'), uuid256(256, 'u');
  auto limits = probe(s, {"device-pin", id64, uuid256});
  INFO(limits.out << limits.err);
  CHECK(limits.exitCode == 0); // the limits themselves are fine

  struct Case {
    std::vector<std::string> args;
    std::string error;
  };
  const std::vector<Case> cases = {
      {{"device-pin", "", "uuid"}, "device_pin: Device id must not be empty"},
      {{"device-pin", "555", ""}, "device_pin: Device uuid must not be empty"},
      {{"device-pin", std::string(65, '7'), "uuid"},
       "device_pin: Device id is too long (at most 64 bytes)"},
      {{"device-pin", "555", std::string(257, 'u')},
       "device_pin: Device uuid is too long (at most 256 bytes)"},
      {{"device-pin", "55\n5", "uuid"},
       "device_pin: Device id must not contain control characters"},
      {{"device-pin", "555", "uu\x1bid"},
       "device_pin: Device uuid must not contain control characters"},
      {{"device-pin", "555\xff", "uuid"}, "device_pin: Device id must be valid UTF-8"},
      {{"device-get", ""}, "device_get: Device id must not be empty"},
      {{"device-get", std::string(65, '7')},
       "device_get: Device id is too long (at most 64 bytes)"},
      {{"device-repin", "", "uuid"}, "device_repin: Device id must not be empty"},
      {{"device-repin", id64, std::string(257, 'u')},
       "device_repin: Device uuid is too long (at most 256 bytes)"},
  };
  for (const auto &c : cases) {
    CAPTURE(c.error);
    auto r = probe(s, c.args);
    INFO(r.out << r.err);
    CHECK(r.exitCode == 1);
    CHECK(contains(r.err, "status 3: " + c.error + "\n")); // RDC_INVALID
  }
  // Calls a command line cannot make.
  auto raw = probe(s, {"device-bad-args"});
  INFO(raw.out << raw.err);
  CHECK(raw.exitCode == 0);
  for (const char *line :
       {"get-null-id 3: device_get: bad argument\n", "get-null-out 3: device_get: bad argument\n",
        "get-nul-in-id 3: device_get: Device id must not contain control characters\n",
        "pin-null-id 3: device_pin: bad argument\n", "pin-null-uuid 3: device_pin: bad argument\n",
        "pin-null-uuid-len 3: device_pin: bad argument\n",
        "pin-nul-in-uuid 3: device_pin: Device uuid must not contain control characters\n",
        "pin-null-out 3: device_pin: bad argument\n",
        "pin-small-struct 3: device_pin: bad argument\n",
        "repin-null-id 3: device_repin: bad argument\n",
        "repin-null-uuid-len 3: device_repin: bad argument\n"})
    CHECK(contains(raw.out, line));

  // Nothing was registered or changed by the refusals.
  for (const char *id : {"555", "1", "55\n5"})
    CHECK(probe(s, {"device-get", id}).exitCode == 1);
  auto kept = probe(s, {"device-get", id64});
  CHECK(kept.exitCode == 0);
  CHECK(contains(kept.out, " uuid=" + uuid256 + " "));
}

TEST_CASE("device registry: a running server and a CLI process share one registry") {
  TestServer s(withCmdprobe());
  s.start();
  auto first = s.http().get("/fixture/cmdprobe/device/42/pin/uuid-A");
  INFO(first.describe());
  REQUIRE(first.status == 200);
  CHECK(first.json()["pinned"] == true);
  CHECK(first.json()["uuid"] == "uuid-A");
  const auto row = first.json()["row_id"];

  auto other = s.http().get("/fixture/cmdprobe/device/42/pin/uuid-B");
  CHECK(other.status == 409);
  CHECK(other.json() ==
        nlohmann::json{{"pinned", false}, {"id", "42"}, {"uuid", "uuid-A"}, {"row_id", row}});

  // The operator's CLI sees the server's pin and re-pins; the server (no
  // cache in the host) follows at once.
  CHECK(contains(probe(s, {"device-get", "42"}).out, " uuid=uuid-A "));
  REQUIRE(probe(s, {"device-repin", "42", "uuid-B"}).exitCode == 0);
  auto after = s.http().get("/fixture/cmdprobe/device/42/pin/uuid-B");
  CHECK(after.status == 200);
  CHECK(after.json()["row_id"] == row);
  CHECK(s.http().get("/fixture/cmdprobe/device/42").json()["uuid"] == "uuid-B");

  // Bad input is a 400 from the module (RDC_INVALID), never a 5xx.
  expectError(s.http().get("/fixture/cmdprobe/device/" + std::string(65, '7') + "/pin/u"), 400,
              "device pin: device_pin: Device id is too long (at most 64 bytes)");
  expectError(s.http().get("/fixture/cmdprobe/device/42/pin/" + std::string(257, 'u')), 400);
  expectError(s.http().get("/fixture/cmdprobe/device/43"), 404, "no such device");
}

TEST_CASE("device registry: concurrent first pins of one id agree on a single winner") {
  TestServer s(withCmdprobe());
  s.start();
  constexpr int kClients = 8;
  for (int round = 0; round < 3; ++round) {
    const std::string id = "race" + std::to_string(round);
    std::vector<int> status(kClients, 0);
    std::vector<std::string> uuids(kClients);
    std::latch go(kClients);
    std::vector<std::thread> threads;
    for (int t = 0; t < kClients; ++t)
      threads.emplace_back([&, t] {
        auto http = s.http();
        go.arrive_and_wait();
        try {
          auto r = http.get("/fixture/cmdprobe/device/" + id + "/pin/uuid-" + std::to_string(t));
          status[t] = r.status;
          uuids[t] = r.json().value("uuid", "");
        } catch (const std::exception &e) {
          uuids[t] = std::string("exception: ") + e.what();
        }
      });
    for (auto &th : threads)
      th.join();
    int winners = 0;
    std::set<std::string> seen(uuids.begin(), uuids.end());
    for (int t = 0; t < kClients; ++t) {
      CAPTURE(t);
      CHECK((status[t] == 200 || status[t] == 409));
      winners += status[t] == 200 ? 1 : 0;
    }
    CHECK(winners == 1);
    REQUIRE(seen.size() == 1); // every client was shown the winner's uuid
    CHECK(s.http().get("/fixture/cmdprobe/device/" + id).json()["uuid"] == *seen.begin());
  }
}
