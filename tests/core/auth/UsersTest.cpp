#include "auth/Users.h"

#include "AuthFixture.h"

#include <doctest/doctest.h>

using namespace rdc;

TEST_CASE("users: userNameProblem") {
  CHECK(auth::userNameProblem("alice") == "");
  CHECK(auth::userNameProblem("Bob.Smith_2+test@example.com") == "");
  CHECK(auth::userNameProblem("9lives") == "");
  CHECK(auth::userNameProblem(std::string(64, 'a')) == "");
  CHECK(auth::userNameProblem("") == "User name must not be empty");
  CHECK(auth::userNameProblem(std::string(65, 'a')) ==
        "User name is too long (at most 64 characters)");
  CHECK(auth::userNameProblem("_alice") == "User name must start with a letter or digit");
  CHECK(auth::userNameProblem(".alice") == "User name must start with a letter or digit");
  for (const char *bad : {"al ice", "al/ice", "alice'--", "ålice", "al\nice", "a:b"})
    CHECK(auth::userNameProblem(bad) ==
          "User name may contain only letters A-Z, digits and . _ @ + -");
}

TEST_CASE("users: create, then find by name case-insensitively and by id") {
  test::AuthFixture f;
  CHECK(f.users.count() == 0);
  auto u = f.users.create({"Alice", "password123", true, "Alice A.", "alice@example.com", "n"});
  CHECK(u.id > 0);
  CHECK(u.name == "Alice");
  CHECK(u.isAdmin);
  CHECK(u.status == 1);
  CHECK(u.createdAtMs > 1600000000000);

  for (const char *lookup : {"Alice", "alice", "ALICE"}) {
    auto found = f.users.findByName(lookup);
    REQUIRE(found);
    CHECK(found->id == u.id);
    CHECK(found->name == "Alice"); // spelled as created
    CHECK(found->displayName == "Alice A.");
    CHECK(found->email == "alice@example.com");
    CHECK(found->note == "n");
    CHECK(found->isAdmin);
    CHECK(found->createdAtMs == u.createdAtMs);
  }
  auto byId = f.users.findById(u.id);
  REQUIRE(byId);
  CHECK(byId->name == "Alice");
  CHECK_FALSE(f.users.findByName("bob"));
  CHECK_FALSE(f.users.findById(u.id + 100));
  CHECK(f.users.count() == 1);
}

TEST_CASE("users: a name is taken regardless of case, and the failure changes nothing") {
  test::AuthFixture f;
  f.addUser("alice");
  try {
    f.addUser("ALICE", "different-password");
    FAIL("expected invalid_argument");
  } catch (const std::invalid_argument &e) {
    CHECK(std::string(e.what()) == "User name 'ALICE' is already taken");
  }
  CHECK(f.users.count() == 1);
  CHECK(f.users.checkPassword("alice", "password123"));
}

TEST_CASE("users: bad names and weak passwords are refused with the rule's text") {
  test::AuthFixture f;
  try {
    f.addUser(" alice");
    FAIL("expected invalid_argument");
  } catch (const std::invalid_argument &e) {
    CHECK(std::string(e.what()) == auth::userNameProblem(" alice"));
  }
  try {
    f.addUser("alice", "short");
    FAIL("expected invalid_argument");
  } catch (const std::invalid_argument &e) {
    CHECK(std::string(e.what()) == "Password is too short (at least 8 characters)");
  }
  CHECK(f.users.count() == 0);
}

TEST_CASE("users: the password is stored only as an argon2id hash") {
  test::AuthFixture f;
  f.addUser("alice", "my-secret-pw");
  auto c = f.pool->acquire();
  auto st = c->prepare("SELECT password_hash FROM core_users WHERE name_key = 'alice'");
  REQUIRE(st->step() == db::Step::Row);
  const std::string stored(st->columnText(0));
  CHECK(stored.rfind("$argon2id$", 0) == 0);
  CHECK(stored.find("my-secret-pw") == std::string::npos);
}

TEST_CASE("users: checkPassword") {
  test::AuthFixture f;
  auto u = f.addUser("alice", "password123");
  auto ok = f.users.checkPassword("ALICE", "password123");
  REQUIRE(ok);
  CHECK(ok->id == u.id);
  CHECK_FALSE(f.users.checkPassword("alice", "password124"));
  CHECK_FALSE(f.users.checkPassword("alice", ""));
  CHECK_FALSE(f.users.checkPassword("nobody", "password123"));
  CHECK_FALSE(f.users.checkPassword("", ""));
}

TEST_CASE("users: a user without a password hash cannot log in with any password") {
  test::AuthFixture f;
  f.addUser("alice");
  {
    auto c = f.pool->acquire();
    db::exec(*c, "UPDATE core_users SET password_hash = '' WHERE name_key = 'alice'");
  }
  CHECK_FALSE(f.users.checkPassword("alice", ""));
  CHECK_FALSE(f.users.checkPassword("alice", "password123"));
}

TEST_CASE("users: setPassword replaces the old password") {
  test::AuthFixture f;
  f.addUser("alice", "password123");
  f.users.setPassword("Alice", "new-password-456");
  CHECK_FALSE(f.users.checkPassword("alice", "password123"));
  CHECK(f.users.checkPassword("alice", "new-password-456"));

  CHECK_THROWS_WITH_AS(f.users.setPassword("alice", "short"),
                       "Password is too short (at least 8 characters)", std::invalid_argument);
  CHECK(f.users.checkPassword("alice", "new-password-456"));
  CHECK_THROWS_WITH_AS(f.users.setPassword("nobody", "password123"), "No such user: 'nobody'",
                       std::invalid_argument);
}

TEST_CASE("users: disabling blocks checkPassword, enabling restores it") {
  test::AuthFixture f;
  f.addUser("alice", "password123");
  f.users.setStatus("alice", 0);
  CHECK(f.users.findByName("alice")->status == 0);
  CHECK_FALSE(f.users.checkPassword("alice", "password123"));
  f.users.setStatus("alice", 1);
  CHECK(f.users.checkPassword("alice", "password123"));

  CHECK_THROWS_AS(f.users.setStatus("alice", 7), std::invalid_argument);
  CHECK_THROWS_WITH_AS(f.users.setStatus("nobody", 0), "No such user: 'nobody'",
                       std::invalid_argument);
}

TEST_CASE("users: list is ordered by name, case-insensitively") {
  test::AuthFixture f;
  f.addUser("carol");
  f.addUser("Bob");
  f.addUser("alice", "password123", true);
  auto all = f.users.list();
  REQUIRE(all.size() == 3);
  CHECK(all[0].name == "alice");
  CHECK(all[0].isAdmin);
  CHECK(all[1].name == "Bob");
  CHECK(all[2].name == "carol");
  CHECK_FALSE(all[2].isAdmin);
  CHECK(f.users.count() == 3);
}
