// The auth module's rate-limit decision (modules/auth/login_limits.cpp).
#include "login_limits.h"

#include <doctest/doctest.h>

#include <stdexcept>
#include <vector>

using auth::FailureCount;

namespace {
constexpr int64_t kWindowMs = 300'000;
constexpr int64_t kNow = 1'800'000'000'000; // some epoch-ms instant

auth::LimitDecision decide(std::vector<FailureCount> counts, int64_t now = kNow) {
  return auth::decideLogin(counts, kWindowMs, now);
}
} // namespace

TEST_CASE("attempts below every limit are allowed") {
  const auto d = decide({{4, kNow - 1000, 5}, {19, kNow - 1000, 20}, {29, kNow, 30}});
  CHECK(d.allowed);
  CHECK(d.retryAfterSeconds == 0);
  CHECK(decide({}).allowed);
}

TEST_CASE("a full counter refuses until its window ends (rounded up)") {
  // Window started 100 s ago: 200 s left.
  auto d = decide({{5, kNow - 100'000, 5}});
  CHECK_FALSE(d.allowed);
  CHECK(d.retryAfterSeconds == 200);
  // 1 ms left still means "wait a second", never "wait 0 seconds".
  d = decide({{5, kNow - kWindowMs + 1, 5}});
  CHECK_FALSE(d.allowed);
  CHECK(d.retryAfterSeconds == 1);
  d = decide({{7, kNow - kWindowMs + 1500, 5}});
  CHECK(d.retryAfterSeconds == 2);
}

TEST_CASE("a counter whose window has ended no longer blocks") {
  CHECK(decide({{5, kNow - kWindowMs, 5}}).allowed);
  CHECK(decide({{500, kNow - 10 * kWindowMs, 5}}).allowed);
}

TEST_CASE("limit 0 means no limit") {
  CHECK(decide({{1'000'000, kNow, 0}}).allowed);
}

TEST_CASE("any full scope refuses and the longest wait is reported") {
  // Pair and account fine, IP full (e.g. a NAT address under attack).
  auto d = decide({{0, kNow, 5}, {3, kNow, 20}, {30, kNow - 60'000, 30}});
  CHECK_FALSE(d.allowed);
  CHECK(d.retryAfterSeconds == 240);
  d = decide({{5, kNow - 250'000, 5}, {20, kNow - 10'000, 20}, {0, kNow, 30}});
  CHECK_FALSE(d.allowed);
  CHECK(d.retryAfterSeconds == 290);
}

TEST_CASE("failure subjects: pair and account are per user and the IP is shared") {
  const auto alice = auth::failureSubjects("Alice", "10.0.0.7");
  const auto bob = auth::failureSubjects("bob", "10.0.0.7");
  CHECK(alice.accountIp == "10.0.0.7 alice");
  CHECK(alice.account == "alice");
  CHECK(alice.ip == "10.0.0.7");
  // Alice's typos fill her own pair counter, not Bob's.
  CHECK(alice.accountIp != bob.accountIp);
  CHECK(alice.account != bob.account);
  CHECK(alice.ip == bob.ip);
  // Case variants of one name share counters; non-ASCII bytes are kept as-is.
  CHECK(auth::failureSubjects("ALICE", "::1").account == "alice");
  CHECK(auth::failureSubjects("\xc3\x84x", "::1").account == "\xc3\x84x");
  CHECK(auth::failureSubjects("a b", "::1").accountIp == "::1 a b");
}

TEST_CASE("limit settings are validated") {
  CHECK_NOTHROW(auth::validateLimits(auth::LoginLimits{}));
  CHECK_NOTHROW(auth::validateLimits(auth::LoginLimits{0, 0, 0, 1}));
  auth::LoginLimits l;
  l.maxFailuresPerAccount = -1;
  CHECK_THROWS_WITH_AS(auth::validateLimits(l),
                       "auth.max_failures_per_account must be 0 (no limit) or "
                       "a positive number",
                       std::invalid_argument);
  l = {};
  l.failureWindowSeconds = 0;
  CHECK_THROWS_AS(auth::validateLimits(l), std::invalid_argument);
  l.failureWindowSeconds = 365 * 24 * 3600 + 1;
  CHECK_THROWS_AS(auth::validateLimits(l), std::invalid_argument);
  l.failureWindowSeconds = 365 * 24 * 3600;
  CHECK_NOTHROW(auth::validateLimits(l));
}
