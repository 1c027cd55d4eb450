#include "events/EventBus.h"

#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <vector>

using rdc::events::EventBus;

TEST_CASE("events reach subscribers of their topic, in publish order, and drain on stop") {
  EventBus bus;
  std::mutex mu;
  std::vector<std::string> got;
  bus.subscribe("auth.login", [&](const std::string &, const std::string &p) {
    std::lock_guard lock(mu);
    got.push_back(p);
  });
  bus.subscribe("other", [&](const std::string &, const std::string &) {
    std::lock_guard lock(mu);
    got.push_back("WRONG");
  });
  bus.start();
  for (int i = 0; i < 100; ++i)
    REQUIRE(bus.publish("auth.login", std::to_string(i)));
  bus.drainAndStop();
  REQUIRE(got.size() == 100);
  for (int i = 0; i < 100; ++i)
    CHECK(got[static_cast<size_t>(i)] == std::to_string(i));
  CHECK(bus.delivered() == 100);
  CHECK_FALSE(bus.publish("auth.login", "late")); // refused after stop
}

TEST_CASE("a throwing subscriber does not stop delivery to the next one") {
  EventBus bus;
  std::atomic<int> calls{0};
  bus.subscribe("t",
                [](const std::string &, const std::string &) { throw std::runtime_error("boom"); });
  bus.subscribe("t", [&](const std::string &, const std::string &) { ++calls; });
  bus.start();
  bus.publish("t", "a");
  bus.publish("t", "b");
  bus.drainAndStop();
  CHECK(calls == 2);
}

TEST_CASE("a full queue refuses instead of growing without bound") {
  EventBus bus(2);
  std::mutex gate;
  gate.lock(); // the subscriber blocks until we let it go
  bus.subscribe("t", [&](const std::string &, const std::string &) { std::lock_guard lock(gate); });
  bus.start();
  int accepted = 0;
  for (int i = 0; i < 10; ++i)
    accepted += bus.publish("t", "x") ? 1 : 0;
  gate.unlock();
  bus.drainAndStop();
  // One may be in delivery, two queued: never all ten.
  CHECK(accepted >= 2);
  CHECK(accepted <= 3);
}

TEST_CASE("events published before start() are delivered once the bus runs") {
  EventBus bus;
  std::atomic<int> calls{0};
  bus.subscribe("t", [&](const std::string &, const std::string &) { ++calls; });
  CHECK(bus.publish("t", "early"));
  bus.start();
  bus.drainAndStop();
  CHECK(calls == 1);
}
