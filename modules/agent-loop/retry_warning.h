// The warnings of a database task that the flusher retries every round. While
// the database refuses it (an outage, a lock held elsewhere) that is once a
// second or more often: a line per attempt would bury everything else in the
// log. The first failure is logged at once, then at most one line per period
// saying how many attempts have failed so far, and one line when the task
// succeeds again, with the count and how long it failed.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace agent {

class RetryWarning {
public:
  using Clock = std::chrono::steady_clock;
  using Sink = std::function<void(std::string_view)>;

  // `task` names what failed in the log lines ("presence flush").
  RetryWarning(std::string task, Clock::duration period, Sink warn, Sink info);
  // An attempt failed with `error`.
  void failed(std::string_view error, Clock::time_point now = Clock::now());
  // An attempt succeeded.
  void succeeded(Clock::time_point now = Clock::now());

private:
  std::string task_;
  Clock::duration period_;
  Sink warn_, info_;
  int64_t failures_ = 0; // since the last success
  Clock::time_point firstFailure_{}, lastLogged_{};
};

// A RetryWarning that logs through the host, repeating at most once a minute.
RetryWarning hostRetryWarning(std::string task);

} // namespace agent
