// How many threads serve the event loop at once. Few threads serve fastest
// (no run queue of hundreds of threads on a 2-core box), but a handler may
// block (the database, a password hash). So: `target` threads serve; one
// that has been inside a single request for longer than the blocked-after
// bound is replaced by a reserve thread, and parks itself again once its
// request ends if it is no longer needed (the way Go's scheduler hands off a
// thread stuck in a system call).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace rdc::http {

class ServingGate {
public:
  // `target` serving threads out of `threads` in all.
  ServingGate(int target, int threads);

  // Thread `i` waits until it may serve. False once stop() was called.
  bool enter(int i);
  // Around each request (or accept) of thread `i`.
  void begin(int i);
  // True to keep serving; false when the thread was replaced meanwhile and is
  // not needed any more (call enter() again).
  bool end(int i);

  // Called periodically: replaces threads busy since before `blockedSinceUs`.
  // Returns the indices of the threads it replaced (the caller hands their
  // pending work to others).
  std::vector<int> replaceBlocked(int64_t blockedSinceUs);
  void stop();

  int serving() const;
  static int64_t nowUs();

private:
  struct Slot {
    std::atomic<int64_t> busySinceUs{0}; // 0 = not in a request
    std::atomic<bool> replaced{false};
  };
  const int target_;
  std::vector<std::unique_ptr<Slot>> slots_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int serving_ = 0; // threads allowed to serve and not replaced
  bool stopping_ = false;
};

} // namespace rdc::http
