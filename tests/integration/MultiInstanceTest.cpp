// Several rdconsole instances on one database, as behind a load balancer
// (issue 3): tokens, revocations, rate-limit counters and start-up are shared
// through the database, not held in one process's memory. Runs in both modes:
// two processes on one SQLite file (WAL) and two on one PostgreSQL database.
#include "harness/Accounts.h"
#include "harness/JsonChecks.h"
#include "harness/Poll.h"

#include <doctest/doctest.h>

#include <mutex>
#include <set>
#include <sstream>
#include <thread>

using namespace harness;

namespace {

const char *const kPassword = "correct horse battery";

std::string engineName() {
  return pgMode() ? "PostgreSQL" : "SQLite";
}

// Two instances sharing `db`, each with its own data dir and port.
struct TwoInstances {
  explicit TwoInstances(std::shared_ptr<Database> database, ServerOptions base = {})
      : db(std::move(database)), a(ServerOptions(base).withDatabase(db)),
        b(ServerOptions(base).withDatabase(db)) {}
  std::shared_ptr<Database> db;
  TestServer a, b;
};

} // namespace

TEST_CASE("multi-instance: a token issued on A works on B and a logout on B reaches A within "
          "identity.cache_seconds") {
  MESSAGE("two instances on one " << engineName() << " database");
  // cache_seconds bounds how long an instance may trust a cached verification
  // (core/auth/Tokens.h): another instance's revoke is seen within it.
  TwoInstances x(std::make_shared<Database>(), ServerOptions().set("identity.cache_seconds=1"));
  x.a.start();
  x.b.start();
  addUser(x.a, "alice", kPassword);

  std::string token = loginToken(x.a, "alice", kPassword);
  auto onB = currentUser(x.b, token);
  INFO("token from A on B: " << onB.describe());
  REQUIRE(onB.status == 200);
  CHECK(onB.json()["name"] == "alice");
  // A has just verified (and may cache) the token: the revoke below must
  // beat that cache within the bound.
  auto before = currentUser(x.a, token);
  INFO("on A just before the logout: " << before.describe());
  REQUIRE(before.status == 200);

  auto out = x.b.http().post("/api/logout", deviceBody(), bearer(token));
  INFO("logout on B: " << out.describe());
  REQUIRE(out.status == 200);
  auto loggedOut = std::chrono::steady_clock::now();
  expectError(currentUser(x.b, token), 401, "Invalid or expired token");

  // Bound: cache_seconds (1 s) plus slack for a loaded test machine.
  HttpResponse last;
  bool refused = pollUntil(
      std::chrono::seconds(4),
      [&] {
        last = currentUser(x.a, token);
        return last.status != 200;
      },
      std::chrono::milliseconds(50));
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - loggedOut);
  INFO("A still accepted the revoked token after " << took.count() << " ms: " << last.describe());
  REQUIRE(refused);
  expectError(last, 401, "Invalid or expired token");
  MESSAGE("revoke on B seen by A after " << took.count() << " ms");
}

TEST_CASE("multi-instance: concurrent logins through both instances lose no token") {
  MESSAGE("two instances on one " << engineName() << " database");
  TwoInstances x(std::make_shared<Database>());
  x.a.start();
  x.b.start();
  constexpr int kThreads = 8;
  constexpr int kLoginsPerThread = 12;
  // Users are created through the CLI against the shared database.
  for (int t = 0; t < kThreads; ++t)
    addUser(t % 2 ? x.b : x.a, "user" + std::to_string(t), kPassword);

  std::mutex mu;
  std::vector<std::string> tokens;
  std::vector<std::string> failures;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kLoginsPerThread; ++i) {
        const TestServer &via = (t + i) % 2 ? x.b : x.a;
        std::string where = &via == &x.a ? "A" : "B";
        try {
          auto r = login(via, "user" + std::to_string(t), kPassword);
          std::lock_guard lock(mu);
          if (r.status == 200)
            tokens.push_back(r.json()["access_token"].get<std::string>());
          else
            failures.push_back("user" + std::to_string(t) + " via " + where + ": " + r.describe());
        } catch (const std::exception &e) {
          std::lock_guard lock(mu);
          failures.push_back("user" + std::to_string(t) + " via " + where + ": " + e.what());
        }
      }
    });
  for (auto &th : threads)
    th.join();

  std::ostringstream why;
  for (const auto &f : failures)
    why << f << "\n";
  INFO("failed logins:\n" << why.str());
  CHECK(failures.empty());
  CHECK(tokens.size() == static_cast<size_t>(kThreads * kLoginsPerThread));
  CHECK(std::set<std::string>(tokens.begin(), tokens.end()).size() == tokens.size());

  // Every acknowledged login left a token that both instances accept.
  int rejected = 0;
  for (const auto &token : tokens)
    for (const TestServer *s : {&x.a, &x.b}) {
      auto r = currentUser(*s, token);
      if (r.status != 200) {
        ++rejected;
        INFO("token " << token.substr(0, 6) << "... on " << (s == &x.a ? "A" : "B") << ": "
                      << r.describe());
        CHECK(r.status == 200);
      }
    }
  CHECK(rejected == 0);
  if (auto db = x.db; db && db->canQuery()) {
    // And the database holds exactly that many live tokens.
    std::string n = db->query("SELECT COUNT(*) FROM core_tokens WHERE revoked_at IS NULL");
    CHECK(std::stoi(n) == kThreads * kLoginsPerThread);
  }
}

TEST_CASE("multi-instance: failed logins of one user and IP count across both instances") {
  MESSAGE("two instances on one " << engineName() << " database");
  TwoInstances x(std::make_shared<Database>());
  x.a.start();
  x.b.start();
  addUser(x.a, "alice", kPassword);
  addUser(x.a, "bob", "bobs long password");

  // Five failures alternating A, B, A, B, A: the limit per (user, IP) is 5.
  for (int i = 1; i <= 5; ++i) {
    INFO("failure " << i << " via " << (i % 2 ? "A" : "B"));
    expectError(login(i % 2 ? x.a : x.b, "alice", "typo " + std::to_string(i)), 401,
                "Wrong credentials");
  }
  // The 6th attempt is refused on either instance, even with the right password.
  for (const TestServer *s : {&x.b, &x.a}) {
    INFO("6th attempt via " << (s == &x.a ? "A" : "B"));
    auto r = login(*s, "alice", kPassword);
    std::string msg = expectError(r, 429);
    CHECK(msg.rfind("Too many failed login attempts; try again in ", 0) == 0);
    CHECK(r.header("Retry-After").has_value());
  }
  // Another user from the same address is not affected on either instance.
  CHECK(login(x.a, "bob", "bobs long password").status == 200);
  CHECK(login(x.b, "bob", "bobs long password").status == 200);
}

TEST_CASE("multi-instance: two instances started at the same moment on an empty database") {
  MESSAGE("two instances on one " << engineName() << " database");
  // A few rounds: the race between the two start-ups is not the same each time.
  for (int round = 1; round <= 3; ++round) {
    CAPTURE(round);
    TwoInstances x(std::make_shared<Database>());
    x.a.launch();
    x.b.launch();
    x.a.waitUntilListening();
    x.b.waitUntilListening();
    INFO("log A:\n" << x.a.log() << "\nlog B:\n" << x.b.log());

    // Migrations ran once: one ledger row per (module, version).
    if (x.db->canQuery()) {
      std::string dupes = x.db->query("SELECT module, version, COUNT(*) FROM rdc_migrations "
                                      "GROUP BY module, version HAVING COUNT(*) <> 1");
      CHECK_MESSAGE(dupes.empty(), "migrations recorded more than once:\n" << dupes);
      std::string modules = x.db->query("SELECT DISTINCT module FROM rdc_migrations ORDER BY 1");
      CHECK(modules == "auth\ncore\nprobe\n");
    } else if (round == 1) {
      MESSAGE("the " << (pgMode() ? "psql" : "sqlite3")
                     << " CLI is not installed: the rdc_migrations check is skipped");
    }

    // Exactly one initial administrator: one data dir holds the password.
    auto fileA = x.a.dataDir() / "initial-admin-password";
    auto fileB = x.b.dataDir() / "initial-admin-password";
    bool inA = std::filesystem::exists(fileA), inB = std::filesystem::exists(fileB);
    REQUIRE(inA != inB);
    std::string content = readFile(inA ? fileA : fileB);
    REQUIRE(content.size() > 1);
    std::string password = content.substr(0, content.size() - 1);
    for (const TestServer *s : {&x.a, &x.b}) {
      auto r = login(*s, "admin", password);
      INFO(r.describe());
      CHECK(r.status == 200);
    }
    auto users = x.a.cli({"user", "list"});
    INFO(users.out << users.err);
    REQUIRE(users.exitCode == 0);
    if (x.db->canQuery())
      CHECK(x.db->query("SELECT COUNT(*) FROM core_users") == "1\n");
    int logsWithAdmin =
        (x.a.log().find("created initial administrator") != std::string::npos ? 1 : 0) +
        (x.b.log().find("created initial administrator") != std::string::npos ? 1 : 0);
    CHECK(logsWithAdmin == 1);
  }
}
