// Tokens after login: currentUser (S1/S6) and logout (S7).
#include "harness/Accounts.h"
#include "harness/JsonChecks.h"
#include "harness/Poll.h"

#include <doctest/doctest.h>

using namespace harness;

TEST_CASE("currentUser: S6 with a valid token returns the user object") {
  TestServer s;
  s.start();
  addUser(s, "alice", "correct horse battery", {"--display-name", "Alice"});
  std::string token = loginToken(s, "alice", "correct horse battery");

  auto r = currentUser(s, token);
  INFO(r.describe());
  REQUIRE(r.status == 200);
  CHECK(r.header("Content-Type").value_or("") == kJsonContentType);
  auto j = r.json();
  CHECK_FALSE(hasKeyAnywhere(j, "error"));
  CHECK_FALSE(hasNullAnywhere(j));
  CHECK(j["name"] == "alice");
  CHECK(j["display_name"] == "Alice");
  CHECK(j["avatar"].is_string());
  CHECK(j["email"].is_string());
  CHECK(j["note"].is_string());
  CHECK(j["status"] == 1);
  CHECK(j["is_admin"] == false);
  CHECK(j["info"].is_object());

  // An empty body is allowed too.
  auto empty = s.http().post("/api/currentUser", "", bearer(token));
  CHECK(empty.status == 200);
  CHECK(empty.json()["name"] == "alice");
}

TEST_CASE("currentUser: missing garbage and empty tokens answer 401") {
  TestServer s;
  s.start();
  addUser(s, "alice", "correct horse battery");
  std::string token = loginToken(s, "alice", "correct horse battery");

  expectError(s.http().post("/api/currentUser", deviceBody()), 401, "Authentication required");
  expectError(s.http().post("/api/currentUser", deviceBody(), bearer("garbage-token")), 401,
              "Invalid or expired token");
  // The client sends "Bearer " with nothing after it when it has no token.
  expectError(s.http().post("/api/currentUser", deviceBody(), {{"Authorization", "Bearer "}}), 401);
  // A token with one character changed is not accepted.
  std::string forged = token;
  forged[0] = forged[0] == 'A' ? 'B' : 'A';
  expectError(currentUser(s, forged), 401, "Invalid or expired token");
  // None of that affected the real token.
  CHECK(currentUser(s, token).status == 200);
}

TEST_CASE("currentUser: a token presented by another device answers 401") {
  TestServer s;
  s.start();
  addUser(s, "alice", "correct horse battery");
  std::string token = loginToken(s, "alice", "correct horse battery");
  expectError(currentUser(s, token, deviceBody("b3RoZXItbWFjaGluZS1pZAo=")), 401,
              "Token was issued to another device");
  CHECK(currentUser(s, token).status == 200);
}

TEST_CASE("currentUser: a malformed body with a valid token answers 400") {
  TestServer s;
  s.start();
  addUser(s, "alice", "correct horse battery");
  std::string token = loginToken(s, "alice", "correct horse battery");
  expectError(currentUser(s, token, "{not json"), 400);
  expectError(currentUser(s, token, R"({"uuid": 5})"), 400);
  CHECK(currentUser(s, token).status == 200);
}

TEST_CASE("logout: S7 revokes only the presented token") {
  TestServer s;
  s.start();
  addUser(s, "alice", "correct horse battery");
  std::string token = loginToken(s, "alice", "correct horse battery");
  std::string other = loginToken(s, "alice", "correct horse battery");
  REQUIRE(currentUser(s, token).status == 200);

  auto out = s.http().post("/api/logout", deviceBody(), bearer(token));
  INFO(out.describe());
  CHECK(out.status == 200);
  CHECK(out.body.empty());

  expectError(currentUser(s, token), 401);
  expectError(s.http().post("/api/logout", deviceBody(), bearer(token)), 401);
  // The same user's other session is untouched.
  CHECK(currentUser(s, other).status == 200);
}

TEST_CASE("currentUser: an expired token answers 401") {
  TestServer s(ServerOptions().set("identity.token_lifetime_seconds=1"));
  s.start();
  addUser(s, "alice", "correct horse battery");
  std::string token = loginToken(s, "alice", "correct horse battery");
  auto first = currentUser(s, token);
  INFO("right after login: " << first.describe());
  REQUIRE(first.status == 200);
  HttpResponse last;
  bool expired = pollUntil(
      std::chrono::seconds(20),
      [&] {
        last = currentUser(s, token);
        return last.status != 200;
      },
      std::chrono::milliseconds(200));
  INFO(last.describe());
  CHECK(expired);
  expectError(last, 401);
}
