#include "flusher.h"

#include "presence_log.h"
#include "store.h"
#include "strategy_cache.h"

#include <rdconsole/sdk.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace agent {
namespace {
constexpr int kFlushNice = 10;
// A compaction logs the presence table in this many parts (one per flush
// round), so that no snapshot holds a large share of it in memory.
constexpr size_t kCompactionParts = 8;

std::string randomInstanceId() {
  std::random_device rd;
  std::string id;
  for (int i = 0; i < 4; ++i) {
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08x", rd());
    id += buf;
  }
  return id;
}
} // namespace

Flusher::Flusher(PresenceTable &table, int64_t intervalMs, int64_t compactIntervalMs)
    : table_(table), intervalMs_(intervalMs), instance_(randomInstanceId()),
      roundsPerCompaction_(std::max<int64_t>(1, compactIntervalMs / intervalMs)) {}

Flusher::~Flusher() {
  stop();
}

void Flusher::start() {
  {
    // Serve strategies from the first heartbeat on; older re-pins and
    // refreshes concern no device in memory yet.
    rdc::Db db = rdc::Db::acquire();
    strategyCache().refresh(db);
    repinMark_ = newestRequestId(db);
    // What a process that crashed (or stopped before compacting) logged.
    if (size_t n = mergePresenceLog(db); n > 0)
      rdc::logInfo("presence log: " + std::to_string(n) + " devices' presence merged");
  }
  lastLanded_ = Clock::now(); // the merge above may have taken a while
  collector_ = std::thread([this] { collectLoop(); });
  thread_ = std::thread([this] { run(); });
}

void Flusher::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || !thread_.joinable())
      return;
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
  {
    std::lock_guard<std::mutex> lock(collectMu_);
    collectorStopping_ = true;
  }
  collectCv_.notify_all();
  collector_.join();
  logDirty(); // the next start merges the log into agent_presence
}

std::vector<PresenceSnapshot>
Flusher::collect(const std::function<std::vector<PresenceSnapshot>()> &job) {
  std::vector<PresenceSnapshot> batch;
  atNormalPriority([&] { batch = job(); });
  return batch;
}

void Flusher::atNormalPriority(const std::function<void()> &task) {
  // A whole round moved to the collector (run()) takes its snapshots there.
  if (std::this_thread::get_id() == collector_.get_id())
    return task();
  std::unique_lock<std::mutex> lock(collectMu_);
  if (!collector_.joinable() || collectorStopping_)
    return task(); // the last flush of stop()
  collectTask_ = task;
  collectWanted_ = true;
  collected_ = false;
  collectCv_.notify_all();
  collectCv_.wait(lock, [this] { return collected_; });
}

void Flusher::collectLoop() {
  std::unique_lock<std::mutex> lock(collectMu_);
  for (;;) {
    collectCv_.wait(lock, [this] { return collectWanted_ || collectorStopping_; });
    if (!collectWanted_)
      return; // stopping, and run() has ended: nobody waits for a task
    collectWanted_ = false;
    std::function<void()> task = std::move(collectTask_);
    lock.unlock();
    task();
    lock.lock();
    collected_ = true;
    collectCv_.notify_all();
  }
}

void Flusher::run() {
#ifdef __linux__
  // The database write is background work: under full load it must not take
  // a core from the threads answering heartbeats (on Linux, nice is per
  // thread). It still gets its share, so presence stays durable, only later.
  // The dirty snapshot is taken by the collector thread at normal priority.
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), kFlushNice);
#endif
  const auto interval = std::chrono::milliseconds(intervalMs_);
  // Rounds start every interval whatever they take, so presence is at most
  // about one interval stale while flushes land.
  auto due = Clock::now();
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    due = std::max(due + interval, Clock::now());
    cv_.wait_until(lock, due, [this] { return stopping_; });
    if (stopping_)
      break;
    lock.unlock();
    // At nice 10 a round can fall behind on a saturated machine, and a
    // later one would too: once presence has gone unflushed for half an
    // interval longer than it should, the round runs at normal priority.
    if (Clock::now() - lastLanded_ > interval + interval / 2)
      atNormalPriority([this] { flushOnce(); });
    else
      flushOnce();
    lock.lock();
  }
}

void Flusher::flushOnce() {
  bool logged = logDirty();
  try {
    rdc::Db db = rdc::Db::acquire();
    // Strategy edits and assignments (from the CLI or another instance).
    strategyCache().refresh(db);
    // Re-pinned devices, and devices whose owner or device group changed, are
    // looked up again at their next request.
    for (const auto &[requestId, deviceId] : repinsAfter(db, repinMark_)) {
      table_.forget(deviceId);
      repinMark_ = requestId;
    }
    for (const PendingRequest &r : allPending(db)) {
      if (r.kind == "sysinfo")
        table_.requestSysinfo(r.deviceId);
      else if (r.kind == "disconnect")
        table_.setDisconnectPending(r.deviceId, true);
    }
    requestsWarning_.succeeded();
  } catch (const std::exception &e) {
    requestsWarning_.failed(e.what());
  }
  // A batch that failed is in memory only, recorded as logged in a row that
  // does not exist: no compaction may delete its older rows before a flush
  // has written it.
  if (logged)
    compactRound();
}

bool Flusher::logDirty() {
  int64_t seq = seq_ + 1;
  auto taken = Clock::now();
  std::vector<PresenceSnapshot> batch = collect([this, seq] { return table_.takeDirty(seq); });
  try {
    if (!batch.empty()) {
      rdc::Db db = rdc::Db::acquire();
      appendPresenceLog(db, instance_, seq, batch);
      seq_ = seq;
    }
  } catch (const std::exception &e) {
    // Nothing is dropped: the batch goes again with the next round (and the
    // same flush number, which no row has taken).
    table_.markDirty(batch);
    flushWarning_.failed(e.what());
    return false;
  }
  if (!batch.empty())
    flushWarning_.succeeded();
  landed(taken);
  return true;
}

void Flusher::landed(Clock::time_point taken) {
  auto gap = taken - lastLanded_;
  lastLanded_ = taken;
  // What a crash would have lost in the meantime: the operator should know
  // (once a minute at most: a saturated machine would repeat it every round).
  auto interval = std::chrono::milliseconds(intervalMs_);
  if (gap <= 2 * interval || taken - lastLateWarning_ < std::chrono::minutes(1))
    return;
  lastLateWarning_ = taken;
  rdc::logWarn(
      "presence flushed late: " +
      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(gap).count()) +
      " ms since the previous flush (agent-loop.flush_interval_ms=" + std::to_string(intervalMs_) +
      "); a crash in that time would have lost that much presence (is the database or the machine "
      "overloaded?)");
}

void Flusher::compactRound() {
  if (!compacting_) {
    if (++roundsSinceCompaction_ < roundsPerCompaction_)
      return;
    roundsSinceCompaction_ = 0;
    compacting_ = true;
    nextPart_ = 0;
    // Rows up to the previous compaction's start go; the devices whose newest
    // row is among them are logged again first. A device that beat within
    // the last compaction interval has a newer row already, so while devices
    // keep beating (every 15 s, the default interval is 30 s) a compaction
    // writes little more than the devices gone quiet.
    compactUpto_ = compactMark_;
    compactMark_ = seq_;
  }
  size_t perPart = (table_.shardCount() + kCompactionParts - 1) / kCompactionParts;
  size_t first = nextPart_ * perPart;
  int64_t seq = seq_ + 1;
  std::vector<PresenceSnapshot> part =
      collect([&] { return table_.takeStale(first, perPart, compactUpto_, seq); });
  bool last = nextPart_ + 1 >= kCompactionParts;
  try {
    rdc::Db db = rdc::Db::acquire();
    rdc::Transaction tx(db);
    if (!part.empty())
      appendPresenceLog(db, instance_, seq, part);
    // Every device whose newest row is up to compactUpto_ is in the parts
    // written since: the older rows are no longer needed.
    if (last)
      deleteOwnPresenceLog(db, instance_, compactUpto_);
    tx.commit();
  } catch (const std::exception &e) {
    // The part's devices are recorded as logged in a row that does not
    // exist: the next flush writes them (before this part is tried again,
    // and before any delete).
    table_.markDirty(part);
    compactionWarning_.failed(e.what());
    return;
  }
  compactionWarning_.succeeded();
  if (!part.empty())
    seq_ = seq;
  if (last)
    compacting_ = false;
  else
    ++nextPart_;
}

} // namespace agent
