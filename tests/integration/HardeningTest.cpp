// Cases from the security review: each pins one fix (NUL in fields, forged
// access-log lines, a second instance on a taken port, Transfer-Encoding
// other than chunked).
#include "harness/Accounts.h"
#include "harness/JsonChecks.h"
#include "harness/Poll.h"
#include "harness/RawHttp.h"

#include <doctest/doctest.h>

#include <sstream>

using namespace harness;

namespace {
const char *const kPassword = "correct horse battery";
}

TEST_CASE("hardening: a NUL character in a login field is a 400, on every engine") {
  TestServer s;
  s.start();
  addUser(s, "alice", kPassword);
  expectError(s.http().post("/api/login", R"({"username":"ali\u0000ce","password":"x"})"), 400,
              "Field 'username' must not contain NUL characters");
  // With the right credentials the device fields go into the token row.
  expectError(s.http().post("/api/login", R"({"username":"alice","password":")" +
                                              std::string(kPassword) +
                                              R"(","deviceInfo":{"name":"PC\u00001"}})"),
              400, "Field 'name' must not contain NUL characters");
  auto ok = login(s, "alice", kPassword);
  INFO(ok.describe());
  CHECK(ok.status == 200);
}

TEST_CASE("hardening: control characters in a path cannot forge access-log lines") {
  TestServer s;
  s.start();
  auto r = s.http().get("/x%0A1.2.3.4%20%22POST%20/api/login%22%20200");
  CHECK(r.status == 404);
  // The reply echoes the path escaped, and stays valid JSON.
  CHECK(r.json()["error"].get<std::string>().find("\\x0a") != std::string::npos);
  // The access log is written asynchronously: wait (bounded) for the line.
  REQUIRE(pollUntil(std::chrono::seconds(10),
                    [&] { return s.log().find("\\x0a1.2.3.4") != std::string::npos; }));
  std::istringstream lines(s.log());
  std::string line;
  bool sawEscaped = false;
  while (std::getline(lines, line)) {
    CHECK_MESSAGE(line.rfind("1.2.3.4", 0) != 0, "forged line: " << line);
    if (line.find("access:") != std::string::npos && line.find("\\x0a") != std::string::npos)
      sawEscaped = true;
  }
  CHECK(sawEscaped);
}

TEST_CASE("hardening: a second instance on a port in use exits 1 instead of sharing it") {
  TestServer first;
  first.start();
  TestServer second(ServerOptions().set("http.port=" + std::to_string(first.port())));
  second.launch();
  auto code = second.waitForExit(std::chrono::seconds(30));
  INFO(second.log());
  REQUIRE_MESSAGE(code.has_value(), "the second server kept running on a taken port");
  CHECK(*code == 1);
  CHECK(second.log().find("cannot listen") != std::string::npos);
  CHECK(first.http().get("/healthz").status == 200);
}

TEST_CASE("hardening: a Transfer-Encoding other than chunked is refused and closes") {
  TestServer s;
  s.start();
  // Without Content-Length, a server that ignored "gzip, chunked" would take
  // the body bytes for the next request.
  std::string attack = "POST /api/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n"
                       "\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  std::string raw = rawExchange(s.host(), s.port(), attack);
  INFO("reply stream: " << raw);
  auto r = parseResponse(raw);
  REQUIRE(r.has_value());
  expectError(*r, 400, "Unsupported Transfer-Encoding");
  CHECK(raw.find("{\"status\":\"ok\"}") == std::string::npos);
  CHECK(s.http().get("/healthz").status == 200);
}
