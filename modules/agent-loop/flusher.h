// The background thread that makes presence durable: about every
// flush_interval_ms it writes what changed in one transaction, and picks up
// operator requests queued in the database (by the CLI or another instance).
#pragma once

#include "presence.h"

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

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
  // The dirty snapshot holds presence shard locks that heartbeats wait for,
  // so it is taken on a thread at normal priority (collectLoop): a low
  // priority thread descheduled while holding a lock would stall them. The
  // database work that follows runs at low priority (run()).
  std::vector<PresenceSnapshot> takeDirty();
  void collectLoop();
  PresenceTable &table_;
  int64_t intervalMs_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  int64_t repinMark_ = 0; // newest "repin" request already applied
  std::thread thread_;

  std::mutex collectMu_;
  std::condition_variable collectCv_;
  bool collectWanted_ = false, collected_ = false, collectorStopping_ = false;
  std::vector<PresenceSnapshot> collectedBatch_;
  std::thread collector_;
};

} // namespace agent
