// The background thread that makes presence durable: about every
// flush_interval_ms it writes what changed in one transaction, and picks up
// operator requests queued in the database (by the CLI or another instance).
#pragma once

#include "presence.h"

#include <condition_variable>
#include <mutex>
#include <thread>

namespace agent {

class Flusher {
public:
  Flusher(PresenceTable &table, int64_t intervalMs);
  ~Flusher();
  void start();
  // Stops the thread after a last flush.
  void stop();
  // One round (also used by stop()).
  void flushOnce();

private:
  void run();
  PresenceTable &table_;
  int64_t intervalMs_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  int64_t repinMark_ = 0; // newest "repin" request already applied
  std::thread thread_;
};

} // namespace agent
