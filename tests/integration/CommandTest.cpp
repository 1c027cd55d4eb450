// Commands that modules add (ABI 1.1): `rdconsole <verb> ...` through the
// real binary, with the cmdprobe fixture reporting what the host answered.
#include "harness/Accounts.h"
#include "harness/JsonChecks.h"
#include "harness/Text.h"

#include <doctest/doctest.h>

#include <sstream>

using namespace harness;

namespace {

bool contains(const std::string &hay, const std::string &needle) {
  return hay.find(needle) != std::string::npos;
}

ServerOptions withCmdprobe() {
  return ServerOptions().withFixtures({"probe", "cmdprobe"}).set("probe.greeting=hello-there");
}

} // namespace

TEST_CASE("module commands: argv and stdout and stderr and the exit code reach the operator") {
  TestServer s(withCmdprobe());
  auto r = s.cli({"cmdprobe", "echo", "a", "two words", ""});
  INFO(r.out << r.err);
  CHECK(r.exitCode == 0);
  CHECK(r.out == "cmdprobe|echo|a|two words|\n"); // argv[0] is the verb itself
  CHECK(contains(r.err, "echo done\n"));
  CHECK_FALSE(contains(r.out, "echo done"));

  // Global options may follow the verb, as for core verbs.
  auto opt =
      s.cli({"cmdprobe", "config-from", "probe", "greeting", "--set", "probe.greeting=overridden"});
  INFO(opt.out << opt.err);
  CHECK(opt.exitCode == 0);
  CHECK(opt.out == "overridden\n");

  for (int code : {0, 1, 2, 7}) {
    auto e = s.cli({"cmdprobe", "exit", std::to_string(code)});
    CHECK(e.exitCode == code);
  }
  // An exit status is one byte: out-of-range codes are failures, never 0.
  CHECK(s.cli({"cmdprobe", "exit", "256"}).exitCode == 1);
  CHECK(s.cli({"cmdprobe", "exit", "-1"}).exitCode == 1);
}

TEST_CASE("module commands: usage mistakes exit 2 and failures exit 1 with a message") {
  TestServer s(withCmdprobe());
  auto usage = s.cli({"cmdprobe"});
  INFO(usage.out << usage.err);
  CHECK(usage.exitCode == 2);
  CHECK(contains(usage.err, "needs a sub-command"));
  auto badInt = s.cli({"cmdprobe", "exit", "seven"});
  CHECK(badInt.exitCode == 2);
  CHECK(contains(badInt.err, "not an integer"));
  auto thrown = s.cli({"cmdprobe", "throw"});
  INFO(thrown.out << thrown.err);
  CHECK(thrown.exitCode == 1);
  CHECK(contains(thrown.err, "deliberate failure"));
}

TEST_CASE("module commands: config_get_from reads a dependency and refuses other modules") {
  TestServer s(withCmdprobe());
  auto dep = s.cli({"cmdprobe", "config-from", "probe", "greeting"});
  INFO(dep.out << dep.err);
  CHECK(dep.exitCode == 0);
  CHECK(dep.out == "hello-there\n");

  auto unset = s.cli({"cmdprobe", "config-from", "probe", "no-such-key"});
  CHECK(unset.exitCode == 1);
  CHECK(contains(unset.err, "status 2")); // RDC_NOT_FOUND

  // auth is loaded but not a dependency of cmdprobe: denied, with a reason.
  auto denied = s.cli({"cmdprobe", "config-from", "auth", "max_failures"});
  INFO(denied.out << denied.err);
  CHECK(denied.exitCode == 1);
  CHECK(contains(denied.err, "status 6")); // RDC_DENIED
  CHECK(contains(denied.err, "'auth' is not one"));
  CHECK(s.cli({"cmdprobe", "config-from", "cmdprobe", "x"}).exitCode == 1);

  // The same inside a request.
  s.start();
  auto ok = s.http().get("/fixture/cmdprobe/config-from/probe/greeting");
  INFO(ok.describe());
  CHECK(ok.status == 200);
  CHECK(ok.json() == nlohmann::json{{"value", "hello-there"}});
  expectError(s.http().get("/fixture/cmdprobe/config-from/auth/x"), 403, "denied");
}

TEST_CASE("module commands: identity and groups without a request (ex == NULL)") {
  TestServer s(withCmdprobe());
  addUser(s, "Bob", "a long enough password", {"--admin"});
  REQUIRE(s.cli({"group", "add", "Night Shift"}).exitCode == 0);
  REQUIRE(s.cli({"group", "add-member", "night shift", "bob"}).exitCode == 0);

  auto u = s.cli({"cmdprobe", "user", "BOB"});
  INFO(u.out << u.err);
  CHECK(u.exitCode == 0);
  CHECK(contains(u.out, "user Bob id="));
  CHECK(contains(u.out, "admin=yes by-id=Bob groups=Night Shift\n"));

  auto g = s.cli({"cmdprobe", "group", "NIGHT SHIFT"});
  INFO(g.out << g.err);
  CHECK(g.exitCode == 0);
  CHECK(contains(g.out, " Night Shift\n"));

  auto missingUser = s.cli({"cmdprobe", "user", "nobody"});
  CHECK(missingUser.exitCode == 1);
  CHECK(contains(missingUser.err, "no user named 'nobody'"));
  auto missingId = s.cli({"cmdprobe", "user-id", "987654"});
  CHECK(missingId.exitCode == 1);
  auto missingGroup = s.cli({"cmdprobe", "group", "Day Shift"});
  CHECK(missingGroup.exitCode == 1);

  // The same calls inside a request, with request-lifetime views.
  s.start();
  auto r = s.http().get("/fixture/cmdprobe/user/bob");
  INFO(r.describe());
  REQUIRE(r.status == 200);
  CHECK(r.json()["by_id"] == "Bob");
  CHECK(r.json()["groups"] == "Night Shift");
  expectError(s.http().get("/fixture/cmdprobe/user/nobody"), 404, "no such user");
}

TEST_CASE("module commands: registration rules (init only and valid unique names)") {
  TestServer s(withCmdprobe());
  auto late = s.cli({"cmdprobe", "late-add"});
  INFO(late.out << late.err);
  CHECK(late.exitCode == 0);
  CHECK(contains(late.out, "command_add 7: ")); // RDC_STATE
  CHECK(contains(late.out, "only allowed during init"));

  auto checks = s.cli({"cmdprobe", "init-checks"});
  INFO(checks.out << checks.err);
  CHECK(contains(checks.out, "bad-name 3: ")); // RDC_INVALID
  CHECK(contains(checks.out, "'Bad_Name' is not a valid name"));
  CHECK(contains(checks.out, "duplicate 5\n")); // RDC_CONFLICT
  CHECK(contains(checks.out, "null-ctx 3\n"));
  // The refused names were not added.
  CHECK(s.cli({"Bad_Name"}).exitCode == 2);
  CHECK(s.cli({"cmdprobe-quiet"}).exitCode == 0);
}

TEST_CASE("module commands: unknown verbs exit 2 and list what exists and help lists summaries") {
  TestServer s(withCmdprobe());
  auto r = s.cli({"frobnicate", "now"});
  INFO(r.out << r.err);
  CHECK(r.exitCode == 2);
  CHECK(contains(r.err, "unknown verb 'frobnicate'"));
  CHECK(contains(r.err, "module commands: cmdprobe, cmdprobe-quiet"));
  CHECK(r.out.empty());

  auto help = s.cli({"help"});
  INFO(help.out << help.err);
  CHECK(help.exitCode == 0);
  CHECK(contains(help.out, "Usage: rdconsole"));
  CHECK(contains(help.out, "group add NAME"));
  CHECK(contains(help.out, "Module commands"));
  CHECK(contains(help.out, "fixture: reports what the ABI 1.1 host calls answer"));
  CHECK(contains(help.out, "cmdprobe-quiet"));
  auto dashHelp = s.cli({"--help"});
  CHECK(dashHelp.exitCode == 0);
  CHECK(dashHelp.out == help.out);

  // A disabled module's commands are gone, as its routes would be.
  auto disabled = s.cli({"cmdprobe", "echo", "--set", "modules.disabled=cmdprobe"});
  CHECK(disabled.exitCode == 2);
  CHECK(contains(disabled.err, "unknown verb 'cmdprobe'"));
  // Without modules, help still works and says there are none.
  TestServer bare(ServerOptions().withModules({}).withFixtures({}));
  auto none = bare.cli({"help"});
  CHECK(none.exitCode == 0);
  CHECK(contains(none.out, "Module commands"));
  CHECK(contains(none.out, "none"));
}

TEST_CASE("module commands: a command named like a core verb or taken by another module "
          "gets its module skipped") {
  TestServer s(
      ServerOptions().withFixtures({"probe", "cmdprobe", "cmd-core-verb", "cmd-duplicate"}));
  addUser(s, "bob", "a long enough password");
  // The core verb still answers (no module code is even asked).
  auto group = s.cli({"group", "list"});
  INFO(group.out << group.err);
  CHECK(group.exitCode == 0);
  CHECK(contains(group.out, "NAME"));
  // The first module keeps its command; the impostor never runs.
  auto probe = s.cli({"cmdprobe", "echo"});
  INFO(probe.out << probe.err);
  CHECK(probe.exitCode == 0);
  CHECK(probe.out == "cmdprobe|echo\n");
  CHECK(contains(probe.err, "'cmd-core-verb'"));
  CHECK(contains(probe.err, "command 'group' collides with the core verb"));
  CHECK(contains(probe.err, "'cmd-duplicate'"));
  CHECK(contains(probe.err, "command 'cmdprobe' was already added by module 'cmdprobe'"));

  // The server skips both modules the same way and serves the rest.
  s.start();
  std::string log = s.log();
  INFO(log);
  CHECK(countOf(log, "module 'cmd-core-verb' (cmd-core-verb.so) skipped") == 1);
  CHECK(countOf(log, "module 'cmd-duplicate' (cmd-duplicate.so) skipped") == 1);
  expectError(s.http().get("/fixture/cmd-core-verb"), 404);
  expectError(s.http().get("/fixture/cmd-duplicate"), 404);
  CHECK(s.http().get("/fixture/cmdprobe/user/bob").status == 200);
}

TEST_CASE("module commands: a command runs while the server serves the same database") {
  TestServer s(withCmdprobe());
  s.start();
  addUser(s, "bob", "a long enough password");
  auto r = s.cli({"cmdprobe", "user", "bob"});
  INFO(r.out << r.err);
  CHECK(r.exitCode == 0);
  CHECK(contains(r.out, "user bob id="));
  // The server was not disturbed (no module was started or stopped twice).
  CHECK(s.http().get("/healthz").status == 200);
  CHECK(login(s, "bob", "a long enough password").status == 200);
}
