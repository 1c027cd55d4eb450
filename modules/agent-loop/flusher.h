// The background thread that makes presence durable: about every
// flush_interval_ms it logs what changed (one row, presence_log.h) and picks
// up operator requests queued in the database (by the CLI or another
// instance). Every compact_interval_ms it compacts its log: it deletes its
// rows from before the previous compaction, after logging again (an eighth of
// the table per round) the devices whose newest row is among them.
#pragma once

#include "presence.h"

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
  void run();
  // Snapshots hold presence shard locks that heartbeats wait for, so they
  // are taken on a thread at normal priority (collectLoop): a low priority
  // thread descheduled while holding a lock would stall them. The database
  // work that follows runs at low priority (run()).
  using Job = std::function<std::vector<PresenceSnapshot>()>;
  std::vector<PresenceSnapshot> collect(const Job &job);
  void collectLoop();
  bool logDirty(); // false: the batch was not written
  void compactRound();
  PresenceTable &table_;
  int64_t intervalMs_;
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
  Job collectJob_;
  std::vector<PresenceSnapshot> collectedBatch_;
  std::thread collector_;
};

} // namespace agent
