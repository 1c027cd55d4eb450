// Password login as a stock RustDesk client does it (client-truth §2.1, §2.2, §2.34, §4 S2).
#include "harness/Accounts.h"
#include "harness/JsonChecks.h"
#include "harness/RawHttp.h"

#include <doctest/doctest.h>

using namespace harness;

TEST_CASE("login: S2 password login reply matches the client contract field by field") {
  TestServer s;
  s.start();
  addUser(s, "alice", "correct horse battery",
          {"--display-name", "Alice Liddell", "--email", "alice@example.com"});

  // Step 1: the dialog asks for the login options.
  auto options = s.http().get("/api/login-options", {{"Content-Type", "application/json"}});
  REQUIRE(options.status == 200);
  CHECK(options.json() == nlohmann::json::array({"account"}));

  // Step 2: the exact body the client sends.
  auto r = login(s, "alice", "correct horse battery");
  INFO(r.describe());
  REQUIRE(r.status == 200);
  CHECK(r.header("Content-Type").value_or("") == kJsonContentType);
  auto j = r.json();
  REQUIRE(j.is_object());
  CHECK_FALSE(hasKeyAnywhere(j, "error"));
  CHECK_FALSE(hasNullAnywhere(j));

  REQUIRE(j["access_token"].is_string());
  std::string token = j["access_token"];
  CHECK(token.size() == 43);
  for (char c : token) // it travels in an Authorization header
    CHECK((c > 0x20 && c < 0x7f));
  CHECK(j["type"] == "access_token");

  REQUIRE(j["user"].is_object());
  const auto &u = j["user"];
  CHECK(u["name"] == "alice");
  CHECK(u["display_name"] == "Alice Liddell");
  CHECK(u["email"] == "alice@example.com");
  CHECK(u["avatar"].is_string());
  CHECK(u["note"].is_string());
  CHECK(u["status"].is_number_integer());
  CHECK(u["status"] == 1);
  CHECK(u["is_admin"].is_boolean());
  CHECK(u["is_admin"] == false);
  CHECK(u["info"].is_object());

  // Every login issues a new token.
  auto again = login(s, "alice", "correct horse battery").json();
  CHECK(again["access_token"] != j["access_token"]);
}

TEST_CASE("login: an administrator is reported as is_admin true") {
  TestServer s;
  s.start();
  addUser(s, "root2", "another long password", {"--admin"});
  auto j = login(s, "root2", "another long password").json();
  CHECK(j["user"]["is_admin"] == true);
  CHECK(j["user"]["name"] == "root2");
}

TEST_CASE("login: wrong password and unknown user answer 401 Wrong credentials") {
  TestServer s;
  s.start();
  addUser(s, "alice", "correct horse battery");
  expectError(login(s, "alice", "wrong password"), 401, "Wrong credentials");
  expectError(login(s, "nobody", "whatever password"), 401, "Wrong credentials");
  // The failures changed nothing for the right password.
  CHECK(login(s, "alice", "correct horse battery").status == 200);
}

TEST_CASE("login: verification-code and unknown login types are refused with 400") {
  TestServer s;
  s.start();
  addUser(s, "alice", "correct horse battery");
  auto body = nlohmann::json::parse(loginBody("alice", "correct horse battery"));
  body["type"] = "email_code";
  body["verificationCode"] = "123456";
  expectError(s.http().post("/api/login", body.dump()), 400,
              "Verification codes are not enabled on this server");
  body["type"] = "oidc/google";
  expectError(s.http().post("/api/login", body.dump()), 400,
              "Unsupported login type 'oidc/google'");
  // A login without "type" is a password login.
  body.erase("type");
  body.erase("verificationCode");
  CHECK(s.http().post("/api/login", body.dump()).status == 200);
}

TEST_CASE("login-options: GET returns a JSON array of strings and HEAD has no body") {
  TestServer s;
  s.start();
  auto get = s.http().get("/api/login-options");
  INFO(get.describe());
  REQUIRE(get.status == 200);
  CHECK(get.header("Content-Type").value_or("") == kJsonContentType);
  auto j = get.json();
  REQUIRE(j.is_array());
  for (const auto &item : j)
    CHECK(item.is_string());
  CHECK(j == nlohmann::json::array({"account"}));

  // HEAD over a raw socket: Poco would silently drop a body that should not be there.
  std::string raw = rawExchange(s.host(), s.port(), rawRequest("HEAD", "/api/login-options", ""));
  auto head = parseResponse(raw, /*bodyExpected=*/false);
  REQUIRE_MESSAGE(head.has_value(), "unparsable reply: " << raw);
  CHECK(head->status == 200);
  CHECK(head->header("Content-Length").has_value());
  CHECK(head->header("Content-Length").value_or("") == std::to_string(get.body.size()));
  CHECK(head->body.empty());
}

TEST_CASE("login: a chunked request body is accepted") {
  TestServer s;
  s.start();
  addUser(s, "alice", "correct horse battery");
  auto r = s.http().request("POST", "/api/login", loginBody("alice", "correct horse battery"), {},
                            /*chunked=*/true);
  INFO(r.describe());
  CHECK(r.status == 200);
  CHECK(r.json()["user"]["name"] == "alice");
}
