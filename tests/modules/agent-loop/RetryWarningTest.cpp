#include "retry_warning.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using agent::RetryWarning;
using namespace std::chrono_literals;

namespace {
struct Log {
  std::vector<std::string> warn, info;
};

RetryWarning warning(Log &log) {
  return RetryWarning(
      "presence flush", 60s, [&log](std::string_view m) { log.warn.emplace_back(m); },
      [&log](std::string_view m) { log.info.emplace_back(m); });
}

const RetryWarning::Clock::time_point t0{};
} // namespace

TEST_CASE("retry warning: the first failure is logged at once with its error") {
  Log log;
  auto w = warning(log);
  w.failed("database is locked", t0);
  REQUIRE(log.warn.size() == 1);
  CHECK(log.warn[0] == "presence flush failed, retrying: database is locked");
  CHECK(log.info.empty());
}

TEST_CASE("retry warning: failures every second for two minutes log one line a minute, with "
          "the count") {
  Log log;
  auto w = warning(log);
  for (int s = 0; s <= 120; ++s)
    w.failed("database is locked", t0 + std::chrono::seconds(s));
  REQUIRE(log.warn.size() == 3);
  CHECK(log.warn[1] ==
        "presence flush still failing: 61 attempts in the last 60 s, retrying: database is locked");
  CHECK(log.warn[2] ==
        "presence flush still failing: 121 attempts in the last 120 s, retrying: database is "
        "locked");
}

TEST_CASE("retry warning: a success after failures says how many failed and for how long") {
  Log log;
  auto w = warning(log);
  w.failed("database is locked", t0);
  w.failed("database is locked", t0 + 1s);
  w.failed("database is locked", t0 + 2s);
  w.succeeded(t0 + 3s);
  REQUIRE(log.info.size() == 1);
  CHECK(log.info[0] == "presence flush succeeded again after 3 attempts failed in 3 s");
  // A single failure is spelled in the singular.
  w.failed("timeout", t0 + 10s);
  w.succeeded(t0 + 11s);
  REQUIRE(log.info.size() == 2);
  CHECK(log.info[1] == "presence flush succeeded again after 1 attempt failed in 1 s");
}

TEST_CASE("retry warning: successes without failures log nothing, and a failure after a "
          "recovery is logged at once") {
  Log log;
  auto w = warning(log);
  w.succeeded(t0);
  w.succeeded(t0 + 1s);
  CHECK(log.info.empty());
  CHECK(log.warn.empty());
  w.failed("database is locked", t0 + 2s);
  w.succeeded(t0 + 3s);
  w.failed("disk I/O error", t0 + 4s);
  REQUIRE(log.warn.size() == 2);
  CHECK(log.warn[1] == "presence flush failed, retrying: disk I/O error");
}
