// The loader skips broken modules with one clear line each and keeps serving.
#include "harness/Accounts.h"
#include "harness/JsonChecks.h"

// The ABI version this build's host and SDK modules declare (RDC_ABI_MINOR):
// a minor bump must not need these expectations edited.
#include "../../plugins-api/rdconsole/module.h"

#include <doctest/doctest.h>

#include <sstream>

using namespace harness;

namespace {
std::vector<std::string> linesWith(const std::string &log, const std::string &a,
                                   const std::string &b) {
  std::vector<std::string> out;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);)
    if (line.find(a) != std::string::npos && line.find(b) != std::string::npos)
      out.push_back(line);
  return out;
}
} // namespace

TEST_CASE("loader: broken modules are skipped with one line each and auth still serves") {
  TestServer s(ServerOptions().withFixtures(
      {"probe", "bad-major", "failing-init", "missing-symbol", "needs-missing"}));
  s.start();
  auto r = s.http().get("/api/login-options");
  INFO(r.describe());
  CHECK(r.status == 200);
  CHECK(r.json() == nlohmann::json::array({"account"}));
  CHECK(s.http().get("/fixture/abi").status == 200);

  std::string log = s.log();
  INFO(log);
  for (const char *file :
       {"bad-major.so", "failing-init.so", "missing-symbol.so", "needs-missing.so"}) {
    CAPTURE(file);
    CHECK(linesWith(log, "skipped", file).size() == 1);
  }
  auto major = linesWith(log, "skipped", "bad-major.so");
  if (!major.empty())
    CHECK(major[0].find("ABI major 2") != std::string::npos);
  auto missing = linesWith(log, "skipped", "missing-symbol.so");
  if (!missing.empty())
    CHECK(missing[0].find("rdc_fixture_function_that_nobody_defines") != std::string::npos);
  auto init = linesWith(log, "skipped", "failing-init.so");
  if (!init.empty())
    CHECK(init[0].find("init failed") != std::string::npos);
  auto deps = linesWith(log, "skipped", "needs-missing.so");
  if (!deps.empty())
    CHECK(deps[0].find("no-such-module") != std::string::npos);
  const std::string abi = "(ABI 1." + std::to_string(RDC_ABI_MINOR) + ")";
  CHECK(linesWith(log, "module 'auth' 0.1.0 " + abi, "started").size() == 1);
  CHECK(linesWith(log, "module 'probe'", "started").size() == 1);
  CHECK(log.find("listening on http://127.0.0.1:" + std::to_string(s.port())) != std::string::npos);

  // Routes a skipped module registered before failing are not served.
  expectError(s.http().get("/fixture/failing-init"), 404);
  expectError(s.http().get("/fixture/needs-missing"), 404);
}

TEST_CASE("loader: without auth.so the login routes are 404 but the core serves") {
  TestServer s(ServerOptions().withModules({}).withFixtures({}));
  s.start();
  expectError(s.http().get("/api/login-options"), 404, "No such endpoint: GET /api/login-options");
  auto h = s.http().get("/healthz");
  CHECK(h.status == 200);
  CHECK(h.json() == nlohmann::json{{"status", "ok"}});
}

TEST_CASE("loader: modules.disabled=auth keeps auth out") {
  TestServer s(ServerOptions().set("modules.disabled=auth"));
  s.start();
  expectError(s.http().get("/api/login-options"), 404, "No such endpoint: GET /api/login-options");
  CHECK(s.http().get("/healthz").status == 200);
  CHECK(s.http().get("/fixture/abi").status == 200); // probe still loads
}

TEST_CASE("loader: a required module that fails stops start-up with a clear message") {
  TestServer s(
      ServerOptions().withFixtures({"probe", "failing-init"}).set("modules.required=failing-init"));
  s.launch();
  auto code = s.waitForExit(std::chrono::seconds(30));
  INFO(s.log());
  REQUIRE_MESSAGE(code.has_value(), "server kept running although a required module failed");
  CHECK(*code != 0);
  CHECK(s.log().find("failing-init") != std::string::npos);
  CHECK(s.log().find("required") != std::string::npos);
}

TEST_CASE("loader: a required module that loads fine starts normally") {
  TestServer s(ServerOptions().set("modules.required=auth,probe"));
  s.start();
  CHECK(s.http().get("/api/login-options").status == 200);
}
