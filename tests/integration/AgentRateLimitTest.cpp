// The agent rate limit is per device id, never per IP: every device of a site
// comes from one NAT address, so one chatty device must not silence the rest.
#include "harness/AgentClient.h"
#include "harness/Poll.h"

#include <doctest/doctest.h>

using namespace harness;
using namespace harness::agent;
using nlohmann::json;

TEST_CASE("Agent rate limit: the 6th request of one id is refused, another id is still served") {
  TestServer s(options({"agent-loop.max_requests_per_device=5"}));
  s.start();
  Device a = device(30), b = device(31);
  for (int i = 1; i <= 5; ++i) {
    INFO("heartbeat " << i);
    beat(s, a);
  }
  auto sixth = heartbeat(s, heartbeatBody(a));
  INFO("6th heartbeat of " << a.id << " -> " << sixth.describe());
  expectError(sixth, 429, kTooMany);
  // The limit covers sysinfo too.
  auto up = sysinfo(s, sysinfoBody(a));
  INFO("sysinfo of " << a.id << " over the limit -> " << up.describe());
  expectError(up, 429, kTooMany);

  // Same IP, another id: served normally.
  upload(s, b);
  for (int i = 0; i < 4; ++i) {
    auto r = heartbeat(s, heartbeatBody(b));
    INFO("heartbeat " << i << " of " << b.id << " -> " << r.describe());
    expectHeartbeat(r);
    CHECK(r.body == "{}");
  }
  expectError(heartbeat(s, heartbeatBody(b)), 429, kTooMany);
}

TEST_CASE("Agent rate limit: heartbeat and sysinfo share one budget per id") {
  TestServer s(options({"agent-loop.max_requests_per_device=5"}));
  s.start();
  Device c = device(32);
  upload(s, c);
  upload(s, c);
  for (int i = 0; i < 3; ++i)
    CHECK(heartbeat(s, heartbeatBody(c)).body == "{}");
  expectError(sysinfo(s, sysinfoBody(c)), 429, kTooMany);
  expectError(heartbeat(s, heartbeatBody(c)), 429, kTooMany);
}

TEST_CASE("Agent rate limit: many devices behind one address are all served") {
  TestServer s(options({"agent-loop.max_requests_per_device=5"}));
  s.start();
  // 30 devices x 5 requests = 150 requests from 127.0.0.1, all within budget.
  for (int n = 0; n < 30; ++n) {
    Device d = device(100 + n);
    CAPTURE(d.id);
    upload(s, d);
    for (int i = 0; i < 4; ++i) {
      auto r = heartbeat(s, heartbeatBody(d, {n}));
      INFO(r.describe());
      REQUIRE(r.status == 200);
      CHECK(r.body == "{}");
    }
  }
}

TEST_CASE("Agent rate limit: the budget comes back after the rate window") {
  TestServer s(
      options({"agent-loop.max_requests_per_device=3", "agent-loop.rate_window_seconds=2"}));
  s.start();
  Device d = device(33);
  for (int i = 0; i < 3; ++i)
    beat(s, d);
  auto limited = std::chrono::steady_clock::now();
  expectError(heartbeat(s, heartbeatBody(d)), 429, kTooMany);
  // Probe slowly (fewer probes per window than the budget), bounded.
  HttpResponse last;
  bool back = pollUntil(
      std::chrono::seconds(10),
      [&] {
        last = heartbeat(s, heartbeatBody(d));
        return last.status == 200;
      },
      std::chrono::milliseconds(900));
  INFO("last probe: " << last.describe());
  CHECK(back);
  expectHeartbeat(last);
  // Not before the window could have ended.
  CHECK(std::chrono::steady_clock::now() - limited >= std::chrono::milliseconds(900));
}
