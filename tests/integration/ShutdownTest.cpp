// SIGTERM drains in-flight requests before the process exits with 0.
#include "harness/Accounts.h"
#include "harness/JsonChecks.h"
#include "harness/Poll.h"

#include <doctest/doctest.h>

#include <csignal>
#include <future>

using namespace harness;

TEST_CASE("shutdown: SIGTERM lets an in-flight request finish and exits 0") {
  TestServer s;
  s.start();
  auto client = s.http();
  auto inFlight =
      std::async(std::launch::async, [client] { return client.get("/fixture/slow?ms=1500"); });

  // The probe logs this line when the handler starts; wait for it instead of sleeping.
  bool started = pollUntil(std::chrono::seconds(10), [&] {
    return s.log().find("probe: slow request started (1500 ms)") != std::string::npos;
  });
  INFO(s.log());
  REQUIRE(started);

  s.signal(SIGTERM);
  auto r = inFlight.get();
  INFO(r.describe());
  CHECK(r.status == 200);
  CHECK(r.json()["slept_ms"] == 1500);

  auto code = s.waitForExit(std::chrono::seconds(20));
  REQUIRE(code.has_value());
  CHECK(*code == 0);
}

TEST_CASE("shutdown: SIGINT also stops the server with exit code 0") {
  TestServer s;
  s.start();
  REQUIRE(s.http().get("/healthz").status == 200);
  s.signal(SIGINT);
  auto code = s.waitForExit(std::chrono::seconds(20));
  REQUIRE(code.has_value());
  CHECK(*code == 0);
}
