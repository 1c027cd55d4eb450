#include "http/ServingGate.h"

#include <chrono>

namespace rdc::http {

ServingGate::ServingGate(int target, int threads) : target_(target) {
  for (int i = 0; i < threads; ++i)
    slots_.push_back(std::make_unique<Slot>());
}

int64_t ServingGate::nowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool ServingGate::enter(int) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return stopping_ || serving_ < target_; });
  if (stopping_)
    return false;
  ++serving_;
  return true;
}

void ServingGate::begin(int i) {
  slots_[static_cast<size_t>(i)]->busySinceUs.store(nowUs(), std::memory_order_relaxed);
}

bool ServingGate::end(int i) {
  Slot &s = *slots_[static_cast<size_t>(i)];
  s.busySinceUs.store(0, std::memory_order_relaxed);
  if (!s.replaced.load(std::memory_order_acquire))
    return true; // the fast path: no lock
  std::lock_guard lock(mu_);
  s.replaced = false;
  if (serving_ < target_ && !stopping_) {
    ++serving_; // a serving thread is missing: take its place again
    return true;
  }
  return false;
}

std::vector<int> ServingGate::replaceBlocked(int64_t blockedSinceUs) {
  std::vector<int> replaced;
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < slots_.size(); ++i) {
    Slot &s = *slots_[i];
    int64_t since = s.busySinceUs.load(std::memory_order_relaxed);
    if (since == 0 || since > blockedSinceUs || s.replaced.load(std::memory_order_relaxed))
      continue;
    s.replaced.store(true, std::memory_order_release);
    --serving_;
    replaced.push_back(static_cast<int>(i));
  }
  for (size_t i = 0; i < replaced.size(); ++i)
    cv_.notify_one();
  return replaced;
}

void ServingGate::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
}

int ServingGate::serving() const {
  std::lock_guard lock(mu_);
  return serving_;
}

} // namespace rdc::http
