#include "strategy_cache.h"

#include <doctest/doctest.h>

using namespace agent;

namespace {
Strategy strategy(int64_t id, const char *name, int64_t revision, StrategyOptions o) {
  return Strategy{id, name, std::move(o), revision};
}
std::string payloadOf(const std::optional<EffectiveStrategy> &e) {
  REQUIRE(e);
  return *e->payload;
}
} // namespace

TEST_CASE("a device's own assignment beats its owner's, which beats its device group's") {
  std::vector<Strategy> s = {strategy(1, "dev", 10, {{"a", "device"}}),
                             strategy(2, "usr", 20, {{"a", "user"}}),
                             strategy(3, "grp", 30, {{"a", "group"}})};
  std::vector<Assignment> a = {{TargetKind::Device, "111111111", 1, 100},
                               {TargetKind::User, "7", 2, 200},
                               {TargetKind::DeviceGroup, "9", 3, 300}};
  StrategySnapshot snap(s, a, {}, 1);
  CHECK(payloadOf(snap.effective("111111111", 7, 9)) == R"({"config_options":{"a":"device"}})");
  CHECK(payloadOf(snap.effective("222222222", 7, 9)) == R"({"config_options":{"a":"user"}})");
  CHECK(payloadOf(snap.effective("222222222", 8, 9)) == R"({"config_options":{"a":"group"}})");
  CHECK(payloadOf(snap.effective("222222222", 0, 9)) == R"({"config_options":{"a":"group"}})");
  CHECK_FALSE(snap.effective("222222222", 8, 10));
  CHECK_FALSE(snap.effective("222222222", 0, 0));
}

TEST_CASE("the stamp is the newer of the strategy's and the assignment's revision") {
  std::vector<Strategy> s = {strategy(1, "a", 500, {}), strategy(2, "b", 50, {})};
  std::vector<Assignment> a = {{TargetKind::User, "1", 1, 100}, {TargetKind::User, "2", 2, 400}};
  StrategySnapshot snap(s, a, {}, 1);
  CHECK(snap.effective("x", 1, 0)->stamp == 500); // edited after it was assigned
  CHECK(snap.effective("x", 2, 0)->stamp == 400); // assigned after its last edit
}

TEST_CASE("values stay strings and an empty value is kept (it resets the client option)") {
  std::vector<Strategy> s = {strategy(1, "a", 1, {{"enable-keyboard", "N"}, {"x", ""}})};
  StrategySnapshot snap(s, {{TargetKind::Device, "1", 1, 2}}, {}, 1);
  CHECK(payloadOf(snap.effective("1", 0, 0)) ==
        R"({"config_options":{"enable-keyboard":"N","x":""}})");
}

TEST_CASE("assignments to a missing strategy or with a malformed target are ignored") {
  std::vector<Strategy> s = {strategy(1, "a", 1, {})};
  std::vector<Assignment> a = {{TargetKind::Device, "1", 99, 2},
                               {TargetKind::User, "not-a-number", 1, 3},
                               {TargetKind::DeviceGroup, "-4", 1, 4}};
  StrategySnapshot snap(s, a, {}, 1);
  CHECK(snap.empty());
  CHECK_FALSE(snap.effective("1", 0, 0));
}

TEST_CASE("a delivery resets every known key the effective strategy lacks") {
  // "b" belongs to another strategy, "gone" was unset or its strategy deleted.
  std::vector<Strategy> s = {strategy(1, "a", 1, {{"a", "1"}}), strategy(2, "b", 1, {{"b", "2"}})};
  StrategySnapshot snap(s, {{TargetKind::Device, "1", 1, 2}}, {"gone", "a"}, 1);
  CHECK(payloadOf(snap.effective("1", 0, 0)) == R"({"config_options":{"a":"1","b":"","gone":""}})");
}

TEST_CASE("withdrawn: stamp 0 and every known key empty") {
  std::vector<Strategy> s = {strategy(1, "a", 7, {{"a", "1"}})};
  StrategySnapshot snap(s, {}, {"gone"}, 1);
  CHECK_FALSE(snap.effective("1", 0, 0));
  CHECK(snap.withdrawn().stamp == 0);
  CHECK(*snap.withdrawn().payload == R"({"config_options":{"a":"","gone":""}})");
  StrategySnapshot none;
  CHECK(*none.withdrawn().payload == R"({"config_options":{}})");
}
