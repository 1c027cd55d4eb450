// Failed-login limits per (account, IP): one user's typos never lock out
// another user behind the same NAT address.
#include "harness/Accounts.h"
#include "harness/JsonChecks.h"

#include <doctest/doctest.h>

using namespace harness;

TEST_CASE("rate limit: 5 failures lock that account from this IP but not other users") {
  TestServer s;
  s.start();
  addUser(s, "alice", "correct horse battery");
  addUser(s, "bob", "bobs long password");

  for (int i = 1; i <= 5; ++i) {
    INFO("failure " << i);
    expectError(login(s, "alice", "typo " + std::to_string(i)), 401, "Wrong credentials");
  }

  // Now locked, even with the right password (checked before the password).
  auto locked = login(s, "alice", "correct horse battery");
  std::string msg = expectError(locked, 429);
  INFO(locked.describe());
  REQUIRE(locked.header("Retry-After").has_value());
  int retryAfter = std::stoi(*locked.header("Retry-After"));
  CHECK(retryAfter > 0);
  CHECK(retryAfter <= 300);
  CHECK(msg ==
        "Too many failed login attempts; try again in " + std::to_string(retryAfter) + " seconds");
  // The limit is on the lower-cased name.
  expectError(login(s, "ALICE", "correct horse battery"), 429);

  // bob, from the same IP, is not affected.
  auto bob = login(s, "bob", "bobs long password");
  INFO(bob.describe());
  CHECK(bob.status == 200);
  // ...and neither are bob's own failures counted against alice or vice versa.
  expectError(login(s, "bob", "bob typo"), 401, "Wrong credentials");
  CHECK(login(s, "bob", "bobs long password").status == 200);
}

TEST_CASE("rate limit: a success clears the failures of that account") {
  TestServer s;
  s.start();
  addUser(s, "alice", "correct horse battery");
  for (int i = 0; i < 4; ++i)
    expectError(login(s, "alice", "typo"), 401, "Wrong credentials");
  REQUIRE(login(s, "alice", "correct horse battery").status == 200);
  // Four more failures are allowed again before the lock.
  for (int i = 0; i < 4; ++i)
    expectError(login(s, "alice", "typo"), 401, "Wrong credentials");
  CHECK(login(s, "alice", "correct horse battery").status == 200);
}
