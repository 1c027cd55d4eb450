#include "login_limits.h"

#include <algorithm>
#include <stdexcept>

namespace auth {

namespace {
// Keeps window arithmetic in milliseconds far from int64 overflow.
constexpr int64_t kMaxWindowSeconds = int64_t{365} * 24 * 3600;
} // namespace

void validateLimits(const LoginLimits &limits) {
  auto nonNegative = [](int64_t v, const char *key) {
    if (v < 0)
      throw std::invalid_argument(std::string("auth.") + key +
                                  " must be 0 (no limit) or a positive number");
  };
  nonNegative(limits.maxFailuresPerAccountIp, "max_failures_per_account_ip");
  nonNegative(limits.maxFailuresPerAccount, "max_failures_per_account");
  nonNegative(limits.maxFailuresPerIp, "max_failures_per_ip");
  if (limits.failureWindowSeconds < 1 || limits.failureWindowSeconds > kMaxWindowSeconds)
    throw std::invalid_argument("auth.failure_window_seconds must be between 1 and " +
                                std::to_string(kMaxWindowSeconds));
}

LimitDecision decideLogin(std::span<const FailureCount> counts, int64_t windowMs, int64_t nowMs) {
  LimitDecision d;
  for (const FailureCount &c : counts) {
    if (c.limit <= 0 || c.failures < c.limit)
      continue;
    const int64_t windowEndMs = c.windowStartMs + windowMs;
    if (nowMs >= windowEndMs)
      continue; // that window is over; the counter starts afresh
    const int64_t waitSeconds = (windowEndMs - nowMs + 999) / 1000;
    d.allowed = false;
    d.retryAfterSeconds = std::max(d.retryAfterSeconds, waitSeconds);
  }
  return d;
}

FailureSubjects failureSubjects(std::string_view username, std::string_view clientIp) {
  std::string account(username);
  // ASCII only: a locale-dependent fold would make the key differ between
  // servers sharing one database.
  std::transform(account.begin(), account.end(), account.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  });
  FailureSubjects s;
  s.accountIp = std::string(clientIp) + " " + account;
  s.account = std::move(account);
  s.ip = std::string(clientIp);
  return s;
}

} // namespace auth
