#include "events/EventBus.h"

#include <Poco/Logger.h>

namespace rdc::events {

EventBus::EventBus(size_t maxQueued) : maxQueued_(maxQueued) {}

EventBus::~EventBus() {
  drainAndStop();
}

void EventBus::subscribe(const std::string &topic, Callback cb) {
  std::lock_guard lock(mu_);
  subscribers_.emplace(topic, std::move(cb));
}

void EventBus::start() {
  std::lock_guard lock(mu_);
  if (started_)
    return;
  started_ = true;
  worker_ = std::thread([this] { run(); });
}

bool EventBus::publish(const std::string &topic, std::string payload) {
  {
    std::lock_guard lock(mu_);
    // Before start() events wait in the queue (modules may publish from
    // their own start()); they are delivered once the thread runs.
    if (stopping_ || queue_.size() >= maxQueued_)
      return false;
    queue_.push_back(Event{topic, std::move(payload)});
  }
  cv_.notify_one();
  return true;
}

void EventBus::drainAndStop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_)
      return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable())
    worker_.join();
}

size_t EventBus::delivered() const {
  std::lock_guard lock(mu_);
  return delivered_;
}

void EventBus::run() {
  for (;;) {
    Event ev;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty())
        return; // stopping and drained
      ev = std::move(queue_.front());
      queue_.pop_front();
    }
    auto [first, last] = subscribers_.equal_range(ev.topic);
    for (auto it = first; it != last; ++it) {
      try {
        it->second(ev.topic, ev.payload);
      } catch (const std::exception &e) {
        Poco::Logger::get("events").error("subscriber of '" + ev.topic + "' failed: " + e.what());
      } catch (...) {
        Poco::Logger::get("events").error("subscriber of '" + ev.topic + "' failed");
      }
    }
    std::lock_guard lock(mu_);
    ++delivered_;
  }
}

} // namespace rdc::events
