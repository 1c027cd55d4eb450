#include "flusher.h"

#include "store.h"
#include "strategy_cache.h"

#include <rdconsole/sdk.hpp>

#include <chrono>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace agent {
namespace {
constexpr int kFlushNice = 10;
} // namespace

Flusher::Flusher(PresenceTable &table, int64_t intervalMs)
    : table_(table), intervalMs_(intervalMs) {}

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
  }
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
  flushOnce();
}

std::vector<PresenceSnapshot> Flusher::takeDirty() {
  std::unique_lock<std::mutex> lock(collectMu_);
  if (!collector_.joinable() || collectorStopping_)
    return table_.takeDirty(); // the last flush of stop()
  collectWanted_ = true;
  collected_ = false;
  collectCv_.notify_all();
  collectCv_.wait(lock, [this] { return collected_; });
  return std::move(collectedBatch_);
}

void Flusher::collectLoop() {
  std::unique_lock<std::mutex> lock(collectMu_);
  for (;;) {
    collectCv_.wait(lock, [this] { return collectWanted_ || collectorStopping_; });
    if (!collectWanted_)
      return; // stopping, and run() has ended: nobody waits for a batch
    collectWanted_ = false;
    lock.unlock();
    std::vector<PresenceSnapshot> batch = table_.takeDirty();
    lock.lock();
    collectedBatch_ = std::move(batch);
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
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::milliseconds(intervalMs_), [this] { return stopping_; });
    if (stopping_)
      break;
    lock.unlock();
    flushOnce();
    lock.lock();
  }
}

void Flusher::flushOnce() {
  std::vector<PresenceSnapshot> batch = takeDirty();
  try {
    rdc::Db db = rdc::Db::acquire();
    writePresence(db, batch);
    batch.clear();
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
  } catch (const std::exception &e) {
    // Nothing is dropped: the batch goes again with the next round.
    table_.markDirty(batch);
    rdc::logWarn(std::string("presence flush failed, retrying: ") + e.what());
  }
}

} // namespace agent
