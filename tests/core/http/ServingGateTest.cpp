#include "http/ServingGate.h"

#include <doctest/doctest.h>

#include <future>
#include <vector>

using rdc::http::ServingGate;

TEST_CASE("ServingGate: a thread that is not replaced keeps serving without waiting") {
  ServingGate gate(1, 2);
  REQUIRE(gate.enter(0));
  gate.begin(0);
  // Busy since now: not blocked before a point in the past.
  CHECK(gate.replaceBlocked(ServingGate::nowUs() - 1'000'000).empty());
  CHECK(gate.end(0));
  CHECK(gate.serving() == 1);
}

TEST_CASE("ServingGate: a blocked thread is replaced by a reserve, then parks when it is done") {
  ServingGate gate(1, 2);
  REQUIRE(gate.enter(0));
  gate.begin(0);
  // The reserve waits: the one serving place is taken.
  auto reserve = std::async(std::launch::async, [&] { return gate.enter(1); });
  CHECK(gate.replaceBlocked(ServingGate::nowUs() + 1) == std::vector<int>{0});
  REQUIRE(reserve.get()); // the reserve now serves in its place
  CHECK(gate.serving() == 1);
  // A thread is replaced once, however long it stays blocked.
  CHECK(gate.replaceBlocked(ServingGate::nowUs() + 1).empty());
  CHECK_FALSE(gate.end(0)); // the place is taken: thread 0 goes back to waiting
  CHECK(gate.serving() == 1);
}

TEST_CASE("ServingGate: a replaced thread takes its place back when it is free again") {
  ServingGate gate(1, 1); // no reserve to take over
  REQUIRE(gate.enter(0));
  gate.begin(0);
  CHECK(gate.replaceBlocked(ServingGate::nowUs() + 1) == std::vector<int>{0});
  CHECK(gate.serving() == 0);
  CHECK(gate.end(0));
  CHECK(gate.serving() == 1);
}

TEST_CASE("ServingGate: stop releases waiting threads and refuses new ones") {
  ServingGate gate(1, 2);
  REQUIRE(gate.enter(0));
  auto waiting = std::async(std::launch::async, [&] { return gate.enter(1); });
  gate.stop();
  CHECK_FALSE(waiting.get());
  CHECK_FALSE(gate.enter(1));
}
