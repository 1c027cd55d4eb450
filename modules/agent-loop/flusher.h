// The background thread that makes presence durable: about every
// flush_interval_ms it logs what changed (one row, presence_log.h) and picks
// up operator requests queued in the database (by the CLI or another
// instance). Every compact_interval_ms it compacts its log: it deletes its
// rows from before the previous compaction, after logging again (an eighth of
// the table per round) the devices whose newest row is among them.
// Its database work runs at low priority, except for a round that starts when
// presence has gone unflushed for 1.5 intervals (a saturated machine, a slow
// database); a flush that lands more than two intervals after the previous
// one is logged as a warning. A task that fails is retried the next round and
// its failures are logged at most once a minute (retry_warning.h).
#pragma once

#include "presence.h"
#include "retry_warning.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace agent {

class Flusher {
public:
  Flusher(PresenceTable &table, int64_t intervalMs, int64_t compactIntervalMs);
  ~Flusher();
  void start();
  // Stops the thread after a last flush.
  void stop();
  // One round (also used by stop()): log, operator requests, compaction.
  void flushOnce();

private:
  using Clock = std::chrono::steady_clock;
  void run();
  // Snapshots hold presence shard locks that heartbeats wait for, so they
  // are taken on a thread at normal priority (the collector): a low priority
  // thread descheduled while holding a lock would stall them. The database
  // work that follows runs at low priority (run()), unless it fell behind.
  std::vector<PresenceSnapshot> collect(const std::function<std::vector<PresenceSnapshot>()> &job);
  // Runs task on the collector thread (at normal priority) and waits for it.
  void atNormalPriority(const std::function<void()> &task);
  void collectLoop();
  bool logDirty(); // false: the batch was not written
  // A flush whose snapshot was taken at `taken` is in the database.
  void landed(Clock::time_point taken);
  void compactRound();
  PresenceTable &table_;
  int64_t intervalMs_;
  // When the snapshot of the newest flush that landed was taken: what a
  // crash now would lose is everything since.
  Clock::time_point lastLanded_ = Clock::now();
  Clock::time_point lastLateWarning_{};
  // Failures of the three database tasks, each retried every round.
  RetryWarning flushWarning_ = hostRetryWarning("presence flush");
  RetryWarning requestsWarning_ = hostRetryWarning("reading operator requests");
  RetryWarning compactionWarning_ = hostRetryWarning("presence compaction");
  // Log rows are tagged with a random id per process and a flush number.
  std::string instance_;
  int64_t seq_ = 0;
  int64_t roundsPerCompaction_ = 1, roundsSinceCompaction_ = 0;
  bool compacting_ = false;
  size_t nextPart_ = 0;     // of kCompactionParts
  int64_t compactUpto_ = 0; // own log rows up to this seq go when it ends
  int64_t compactMark_ = 0; // seq_ when the last compaction started
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  int64_t repinMark_ = 0; // newest "repin" request already applied
  std::thread thread_;

  std::mutex collectMu_;
  std::condition_variable collectCv_;
  bool collectWanted_ = false, collected_ = false, collectorStopping_ = false;
  std::function<void()> collectTask_;
  std::thread collector_;
};

} // namespace agent
