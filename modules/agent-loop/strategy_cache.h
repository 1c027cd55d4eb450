// The in-memory copy of strategies and their assignments that the heartbeat
// reads (no database on the hot path). Reloaded as a whole when the strategy
// clock moves (the flusher polls it), and swapped in atomically: a heartbeat
// sees either the old copy or the new one, never half of each.
#pragma once

#include "strategies.h"

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace agent {

// What a device is owed: the stamp for `modified_at` and the ready-made
// `strategy` JSON object ({"config_options":{...}}).
struct EffectiveStrategy {
  int64_t stamp = 0;
  const std::string *payload = nullptr; // owned by the snapshot
};

class StrategySnapshot {
public:
  StrategySnapshot() = default;
  // knownKeys: every option key any strategy ever set (knownOptionKeys()).
  StrategySnapshot(const std::vector<Strategy> &strategies,
                   const std::vector<Assignment> &assignments,
                   const std::vector<std::string> &knownKeys, int64_t generation);

  // Device assignment, else the owner's, else the device group's; nullopt
  // when none applies. ownerUserId / deviceGroupId 0 = none. The payload
  // carries the strategy's options plus every other known key with an empty
  // value: the client resets an option it gets empty (client-truth §2.24),
  // so a key a device got from an earlier strategy does not outlive it.
  std::optional<EffectiveStrategy> effective(std::string_view deviceId, int64_t ownerUserId,
                                             int64_t deviceGroupId) const;
  // What a device is owed when no strategy applies to it any more: stamp 0
  // (a client that never had one sends 0, so it gets nothing) and every known
  // key empty.
  EffectiveStrategy withdrawn() const { return EffectiveStrategy{0, &withdrawnPayload_}; }
  int64_t generation() const { return generation_; }
  bool empty() const { return byDevice_.empty() && byUser_.empty() && byGroup_.empty(); }

private:
  struct Compiled {
    int64_t revision = 0;
    std::string payload;
  };
  struct Link {
    const Compiled *strategy = nullptr;
    int64_t revision = 0;
  };
  std::optional<EffectiveStrategy> from(const Link &l) const;

  std::unordered_map<int64_t, Compiled> strategies_;
  std::unordered_map<std::string, Link> byDevice_;
  std::unordered_map<int64_t, Link> byUser_;
  std::unordered_map<int64_t, Link> byGroup_;
  std::string withdrawnPayload_ = R"({"config_options":{}})";
  int64_t generation_ = -1;
};

class StrategyCache {
public:
  StrategyCache();
  std::shared_ptr<const StrategySnapshot> current() const { return current_.load(); }
  // Reloads from the database when its generation differs from the copy's.
  void refresh(rdc::Db &db);

private:
  std::atomic<std::shared_ptr<const StrategySnapshot>> current_;
};

StrategyCache &strategyCache();

} // namespace agent
