// Crash safety of the agent loop: presence lives in memory and is logged
// about every flush_interval_ms (and compacted every compact_interval_ms).
// After kill -9, the CLI (before a restart, reading the log) and a restarted
// server on the same data dir / database show every device whose sysinfo was
// acknowledged (with its sysinfo and pin), with a last-seen at most about one
// flush interval older than its last heartbeat before the kill.
#include "harness/AgentClient.h"

#include <doctest/doctest.h>

#include <csignal>
#include <ctime>
#include <sstream>

using namespace harness;
using namespace harness::agent;
using nlohmann::json;

namespace {

std::string utc(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t s = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return std::string(buf) + "." + std::to_string(1000 + ms % 1000).substr(1) + "Z";
}

// The server log's warnings and errors (why a flush was late or failed).
std::string logProblems(const TestServer &s) {
  std::istringstream log(s.log());
  std::string line, out;
  while (std::getline(log, line))
    if (line.find("[Warning]") != std::string::npos || line.find("[Error]") != std::string::npos ||
        line.find("[Critical]") != std::string::npos)
      out += line + "\n";
  return out.empty() ? "(none)\n" : out;
}

} // namespace

namespace {

constexpr int kDevices = 50;
constexpr auto kFlush = std::chrono::milliseconds(1000); // the default flush_interval_ms
// Heartbeats keep coming for several flush intervals, so a server that only
// flushed at shutdown (or never after the first flush) would be caught.
constexpr auto kLoad = std::chrono::milliseconds(4000);
constexpr auto kSlack = std::chrono::milliseconds(500); // scheduling on a busy machine

void checkPresence(const TestServer &s, const std::vector<Device> &devices,
                   const std::vector<std::chrono::system_clock::time_point> &last) {
  INFO("server warnings and errors:\n" << logProblems(s)); // evaluated on failure only
  auto rows = list(s);
  CHECK(rows.size() == static_cast<size_t>(kDevices));
  for (int n = 0; n < kDevices; ++n) {
    const Device &d = devices[static_cast<size_t>(n)];
    CAPTURE(d.id);
    REQUIRE(rows.count(d.id) == 1);
    const Row &row = rows[d.id];
    INFO("row: " << row.line);
    CHECK(row.version == "1.4." + std::to_string(n % 10));
    std::chrono::milliseconds res{};
    auto seen = parseTime(row.lastSeen, &res);
    REQUIRE_MESSAGE(seen.has_value(), "LAST-SEEN is not a time: [" << row.lastSeen << "]");
    auto bound = last[static_cast<size_t>(n)] - kFlush - kSlack - res;
    INFO("last heartbeat sent at " << utc(last[static_cast<size_t>(n)]) << ", last-seen "
                                   << utc(*seen) << ", must be >= " << utc(bound));
    CHECK(*seen >= bound);
    CHECK(*seen <= last[static_cast<size_t>(n)] + std::chrono::seconds(5));
  }
}

void crashAndRestart(const std::string &compactSetting) {
  TestServer s(options({"agent-loop.max_requests_per_device=1000000", compactSetting}));
  s.start();
  std::vector<Device> devices;
  for (int n = 0; n < kDevices; ++n) {
    devices.push_back(device(500 + n));
    upload(s, devices.back(), {{"version", "1.4." + std::to_string(n % 10)}});
  }

  // Rounds of heartbeats over all devices; the send time of each device's
  // last heartbeat is a lower bound of what the server stamped.
  std::vector<std::chrono::system_clock::time_point> last(kDevices);
  auto until = std::chrono::steady_clock::now() + kLoad;
  int rounds = 0;
  while (std::chrono::steady_clock::now() < until || rounds < 2) {
    for (int n = 0; n < kDevices; ++n) {
      last[static_cast<size_t>(n)] = std::chrono::system_clock::now();
      auto r = heartbeat(s, heartbeatBody(devices[static_cast<size_t>(n)], {n}));
      INFO("round " << rounds << " device " << devices[static_cast<size_t>(n)].id << ": "
                    << r.describe());
      REQUIRE(r.status == 200);
      REQUIRE(r.body == "{}");
    }
    ++rounds;
  }
  s.signal(SIGKILL);
  auto code = s.waitForExit(std::chrono::seconds(10));
  REQUIRE(code.has_value());
  CHECK(*code == 128 + SIGKILL);
  MESSAGE(rounds << " heartbeat rounds over " << kDevices << " devices before kill -9");

  // Before a restart: the CLI reads what was logged and not compacted yet.
  {
    INFO("devices list with the server down");
    checkPresence(s, devices, last);
  }
  s.start(); // same data dir, same database; merges the log
  {
    INFO("devices list after the restart");
    checkPresence(s, devices, last);
  }

  // The sysinfo and the pins survived too: no re-upload asked, impostors refused.
  for (const auto &d : devices) {
    auto r = heartbeat(s, heartbeatBody(d));
    INFO(d.id << ": " << r.describe());
    expectHeartbeat(r);
    CHECK(r.body == "{}");
  }
  expectError(heartbeat(s, heartbeatBody(Device{devices[0].id, otherUuid(500)})), 403, kMismatch);
}

} // namespace

TEST_CASE("Agent crash: after kill -9 every acknowledged device and its recent presence survive") {
  // The default compaction interval (30 s) is longer than the load: at the
  // kill, the presence is in the log only.
  crashAndRestart("agent-loop.compact_interval_ms=30000");
}

TEST_CASE("Agent crash: a kill -9 while compaction runs loses no presence") {
  // A compaction part every flush round: the kill lands in the middle of one.
  crashAndRestart("agent-loop.compact_interval_ms=50");
}
