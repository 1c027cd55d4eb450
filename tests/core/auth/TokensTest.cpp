#include "auth/Tokens.h"

#include "AuthFixture.h"

#include <doctest/doctest.h>

#include <chrono>
#include <set>
#include <thread>

using namespace rdc;
using namespace std::chrono_literals;

namespace {

struct TokenFixture : test::AuthFixture {
  auth::TokenService tokens{*pool, users, 3600s, 60s};

  int64_t rowCount(const std::string &sql) {
    auto c = pool->acquire();
    auto st = c->prepare(sql);
    REQUIRE(st->step() == db::Step::Row);
    return st->columnInt(0);
  }
  void sql(const std::string &text) {
    auto c = pool->acquire();
    db::exec(*c, text);
  }
};

auth::TokenBinding bindingFor(const auth::User &u) {
  return {u.id, "123456789", "uuid-1", "linux", "laptop", "192.0.2.7"};
}

} // namespace

TEST_CASE("tokens: issue then verify resolves to the user and device") {
  TokenFixture f;
  auto alice = f.addUser("alice", "password123", true);
  const auto token = f.tokens.issue(bindingFor(alice));
  CHECK(token.size() == 43);
  CHECK(
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
      std::string::npos);

  auto p = f.tokens.verify(token);
  REQUIRE(p);
  CHECK(p->tokenId > 0);
  CHECK(p->user.id == alice.id);
  CHECK(p->user.name == "alice");
  CHECK(p->user.isAdmin);
  CHECK(p->deviceId == "123456789");
  CHECK(p->deviceUuid == "uuid-1");
  const auto nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  CHECK(p->expiresAtMs > nowMs + 3500 * 1000);
  CHECK(p->expiresAtMs <= nowMs + 3600 * 1000);
}

TEST_CASE("tokens: every issue gives a distinct token") {
  TokenFixture f;
  auto alice = f.addUser("alice");
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i)
    seen.insert(f.tokens.issue(bindingFor(alice)));
  CHECK(seen.size() == 50);
}

TEST_CASE("tokens: only the SHA-256 of a token is stored") {
  TokenFixture f;
  auto alice = f.addUser("alice");
  const auto token = f.tokens.issue(bindingFor(alice));
  auto c = f.pool->acquire();
  auto st = c->prepare("SELECT * FROM core_tokens");
  int rows = 0;
  while (st->step() == db::Step::Row) {
    ++rows;
    for (int col = 0; col < st->columnCount(); ++col)
      CHECK(std::string(st->columnText(col)).find(token) == std::string::npos);
  }
  CHECK(rows == 1);
  auto byHash = c->prepare("SELECT count(*) FROM core_tokens WHERE token_hash = ?");
  byHash->bindText(1, auth::tokenHash(token));
  REQUIRE(byHash->step() == db::Step::Row);
  CHECK(byHash->columnInt(0) == 1);
  CHECK(auth::tokenHash(token).size() == 64);
}

TEST_CASE("tokens: malformed and unknown tokens are rejected") {
  TokenFixture f;
  auto alice = f.addUser("alice");
  const auto token = f.tokens.issue(bindingFor(alice));
  CHECK_FALSE(f.tokens.verify(""));
  CHECK_FALSE(f.tokens.verify(token.substr(0, 42)));
  CHECK_FALSE(f.tokens.verify(token + "A"));
  CHECK_FALSE(f.tokens.verify(std::string(42, 'A') + "="));
  CHECK_FALSE(f.tokens.verify(std::string(42, 'A') + "+"));
  CHECK_FALSE(f.tokens.verify(std::string(42, 'A') + std::string(1, '\0')));
  CHECK_FALSE(f.tokens.verify(std::string(43, 'A'))); // well-formed, never issued
  CHECK_FALSE(f.tokens.revoke("garbage"));
  CHECK(f.tokens.verify(token)); // the real one still works
}

TEST_CASE("tokens: revoke takes effect at once on this instance") {
  TokenFixture f;
  auto alice = f.addUser("alice");
  const auto token = f.tokens.issue(bindingFor(alice));
  REQUIRE(f.tokens.verify(token)); // now cached
  CHECK(f.tokens.revoke(token));
  CHECK_FALSE(f.tokens.verify(token));
  CHECK_FALSE(f.tokens.revoke(token)); // already revoked
}

TEST_CASE("tokens: an expired token does not verify") {
  TokenFixture f;
  auto alice = f.addUser("alice");
  const auto token = f.tokens.issue(bindingFor(alice));
  f.sql("UPDATE core_tokens SET expires_at = 1000");
  CHECK_FALSE(f.tokens.verify(token));
  CHECK_FALSE(f.tokens.revoke(token)); // not live, nothing to revoke
}

TEST_CASE("tokens: a cached verification never outlives the token's expiry") {
  TokenFixture f;
  auto alice = f.addUser("alice");
  // Lifetime 1 s, cache 60 s: the cache entry must lapse with the token.
  const auto token = f.tokens.issue(bindingFor(alice), 1s);
  REQUIRE(f.tokens.verify(token));
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  bool rejected = false;
  while (!rejected && std::chrono::steady_clock::now() < deadline) {
    rejected = !f.tokens.verify(token);
    if (!rejected)
      std::this_thread::sleep_for(20ms); // polling interval, bounded by the deadline
  }
  CHECK(rejected);
}

TEST_CASE("tokens: revokeAllOf revokes every live token of that user only") {
  TokenFixture f;
  auto alice = f.addUser("alice");
  auto bob = f.addUser("bob");
  const auto a1 = f.tokens.issue(bindingFor(alice));
  const auto a2 = f.tokens.issue(bindingFor(alice));
  const auto b1 = f.tokens.issue(bindingFor(bob));
  REQUIRE(f.tokens.verify(a1));
  CHECK(f.tokens.revokeAllOf(alice.id) == 2);
  CHECK_FALSE(f.tokens.verify(a1));
  CHECK_FALSE(f.tokens.verify(a2));
  CHECK(f.tokens.verify(b1));
  CHECK(f.tokens.revokeAllOf(alice.id) == 0);
}

TEST_CASE("tokens: a disabled user's token is rejected once the user is forgotten") {
  TokenFixture f;
  auto alice = f.addUser("alice");
  const auto token = f.tokens.issue(bindingFor(alice));
  REQUIRE(f.tokens.verify(token)); // cached for up to 60 s
  f.users.setStatus("alice", 0);
  f.tokens.forgetUser(alice.id);
  CHECK_FALSE(f.tokens.verify(token));
  f.users.setStatus("alice", 1);
  f.tokens.forgetUser(alice.id);
  auto p = f.tokens.verify(token);
  REQUIRE(p);
  CHECK(p->user.status == 1);
}

TEST_CASE("tokens: without caching, a change made elsewhere is seen at once") {
  test::AuthFixture f;
  auth::TokenService tokens(*f.pool, f.users, 3600s, 0s);
  auto alice = f.addUser("alice");
  const auto token = tokens.issue(bindingFor(alice));
  REQUIRE(tokens.verify(token));
  { // another instance disables the user: no local eviction happens
    auto c = f.pool->acquire();
    db::exec(*c, "UPDATE core_users SET display_name = 'Alice A.', status = 0");
  }
  CHECK_FALSE(tokens.verify(token));
}

TEST_CASE("tokens: the principal carries the current user row") {
  TokenFixture f;
  auto alice = f.addUser("alice");
  const auto token = f.tokens.issue(bindingFor(alice));
  f.sql("UPDATE core_users SET display_name = 'Alice A.', is_admin = 1");
  auto p = f.tokens.verify(token); // first verification: read fresh
  REQUIRE(p);
  CHECK(p->user.displayName == "Alice A.");
  CHECK(p->user.isAdmin);
}

TEST_CASE("tokens: issuing for an unknown or disabled user is refused") {
  TokenFixture f;
  auto alice = f.addUser("alice");
  auth::TokenBinding ghost = bindingFor(alice);
  ghost.userId = alice.id + 100;
  CHECK_THROWS_AS(f.tokens.issue(ghost), std::invalid_argument);
  f.users.setStatus("alice", 0);
  CHECK_THROWS_AS(f.tokens.issue(bindingFor(alice)), std::invalid_argument);
  CHECK(f.rowCount("SELECT count(*) FROM core_tokens") == 0);
  CHECK_THROWS_AS(f.tokens.issue(bindingFor(alice), -5s), std::invalid_argument);
}

TEST_CASE("tokens: purgeExpired deletes dead rows and keeps live ones") {
  TokenFixture f;
  auto alice = f.addUser("alice");
  const auto live = f.tokens.issue(bindingFor(alice));
  const auto revoked = f.tokens.issue(bindingFor(alice));
  const auto expired = f.tokens.issue(bindingFor(alice));
  f.tokens.revoke(revoked);
  f.sql("UPDATE core_tokens SET expires_at = 1000 WHERE token_hash = '" + auth::tokenHash(expired) +
        "'");
  CHECK(f.tokens.purgeExpired() == 2);
  CHECK(f.rowCount("SELECT count(*) FROM core_tokens") == 1);
  CHECK(f.tokens.verify(live));
}

TEST_CASE("tokens: concurrent verification from several threads") {
  TokenFixture f;
  auto alice = f.addUser("alice");
  std::vector<std::string> toks;
  for (int i = 0; i < 8; ++i)
    toks.push_back(f.tokens.issue(bindingFor(alice)));
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int round = 0; round < 25; ++round)
        for (const auto &tok : toks)
          if (f.tokens.verify(tok))
            ++ok;
    });
  for (auto &t : threads)
    t.join();
  CHECK(ok == 4 * 25 * 8);
}
