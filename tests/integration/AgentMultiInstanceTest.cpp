// The agent loop on two instances sharing one database, as behind a load
// balancer (architecture §3: nothing that must be seen by every instance,
// pending disconnects included, lives only in one process's memory). A
// device's requests alternate between the instances.
#include "harness/AgentClient.h"
#include "harness/Poll.h"

#include <doctest/doctest.h>

using namespace harness;
using namespace harness::agent;
using nlohmann::json;

namespace {

constexpr auto kPickup = std::chrono::seconds(10);

struct Pair {
  Pair()
      : db(std::make_shared<Database>()),
        a(options({"agent-loop.max_requests_per_device=1000000"}).withDatabase(db)),
        b(options({"agent-loop.max_requests_per_device=1000000"}).withDatabase(db)) {
    a.start();
    b.start();
  }
  std::shared_ptr<Database> db;
  TestServer a, b;
};

} // namespace

TEST_CASE("Agent multi-instance: a queued disconnect is delivered once in total") {
  Pair x;
  Device d = device(60);
  upload(x.a, d);
  REQUIRE(heartbeat(x.a, heartbeatBody(d, {5})).body == "{}");
  REQUIRE(heartbeat(x.b, heartbeatBody(d, {5})).status == 200);
  cliOk(x.a, {"disconnect", d.id, "5"});

  std::vector<std::string> deliveries;
  auto sweep = [&] {
    for (TestServer *s : {&x.a, &x.b}) {
      json j = beat(*s, d, {5});
      if (j.contains("disconnect"))
        deliveries.push_back((s == &x.a ? "A: " : "B: ") + j.dump());
    }
  };
  REQUIRE(pollUntil(kPickup, [&] {
    sweep();
    return !deliveries.empty();
  }));
  // Both instances have re-read their queues several times by now.
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(2500);
  while (std::chrono::steady_clock::now() < until)
    sweep();
  INFO("deliveries: " << json(deliveries).dump());
  CHECK(deliveries.size() == 1);
}

TEST_CASE("Agent multi-instance: an id pinned through one instance is refused another uuid on the "
          "other") {
  Pair x;
  Device d = device(61);
  upload(x.a, d);
  expectError(heartbeat(x.b, heartbeatBody(Device{d.id, otherUuid(61)})), 403, kMismatch);
  expectError(sysinfo(x.b, sysinfoBody(Device{d.id, otherUuid(61)})), 403, kMismatch);
  expectHeartbeat(heartbeat(x.b, heartbeatBody(d)));
}

TEST_CASE("Agent multi-instance: after a sysinfo upload through A, B stops asking for it") {
  Pair x;
  Device d = device(62);
  // B sees the device first, without sysinfo, and asks for it.
  CHECK(beat(x.b, d).contains("sysinfo"));
  // The client's upload lands on A (the balancer's choice).
  upload(x.a, d);
  CHECK(heartbeat(x.a, heartbeatBody(d)).body == "{}");
  // B has it in the shared database: asking again would make the client
  // re-upload on every heartbeat that B answers.
  HttpResponse last;
  bool quiet = pollUntil(
      kPickup,
      [&] {
        last = heartbeat(x.b, heartbeatBody(d));
        return last.status == 200 && last.body == "{}";
      },
      std::chrono::milliseconds(200));
  INFO("B's heartbeat reply after the upload through A: " << last.describe());
  CHECK(quiet);
}

TEST_CASE("Agent multi-instance: a re-pin reaches both instances") {
  Pair x;
  Device d = device(63);
  upload(x.a, d);
  REQUIRE(heartbeat(x.a, heartbeatBody(d)).body == "{}");
  REQUIRE(heartbeat(x.b, heartbeatBody(d)).body == "{}");
  std::string replacement = otherUuid(63, 2);
  cliOk(x.a, {"repin", d.id, replacement});
  for (TestServer *s : {&x.a, &x.b}) {
    HttpResponse last;
    bool accepted = pollUntil(kPickup, [&] {
      last = heartbeat(*s, heartbeatBody(Device{d.id, replacement}));
      return last.status == 200;
    });
    INFO((s == &x.a ? "A" : "B") << ": new uuid -> " << last.describe());
    CHECK(accepted);
    bool refused = pollUntil(kPickup, [&] {
      last = heartbeat(*s, heartbeatBody(d));
      return last.status == 403;
    });
    INFO((s == &x.a ? "A" : "B") << ": old uuid -> " << last.describe());
    CHECK(refused);
  }
}
