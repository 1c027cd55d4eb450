// ABI compatibility: a module built as ABI 1.0 (tests/fixtures/abi10.c,
// abi_minor 0, only 1.0 host members) loads and serves on this newer host
// (1.RDC_ABI_MINOR), beside modules built against the current minor.
#include "harness/JsonChecks.h"
#include "harness/TestServer.h"

// The ABI version this build's host and SDK modules declare (RDC_ABI_MINOR):
// a minor bump must not need these expectations edited.
#include "../../plugins-api/rdconsole/module.h"

#include <doctest/doctest.h>

using namespace harness;

TEST_CASE("abi 1.0 compatibility: a 1.0 module loads and migrates and serves on a newer host") {
  TestServer s(ServerOptions().withFixtures({"probe", "abi10"}).set("abi10.greeting=hello"));
  s.start();
  std::string log = s.log();
  INFO(log);
  CHECK(log.find("module 'abi10' 1.0.0 (ABI 1.0) started") != std::string::npos);
  CHECK(log.find("module 'probe' 0.0.1 (ABI 1." + std::to_string(RDC_ABI_MINOR) + ") started") !=
        std::string::npos);

  for (int hit = 1; hit <= 3; ++hit) {
    auto r = s.http().get("/fixture/abi10?q=abc" + std::to_string(hit));
    INFO(r.describe());
    REQUIRE(r.status == 200);
    CHECK(r.header("X-Abi10").value_or("") == "yes");
    auto j = r.json();
    CHECK(j["module"] == "abi10");
    CHECK(j["q"] == "abc" + std::to_string(hit));
    CHECK(j["greeting"] == "hello");
    CHECK(j["hits"] == hit); // its own table, through the 1.0 database calls
    CHECK(j["host_major"] == 1);
    CHECK(j["host_minor"] == RDC_ABI_MINOR);
  }
  // Bad input gets the module's own 400 and records nothing.
  expectError(s.http().get("/fixture/abi10?q=no%20spaces"), 400,
              "q must be 0-64 letters or digits");
  auto after = s.http().get("/fixture/abi10");
  REQUIRE(after.status == 200);
  CHECK(after.json()["hits"] == 4);
  CHECK(after.json()["q"] == "");
  // Listed like any other module.
  auto listing = s.cli({"modules"});
  CHECK(listing.out.find("abi10") != std::string::npos);
  CHECK(listing.out.find("1.0") != std::string::npos);
}

TEST_CASE(
    "abi 1.0 compatibility: the 1.0 module's migration is kept across restarts and CLI runs") {
  TestServer s(ServerOptions().withFixtures({"probe", "abi10", "cmdprobe"}));
  s.start();
  REQUIRE(s.http().get("/fixture/abi10").json()["hits"] == 1);
  REQUIRE(s.stop() == 0);
  // A module command initializes and migrates every module without starting
  // any; the 1.0 module is among them and must come through unchanged.
  auto r = s.cli({"cmdprobe", "echo"});
  INFO(r.out << r.err);
  CHECK(r.exitCode == 0);
  s.start();
  CHECK(s.http().get("/fixture/abi10").json()["hits"] == 2);
}
