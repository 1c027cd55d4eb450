// Login rate limits: the pure decision logic (no host, no database).
//
// Three fixed windows count failed logins: per (account, client IP) pair, per
// account across all IPs, and per IP across all accounts. The pair limit is
// the tight one, so one user's typos lock out only that user on that address;
// the wider limits stop spraying across accounts or addresses.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace auth {

struct LoginLimits {
  int64_t maxFailuresPerAccountIp = 5; // 0 = no limit
  int64_t maxFailuresPerAccount = 20;  // 0 = no limit
  int64_t maxFailuresPerIp = 30;       // 0 = no limit
  int64_t failureWindowSeconds = 300;
};

// Throws std::invalid_argument naming the config key when a value is unusable.
void validateLimits(const LoginLimits &limits);

// One scope's counter as stored: failures counted in the window that began at
// windowStartMs, and the limit that applies to it.
struct FailureCount {
  int64_t failures = 0;
  int64_t windowStartMs = 0;
  int64_t limit = 0; // 0 = no limit
};

struct LimitDecision {
  bool allowed = true;
  int64_t retryAfterSeconds = 0; // > 0 when not allowed
};

// May another attempt proceed at nowMs, given the failures counted before it?
// A counter whose window has ended counts as zero. When refused,
// retryAfterSeconds is when the longest-blocking window ends (rounded up).
LimitDecision decideLogin(std::span<const FailureCount> counts, int64_t windowMs, int64_t nowMs);

// Counter rows, keyed (scope, subject).
inline constexpr std::string_view kScopeAccountIp = "account_ip";
inline constexpr std::string_view kScopeAccount = "account";
inline constexpr std::string_view kScopeIp = "ip";

struct FailureSubjects {
  std::string accountIp; // "<ip> <account>": an IP never holds a space
  std::string account;   // the user name, ASCII lower-cased
  std::string ip;
};

FailureSubjects failureSubjects(std::string_view username, std::string_view clientIp);

} // namespace auth
