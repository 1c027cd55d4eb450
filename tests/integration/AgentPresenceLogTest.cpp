// The presence log (modules/agent-loop/presence_log.h), seen from outside:
// compaction keeps it from growing without bound, a start folds it into
// agent_presence, and a damaged log row neither stops the server nor hides
// the readable presence in it.
#include "harness/AgentClient.h"
#include "harness/Database.h"
#include "harness/Poll.h"
#include "harness/Text.h"

#include <doctest/doctest.h>

#include <csignal>

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

// The device's LAST-SEEN in `devices list` in ms since the epoch, raised by
// the cell's resolution (an upper bound); nullopt when it is not listed with
// a time.
std::optional<int64_t> listedSeenMs(std::map<std::string, Row> &rows, const std::string &id) {
  if (rows.count(id) == 0)
    return std::nullopt;
  std::chrono::milliseconds res{};
  auto seen = parseTime(rows[id].lastSeen, &res);
  if (!seen)
    return std::nullopt;
  return std::chrono::duration_cast<std::chrono::milliseconds>(seen->time_since_epoch()).count() +
         res.count();
}

// A database for the test, or null (the test is skipped) when the sqlite3 or
// psql client that reads it is not installed.
std::shared_ptr<Database> queryableDatabase() {
  auto db = std::make_shared<Database>();
  if (db->canQuery())
    return db;
  MESSAGE("skipped: no sqlite3/psql client to read the database");
  return nullptr;
}

} // namespace

TEST_CASE("agent presence log: compaction keeps it bounded while devices keep beating") {
  auto db = queryableDatabase();
  if (!db)
    return;
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
  auto db = queryableDatabase();
  if (!db)
    return;
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
  auto db = queryableDatabase();
  if (!db)
    return;
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

TEST_CASE("agent presence log: a device gone quiet keeps its presence through compactions and a "
          "kill -9") {
  // Compaction logs again only the devices whose newest log row is about to
  // be deleted: here, the quiet ones, while the busy ones keep beating.
  auto db = queryableDatabase();
  if (!db)
    return;
  TestServer s(options({"agent-loop.flush_interval_ms=100", "agent-loop.compact_interval_ms=100",
                        "agent-loop.max_requests_per_device=1000000"})
                   .withDatabase(db));
  s.start();
  std::vector<Device> quiet, busy;
  int64_t quietSince = beatAll(s, quiet, 5);
  int64_t quietUntil = nowMs();
  for (int n = 0; n < 5; ++n) {
    busy.push_back(device(850 + n));
    upload(s, busy.back());
  }
  // -1 for an empty log (which would mean the quiet devices' presence is gone).
  auto seqs = [&](const char *agg) {
    return std::stoll(firstLine(
        db->query(std::string("SELECT COALESCE(") + agg + "(seq), -1) FROM agent_presence_log")));
  };
  // Once the quiet heartbeats are logged, every row holding them is at most
  // this flush number.
  REQUIRE(pollUntil(std::chrono::seconds(10), [&] {
    auto rows = list(s);
    for (const Device &d : quiet)
      if (listedSeenMs(rows, d.id).value_or(0) < quietSince)
        return false;
    return true;
  }));
  int64_t quietRows = seqs("MAX");
  // The busy devices beat until those rows are deleted, then until the rows
  // that logged the quiet devices again are deleted too.
  auto beatUntilDeleted = [&](int64_t upto) {
    return pollUntil(std::chrono::seconds(30), [&] {
      for (const Device &d : busy)
        expectHeartbeat(heartbeat(s, heartbeatBody(d)));
      return seqs("MIN") > upto;
    });
  };
  REQUIRE(beatUntilDeleted(quietRows));
  REQUIRE(beatUntilDeleted(seqs("MAX")));
  int64_t busySince = nowMs();
  for (const Device &d : busy)
    expectHeartbeat(heartbeat(s, heartbeatBody(d)));
  s.signal(SIGKILL);
  REQUIRE(s.waitForExit(std::chrono::seconds(10)).has_value());

  auto check = [&] {
    auto rows = list(s);
    for (const Device &d : quiet) {
      auto seen = listedSeenMs(rows, d.id);
      INFO("device " << d.id << ": " << rows[d.id].line);
      REQUIRE(seen.has_value());
      CHECK(*seen >= quietSince);
      CHECK(*seen <= quietUntil + 1000); // not stamped later by a compaction
    }
    // The busy ones' last beats are at most about a flush interval stale.
    for (const Device &d : busy) {
      INFO("device " << d.id << ": " << rows[d.id].line);
      CHECK(listedSeenMs(rows, d.id).value_or(0) >= busySince - 1000);
    }
  };
  {
    INFO("devices list with the server down");
    check();
  }
  s.start();
  {
    INFO("devices list after the restart");
    check();
  }
}

TEST_CASE("agent presence log: while the database refuses writes heartbeats are answered, their "
          "presence is written once it takes writes again, and the operator is warned once") {
  auto db = queryableDatabase();
  if (!db)
    return;
  // SQLite: a flush gives up after 200 ms and is retried; PostgreSQL: it waits.
  TestServer s(options({"agent-loop.flush_interval_ms=100", "db.sqlite.busy_timeout_ms=200"})
                   .withDatabase(db));
  s.start();
  std::vector<Device> devices;
  int64_t before = beatAll(s, devices, 3);
  auto presenceSince = [&](int64_t since) {
    auto rows = list(s);
    for (const Device &d : devices)
      if (listedSeenMs(rows, d.id).value_or(0) < since)
        return false;
    return true;
  };
  REQUIRE(pollUntil(std::chrono::seconds(10), [&] { return presenceSince(before); }));
  // The CLI shows whole seconds: the heartbeats under the lock go in a later
  // second than the presence logged so far, so that only their own flush can
  // pass the check below.
  int64_t logged = 0;
  auto rows = list(s);
  for (const Device &d : devices)
    logged = std::max(logged, listedSeenMs(rows, d.id).value_or(0));
  REQUIRE(pollUntil(std::chrono::seconds(5), [&] { return nowMs() > logged; }));

  auto locker = db->lockAgainstWrites("agent_presence_log", std::chrono::milliseconds(1500));
  int64_t during = nowMs();
  for (const Device &d : devices)
    expectHeartbeat(heartbeat(s, heartbeatBody(d)));
  REQUIRE(locker->waitFor(std::chrono::seconds(30)) == 0);
  INFO("server log:\n" << s.log());
  CHECK(pollUntil(std::chrono::seconds(10), [&] { return presenceSince(during); }));
  // The warning comes with the flush that lands, after the lock. (Not
  // checked absent before it: on a loaded machine a flush can be late anyway.)
  CHECK(pollUntil(std::chrono::seconds(10),
                  [&] { return s.log().find("presence flushed late") != std::string::npos; }));
  // On SQLite the flushes under the lock fail, each round (every 100 ms): the
  // log says so once, and once more when a flush lands again.
  if (db->isPostgres()) {
    CHECK(countOf(s.log(), "presence flush failed") <= 1);
  } else {
    CHECK(pollUntil(std::chrono::seconds(10), [&] {
      return s.log().find("presence flush succeeded again after") != std::string::npos;
    }));
    CHECK(countOf(s.log(), "presence flush failed") == 1);
  }
}
