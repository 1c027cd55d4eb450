// API tokens (core/auth/ApiTokens.cpp, core migration 5) on both engines
// (Engines.h): creation and its refusals, what is stored, verification by
// scope, expiry (with an injected clock), revocation and the use record.
#include "auth/ApiTokens.h"
#include "auth/Tokens.h"

#include "Engines.h"

#include <doctest/doctest.h>

#include <stdexcept>

using namespace rdc;

namespace {

using test::Engine;
using test::migrated;
using test::PgEngine;
using test::SqliteEngine;

constexpr int64_t kDayMs = 86400 * 1000;

// One migrated database and a store whose clock the test moves.
struct Fixture {
  std::unique_ptr<db::Pool> pool;
  int64_t clock = 1700000000000;
  auth::ApiTokenStore store;
  explicit Fixture(Engine &e) : pool(migrated(e)), store(*pool, [this] { return clock; }) {}
  int64_t count(const std::string &sql) { return test::countRows(*pool, sql); }
  int64_t rows() { return count("SELECT COUNT(*) FROM core_api_tokens"); }
};

std::vector<std::string> names(const std::vector<auth::ApiToken> &all) {
  std::vector<std::string> out;
  for (const auto &t : all)
    out.push_back(t.name);
  return out;
}

void createFindAndList(Engine &e) {
  Fixture f(e);
  auto made = f.store.create("  Installer ", {"devices", "devices"});
  CHECK(made.row.id > 0);
  CHECK(made.row.name == "Installer");
  CHECK(made.row.scopes == std::vector<std::string>{"devices"});
  CHECK(made.row.createdAtMs == f.clock);
  CHECK(made.row.expiresAtMs == 0);
  CHECK(made.row.lastUsedAtMs == 0);
  CHECK(made.row.revokedAtMs == 0);
  // "rdcapi_" and 43 base64url characters; two tokens never repeat.
  REQUIRE(made.token.size() == auth::kApiTokenPrefix.size() + 43);
  CHECK(made.token.rfind("rdcapi_", 0) == 0);
  CHECK(auth::isTokenText(made.token.substr(7)));
  auto other = f.store.create("ci", {"devices"}, 30);
  CHECK(other.token != made.token);
  CHECK(other.row.expiresAtMs == f.clock + 30 * kDayMs);

  // Only the SHA-256 is stored; the token itself is nowhere in the table.
  CHECK(f.count("SELECT COUNT(*) FROM core_api_tokens WHERE token_hash = '" +
                auth::tokenHash(made.token) + "'") == 1);
  CHECK(f.count("SELECT COUNT(*) FROM core_api_tokens WHERE token_hash = '" + made.token +
                "' OR name = '" + made.token + "' OR scopes = '" + made.token + "'") == 0);

  for (const char *lookup : {"Installer", "installer", " INSTALLER\t"}) {
    CAPTURE(lookup);
    auto t = f.store.findByName(lookup);
    REQUIRE(t);
    CHECK(t->id == made.row.id);
    CHECK(t->name == "Installer");
    CHECK(t->scopes == std::vector<std::string>{"devices"});
  }
  CHECK_FALSE(f.store.findByName("install"));

  // Ordered by name without regard to case.
  f.store.create("b-team", {"devices"});
  f.store.create("A-team", {"devices"});
  CHECK(names(f.store.list()) == std::vector<std::string>{"A-team", "b-team", "ci", "Installer"});
  auto listed = f.store.list();
  CHECK(listed[2].expiresAtMs == f.clock + 30 * kDayMs);
  CHECK(listed[2].createdAtMs == f.clock);
}

void refusalsChangeNothing(Engine &e) {
  Fixture f(e);
  f.store.create("installer", {"devices"});
  CHECK_THROWS_WITH_AS(f.store.create("INSTALLER", {"devices"}),
                       "API token name 'INSTALLER' is already taken", std::invalid_argument);
  CHECK_THROWS_WITH_AS(f.store.create(" \t", {"devices"}), "API token name must not be empty",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(f.store.create(std::string(65, 't'), {"devices"}),
                       "API token name is too long (at most 64 characters)", std::invalid_argument);
  CHECK_THROWS_WITH_AS(f.store.create("a\nb", {"devices"}),
                       "API token name must not contain control characters", std::invalid_argument);
  CHECK_THROWS_WITH_AS(f.store.create("x", {}),
                       "an API token needs at least one scope (known scopes: devices)",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(f.store.create("x", {"devices", "admin"}),
                       "unknown scope 'admin' (known scopes: devices)", std::invalid_argument);
  CHECK_THROWS_WITH_AS(f.store.create("x", {"Devices"}),
                       "unknown scope 'Devices' (known scopes: devices)", std::invalid_argument);
  for (int64_t days : {int64_t{0}, int64_t{-1}, auth::kMaxApiTokenDays + 1}) {
    CAPTURE(days);
    CHECK_THROWS_WITH_AS(
        f.store.create("x", {"devices"}, days),
        "an API token expires after 1 to 3650 days (leave the expiry out for one that never "
        "expires)",
        std::invalid_argument);
  }
  CHECK(f.rows() == 1);
  // The limits themselves are fine.
  CHECK(f.store.create("x", {"devices"}, auth::kMaxApiTokenDays).row.expiresAtMs ==
        f.clock + auth::kMaxApiTokenDays * kDayMs);
  CHECK(f.store.create(std::string(64, 't'), {"devices"}, 1).row.name == std::string(64, 't'));
  CHECK(f.rows() == 3);
}

void verifyByScopeAndRecordUse(Engine &e) {
  Fixture f(e);
  auto made = f.store.create("installer", {"devices"});
  const int64_t created = f.clock;
  f.clock += 5000;
  auto who = f.store.verify(made.token, "devices");
  REQUIRE(who);
  CHECK(who->id == made.row.id);
  CHECK(who->name == "installer");
  CHECK(f.store.findByName("installer")->lastUsedAtMs == created + 5000);

  // A scope the token lacks: refused, and not recorded as a use.
  f.clock += 5000;
  CHECK_FALSE(f.store.verify(made.token, "audit"));
  CHECK_FALSE(f.store.verify(made.token, ""));
  CHECK(f.store.findByName("installer")->lastUsedAtMs == created + 5000);

  // Text that is not this token.
  const std::string body = made.token.substr(7);
  std::string flipped = made.token;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  for (const std::string &bad :
       {std::string(), body, "Bearer " + made.token, made.token + "x", made.token.substr(0, 49),
        flipped, "rdcapi_" + std::string(43, '!'), "RDCAPI_" + body}) {
    CAPTURE(bad);
    CHECK_FALSE(f.store.verify(bad, "devices"));
  }
  CHECK(f.store.findByName("installer")->lastUsedAtMs == created + 5000);
}

void expiryAndRevocation(Engine &e) {
  Fixture f(e);
  auto day = f.store.create("one-day", {"devices"}, 1);
  auto forever = f.store.create("forever", {"devices"});
  const int64_t expiry = f.clock + kDayMs;

  f.clock = expiry - 1;
  CHECK(f.store.verify(day.token, "devices"));
  f.clock = expiry; // expires_at is the first moment it is refused
  CHECK_FALSE(f.store.verify(day.token, "devices"));
  CHECK(f.store.findByName("one-day")->lastUsedAtMs == expiry - 1);
  f.clock += 100 * kDayMs;
  CHECK(f.store.verify(forever.token, "devices"));

  // Revoked: refused at once, stays listed with the time; revoking again
  // says it already was. An expired token can still be revoked.
  CHECK(f.store.revoke(forever.row.id));
  CHECK_FALSE(f.store.verify(forever.token, "devices"));
  CHECK(f.store.findByName("forever")->revokedAtMs == f.clock);
  f.clock += 1000;
  CHECK_FALSE(f.store.revoke(forever.row.id));
  CHECK(f.store.findByName("forever")->revokedAtMs == f.clock - 1000);
  CHECK(f.store.revoke(day.row.id));
  CHECK_FALSE(f.store.revoke(day.row.id + forever.row.id + 100)); // no such id
  CHECK(f.rows() == 2);
  // A revoked token keeps its name.
  CHECK_THROWS_WITH_AS(f.store.create("Forever", {"devices"}),
                       "API token name 'Forever' is already taken (by a revoked token)",
                       std::invalid_argument);
}

} // namespace

TEST_CASE("api tokens: create, find in any case, list by name; only the hash is stored") {
  SqliteEngine e;
  createFindAndList(e);
}

TEST_CASE("api tokens: bad names, scopes and expiries are refused and change nothing") {
  SqliteEngine e;
  refusalsChangeNothing(e);
}

TEST_CASE("api tokens: verify checks the scope and records the use; other text is refused") {
  SqliteEngine e;
  verifyByScopeAndRecordUse(e);
}

TEST_CASE("api tokens: an expired or revoked token is refused") {
  SqliteEngine e;
  expiryAndRevocation(e);
}

TEST_CASE("api tokens: the known scopes") {
  REQUIRE(auth::apiScopes().size() == 1);
  CHECK(auth::apiScopes()[0].name == "devices");
  CHECK(auth::apiScopes()[0].description.find("rustdesk --assign") != std::string_view::npos);
  CHECK(auth::apiScopeNames() == "devices");
}

TEST_SUITE("postgres") {
  TEST_CASE("postgres api tokens: create, find, list; only the hash is stored" *
            doctest::skip(test::noPgServer())) {
    PgEngine e;
    createFindAndList(e);
  }

  TEST_CASE("postgres api tokens: bad names, scopes and expiries change nothing" *
            doctest::skip(test::noPgServer())) {
    PgEngine e;
    refusalsChangeNothing(e);
  }

  TEST_CASE("postgres api tokens: verify checks the scope and records the use" *
            doctest::skip(test::noPgServer())) {
    PgEngine e;
    verifyByScopeAndRecordUse(e);
  }

  TEST_CASE("postgres api tokens: an expired or revoked token is refused" *
            doctest::skip(test::noPgServer())) {
    PgEngine e;
    expiryAndRevocation(e);
  }
} // TEST_SUITE("postgres")
