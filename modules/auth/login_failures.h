// Login failure counters in table auth_login_failures (scope, subject,
// failures, window_start), shared by every server on the same database.
//
// An attempt first *reserves* a slot: one atomic upsert counts it in all three
// scopes and reads the counters back. So concurrent guesses cannot all pass
// the check before any of them is counted. The reservation then becomes a
// failure (wrong password: nothing more to do), is given back (refused by a
// limit), or is cleared (success: the pair's counter is removed).
#pragma once

#include "login_limits.h"

#include <rdconsole/sdk.hpp>

#include <array>
#include <cstdint>

namespace auth {

struct Reservation {
  FailureSubjects subjects;
  // Per scope (account_ip, account, ip): failures counted BEFORE this attempt
  // and the window they belong to, ready for decideLogin().
  std::array<FailureCount, 3> before{};
};

Reservation reserveAttempt(rdc::Db &db, FailureSubjects subjects, const LoginLimits &limits,
                           int64_t nowMs);

// The attempt was refused by a limit: it must not count as a failure.
void releaseAttempt(rdc::Db &db, const Reservation &r);

// The password was right: forget the pair's failures and give back the
// account and IP slots this attempt took.
void recordSuccess(rdc::Db &db, const Reservation &r);

// Deletes counters whose window ended before nowMs - windowMs, at most once
// a minute per process (keeps the table from growing with guessed names).
void purgeExpiredFailures(rdc::Db &db, int64_t windowMs, int64_t nowMs);

} // namespace auth
