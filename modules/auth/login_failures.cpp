#include "login_failures.h"

#include <atomic>
#include <string_view>
#include <utility>

namespace auth {

namespace {

// A counter whose window started at or before `cutoff` (= now - window) has
// expired: the upsert restarts it at 1 with a new window.
constexpr std::string_view kReserveSql =
    "INSERT INTO auth_login_failures (scope, subject, failures, window_start) "
    "VALUES (?, ?, 1, ?), (?, ?, 1, ?), (?, ?, 1, ?) "
    "ON CONFLICT (scope, subject) DO UPDATE SET "
    "failures = CASE WHEN auth_login_failures.window_start <= ? THEN 1 "
    "ELSE auth_login_failures.failures + 1 END, "
    "window_start = CASE WHEN auth_login_failures.window_start <= ? THEN ? "
    "ELSE auth_login_failures.window_start END "
    "RETURNING scope, failures, window_start";

// Gives a slot back only while its window is the one it was taken in.
constexpr std::string_view kReleaseSql =
    "UPDATE auth_login_failures SET failures = failures - 1 "
    "WHERE failures > 0 AND scope = ? AND subject = ? AND window_start = ?";

constexpr std::string_view kDeleteSql =
    "DELETE FROM auth_login_failures WHERE scope = ? AND subject = ?";

constexpr std::string_view kPurgeSql = "DELETE FROM auth_login_failures WHERE window_start <= ?";

constexpr int64_t kPurgeIntervalMs = 60'000;

int scopeIndex(std::string_view scope) {
  if (scope == kScopeAccountIp)
    return 0;
  if (scope == kScopeAccount)
    return 1;
  if (scope == kScopeIp)
    return 2;
  return -1;
}

std::string_view subjectAt(const Reservation &r, int i) {
  return i == 0 ? r.subjects.accountIp : (i == 1 ? r.subjects.account : r.subjects.ip);
}
std::string_view scopeAt(int i) {
  return i == 0 ? kScopeAccountIp : (i == 1 ? kScopeAccount : kScopeIp);
}

void release(rdc::Db &db, const Reservation &r, int i) {
  db.exec(kReleaseSql, scopeAt(i), subjectAt(r, i), r.before[i].windowStartMs);
}

} // namespace

Reservation reserveAttempt(rdc::Db &db, FailureSubjects subjects, const LoginLimits &limits,
                           int64_t nowMs) {
  Reservation r;
  r.subjects = std::move(subjects);
  r.before[0].limit = limits.maxFailuresPerAccountIp;
  r.before[1].limit = limits.maxFailuresPerAccount;
  r.before[2].limit = limits.maxFailuresPerIp;

  const int64_t cutoff = nowMs - limits.failureWindowSeconds * 1000;
  rdc::Stmt st = db.prepare(kReserveSql);
  st.bindAll(kScopeAccountIp, r.subjects.accountIp, nowMs, kScopeAccount, r.subjects.account, nowMs,
             kScopeIp, r.subjects.ip, nowMs, cutoff, cutoff, nowMs);
  while (st.step()) {
    const int i = scopeIndex(st.getView(0));
    if (i < 0)
      continue;
    // The upsert already counted this attempt; the decision needs the count
    // before it.
    r.before[i].failures = st.getInt(1) - 1;
    r.before[i].windowStartMs = st.getInt(2);
  }
  return r;
}

void releaseAttempt(rdc::Db &db, const Reservation &r) {
  rdc::Transaction tx(db);
  for (int i = 0; i < 3; ++i)
    release(db, r, i);
  tx.commit();
}

void recordSuccess(rdc::Db &db, const Reservation &r) {
  rdc::Transaction tx(db);
  db.exec(kDeleteSql, kScopeAccountIp, r.subjects.accountIp);
  release(db, r, 1);
  release(db, r, 2);
  tx.commit();
}

void purgeExpiredFailures(rdc::Db &db, int64_t windowMs, int64_t nowMs) {
  static std::atomic<int64_t> nextPurgeMs{0};
  int64_t due = nextPurgeMs.load();
  if (nowMs < due || !nextPurgeMs.compare_exchange_strong(due, nowMs + kPurgeIntervalMs))
    return; // not yet, or another thread just took this turn
  db.exec(kPurgeSql, nowMs - windowMs);
}

} // namespace auth
