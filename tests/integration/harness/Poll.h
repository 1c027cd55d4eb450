// Bounded polling: tests wait for a condition with a deadline, never sleep blindly.
#pragma once

#include <chrono>
#include <thread>

namespace harness {

// Calls `done()` until it returns true or `timeout` passes; returns the last result.
template <class F>
bool pollUntil(std::chrono::milliseconds timeout, F &&done,
               std::chrono::milliseconds step = std::chrono::milliseconds(20)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done())
      return true;
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(step);
  }
}

} // namespace harness
