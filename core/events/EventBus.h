// In-process publish/subscribe. publish() copies the payload onto a queue;
// one delivery thread hands events to subscribers in publish order, so a
// slow subscriber never slows the request that published.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rdc::events {

using Callback = std::function<void(const std::string &topic, const std::string &payload)>;

class EventBus {
public:
  explicit EventBus(size_t maxQueued = 100000);
  ~EventBus();
  // Subscriptions are fixed before start().
  void subscribe(const std::string &topic, Callback cb);
  void start();
  // Queues the event (also before start()); false when the queue is full or
  // the bus is draining (the event is dropped).
  bool publish(const std::string &topic, std::string payload);
  // Delivers everything queued, then stops the thread. Idempotent.
  void drainAndStop();
  size_t delivered() const;

private:
  void run();
  struct Event {
    std::string topic, payload;
  };
  size_t maxQueued_;
  std::multimap<std::string, Callback> subscribers_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Event> queue_;
  bool stopping_ = false;
  bool started_ = false;
  size_t delivered_ = 0;
  std::thread worker_;
};

} // namespace rdc::events
