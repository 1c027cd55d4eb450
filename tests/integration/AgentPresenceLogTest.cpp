// The presence log (modules/agent-loop/presence_log.h), seen from outside:
// compaction keeps it from growing without bound, a start folds it into
// agent_presence, and a damaged log row neither stops the server nor hides
// the readable presence in it.
#include "harness/AgentClient.h"
#include "harness/Database.h"
#include "harness/Poll.h"

#include <doctest/doctest.h>

using namespace harness;
using namespace harness::agent;

namespace {

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string firstLine(const std::string &s) {
  return s.substr(0, s.find_first_of("\r\n"));
}

// Uploads sysinfo for `count` devices and sends each one heartbeat; returns
// the time just before the heartbeats (a lower bound of their last-seen).
int64_t beatAll(const TestServer &s, std::vector<Device> &devices, int count) {
  for (int n = 0; n < count; ++n) {
    devices.push_back(device(700 + n));
    upload(s, devices.back());
  }
  int64_t before = nowMs();
  for (const Device &d : devices)
    expectHeartbeat(heartbeat(s, heartbeatBody(d)));
  return before;
}

} // namespace

TEST_CASE("agent presence log: compaction keeps it bounded while devices keep beating") {
  auto db = std::make_shared<Database>();
  if (!db->canQuery()) {
    MESSAGE("skipped: no sqlite3/psql client to read the database");
    return;
  }
  // A flush every 100 ms and a compaction as often as it can: 3 s of
  // heartbeats make ~30 flush rows, which compaction must fold away.
  TestServer s(options({"agent-loop.flush_interval_ms=100", "agent-loop.compact_interval_ms=100",
                        "agent-loop.max_requests_per_device=1000000"})
                   .withDatabase(db));
  s.start();
  std::vector<Device> devices;
  int64_t before = beatAll(s, devices, 10);
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (std::chrono::steady_clock::now() < until) {
    before = nowMs();
    for (const Device &d : devices)
      expectHeartbeat(heartbeat(s, heartbeatBody(d)));
  }
  auto logRows = [&] {
    return std::stoll(firstLine(db->query("SELECT COUNT(*) FROM agent_presence_log")));
  };
  // Once the heartbeats stop: one compaction's parts at most (8, fewer when
  // the 10 devices share parts).
  bool bounded = pollUntil(std::chrono::seconds(20), [&] { return logRows() <= 8; });
  INFO("log rows: " << logRows());
  CHECK(bounded);
  // And it still holds every device's last heartbeat.
  auto rows = list(s);
  for (const Device &d : devices) {
    CAPTURE(d.id);
    REQUIRE(rows.count(d.id) == 1);
    std::chrono::milliseconds res{};
    auto seen = parseTime(rows[d.id].lastSeen, &res);
    REQUIRE(seen.has_value());
    CHECK(std::chrono::duration_cast<std::chrono::milliseconds>(seen->time_since_epoch()).count() >=
          before - res.count());
  }
}

TEST_CASE("agent presence log: the next start folds it into agent_presence and empties it") {
  auto db = std::make_shared<Database>();
  if (!db->canQuery()) {
    MESSAGE("skipped: no sqlite3/psql client to read the database");
    return;
  }
  std::vector<Device> devices;
  int64_t before = 0;
  {
    TestServer s(options().withDatabase(db));
    s.start();
    before = beatAll(s, devices, 10);
    REQUIRE(s.stop() == 0); // logs last
  }
  CHECK(firstLine(db->query("SELECT COUNT(*) FROM agent_presence_log")) != "0");
  TestServer s(options().withDatabase(db));
  s.start();
  CHECK(firstLine(db->query("SELECT COUNT(*) FROM agent_presence_log")) == "0");
  CHECK(firstLine(db->query("SELECT COUNT(*) FROM agent_presence WHERE last_seen_ms >= " +
                            std::to_string(before))) == "10");
}

TEST_CASE("agent presence log: a damaged row is merged at start as far as it reads") {
  auto db = std::make_shared<Database>();
  if (!db->canQuery()) {
    MESSAGE("skipped: no sqlite3/psql client to read the database");
    return;
  }
  {
    TestServer first(options().withDatabase(db));
    first.start(); // creates the tables
    REQUIRE(first.stop() == 0);
  }
  // As another process's crash could leave it: readable lines among garbage
  // (a truncated line, a bad number, a bad escape). Raw tabs and newlines
  // inside the literal: the same statement on both engines.
  db->query("INSERT INTO agent_presence_log (instance_id, seq, entries) VALUES ('crashed', 1, "
            "'123454321\t1700000000000\t1004090\t7\ntrunc\t17\nbad\tx\t1\t\nbad%Z9\t1\t1\t\n')");
  TestServer s(options().withDatabase(db));
  s.start();
  CHECK(firstLine(db->query("SELECT COUNT(*) FROM agent_presence_log")) == "0");
  CHECK(firstLine(db->query("SELECT last_seen_ms || ',' || ver || ',' || conns FROM agent_presence"
                            " WHERE device_id = '123454321'")) == "1700000000000,1004090,[7]");
  CHECK(firstLine(db->query("SELECT COUNT(*) FROM agent_presence")) == "1");
  // The server serves as usual.
  std::vector<Device> devices;
  beatAll(s, devices, 1);
}
