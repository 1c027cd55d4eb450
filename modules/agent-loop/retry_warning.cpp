#include "retry_warning.h"

#include <rdconsole/sdk.hpp>

#include <utility>

namespace agent {
namespace {
std::string seconds(RetryWarning::Clock::duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

std::string attempts(int64_t n) {
  return std::to_string(n) + (n == 1 ? " attempt" : " attempts");
}
} // namespace

RetryWarning::RetryWarning(std::string task, Clock::duration period, Sink warn, Sink info)
    : task_(std::move(task)), period_(period), warn_(std::move(warn)), info_(std::move(info)) {}

void RetryWarning::failed(std::string_view error, Clock::time_point now) {
  if (failures_++ == 0) {
    firstFailure_ = lastLogged_ = now;
    warn_(task_ + " failed, retrying: " + std::string(error));
    return;
  }
  if (now - lastLogged_ < period_)
    return;
  lastLogged_ = now;
  warn_(task_ + " still failing: " + attempts(failures_) + " in the last " +
        seconds(now - firstFailure_) + ", retrying: " + std::string(error));
}

void RetryWarning::succeeded(Clock::time_point now) {
  if (failures_ == 0)
    return;
  info_(task_ + " succeeded again after " + attempts(failures_) + " failed in " +
        seconds(now - firstFailure_));
  failures_ = 0;
}

RetryWarning hostRetryWarning(std::string task) {
  return RetryWarning(
      std::move(task), std::chrono::minutes(1), [](std::string_view m) { rdc::logWarn(m); },
      [](std::string_view m) { rdc::logInfo(m); });
}

} // namespace agent
