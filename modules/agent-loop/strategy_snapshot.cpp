// StrategySnapshot: pure logic (no database), unit-tested.
#include "strategy_cache.h"

#include <rdconsole/json.hpp>

#include <algorithm>
#include <charconv>

namespace agent {
namespace {

std::optional<int64_t> decimalId(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v <= 0)
    return std::nullopt;
  return v;
}

std::string compilePayload(const StrategyOptions &options,
                           const std::vector<std::string> &knownKeys) {
  // client-truth §0 B6: config_options must be a string -> string map, or
  // the client drops the whole strategy; they are strings by construction.
  nlohmann::json opts = nlohmann::json::object();
  for (const std::string &k : knownKeys)
    opts[k] = "";
  for (const auto &[k, v] : options)
    opts[k] = v;
  nlohmann::json strategy = nlohmann::json::object();
  strategy["config_options"] = std::move(opts);
  return rdc::jsonDump(strategy);
}

} // namespace

StrategySnapshot::StrategySnapshot(const std::vector<Strategy> &strategies,
                                   const std::vector<Assignment> &assignments,
                                   const std::vector<std::string> &knownKeys, int64_t generation)
    : generation_(generation) {
  // The keys of the current strategies count even if the key table missed
  // them (it was added after strategies existed).
  std::vector<std::string> keys = knownKeys;
  for (const Strategy &s : strategies)
    for (const auto &kv : s.options)
      keys.push_back(kv.first);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  withdrawnPayload_ = compilePayload({}, keys);
  for (const Strategy &s : strategies)
    strategies_[s.id] = Compiled{s.revision, compilePayload(s.options, keys)};
  for (const Assignment &a : assignments) {
    auto it = strategies_.find(a.strategyId);
    if (it == strategies_.end())
      continue;
    Link link{&it->second, a.revision};
    if (a.kind == TargetKind::Device) {
      byDevice_[a.target] = link;
    } else if (auto id = decimalId(a.target)) {
      (a.kind == TargetKind::User ? byUser_ : byGroup_)[*id] = link;
    }
  }
}

std::optional<EffectiveStrategy> StrategySnapshot::from(const Link &l) const {
  return EffectiveStrategy{std::max(l.strategy->revision, l.revision), &l.strategy->payload};
}

std::optional<EffectiveStrategy> StrategySnapshot::effective(std::string_view deviceId,
                                                             int64_t ownerUserId,
                                                             int64_t deviceGroupId) const {
  if (!byDevice_.empty()) {
    if (auto it = byDevice_.find(std::string(deviceId)); it != byDevice_.end())
      return from(it->second);
  }
  if (ownerUserId > 0) {
    if (auto it = byUser_.find(ownerUserId); it != byUser_.end())
      return from(it->second);
  }
  if (deviceGroupId > 0) {
    if (auto it = byGroup_.find(deviceGroupId); it != byGroup_.end())
      return from(it->second);
  }
  return std::nullopt;
}

} // namespace agent
