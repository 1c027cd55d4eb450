// HTTPS when http.tls.certificate and http.tls.private_key are set.
#include "harness/Accounts.h"
#include "harness/JsonChecks.h"

#include <doctest/doctest.h>

using namespace harness;

TEST_CASE("tls: the server speaks HTTPS with a configured certificate") {
  TestServer s(ServerOptions().withTls());
  s.start();
  auto r = s.http().get("/api/login-options");
  INFO(r.describe());
  CHECK(r.status == 200);
  CHECK(r.header("Content-Type").value_or("") == kJsonContentType);
  CHECK(r.json() == nlohmann::json::array({"account"}));

  addUser(s, "alice", "correct horse battery");
  std::string token = loginToken(s, "alice", "correct horse battery");
  CHECK(currentUser(s, token).status == 200);

  INFO(s.log());
  CHECK(s.log().find("listening on https://") != std::string::npos);

  // curl as an independent client (-k: the certificate is self-signed).
  auto curl = runCommand({"/usr/bin/curl", "-sk", "--max-time", "20",
                          "https://127.0.0.1:" + std::to_string(s.port()) + "/api/login-options"},
                         "", s.dir());
  INFO(curl.err);
  CHECK(curl.exitCode == 0);
  CHECK(nlohmann::json::parse(curl.out, nullptr, false) == nlohmann::json::array({"account"}));

  // Plain HTTP to the TLS port does not get a login-options reply.
  HttpClient plain(s.host(), s.port(), false);
  bool plainServed = false;
  try {
    plainServed = plain.get("/api/login-options").status == 200;
  } catch (const std::exception &) {
  }
  CHECK_FALSE(plainServed);
}
