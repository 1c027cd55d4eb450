#include "strategy_cache.h"

namespace agent {

StrategyCache::StrategyCache() : current_(std::make_shared<const StrategySnapshot>()) {}

void StrategyCache::refresh(rdc::Db &db) {
  int64_t generation = strategyGeneration(db);
  if (generation == current_.load()->generation())
    return;
  // Read in one transaction so strategies and assignments agree.
  std::shared_ptr<const StrategySnapshot> next;
  {
    rdc::Transaction tx(db);
    generation = strategyGeneration(db);
    next = std::make_shared<const StrategySnapshot>(listStrategies(db), listAssignments(db),
                                                    knownOptionKeys(db), generation);
    tx.commit();
  }
  current_.store(std::move(next));
}

StrategyCache &strategyCache() {
  static StrategyCache cache;
  return cache;
}

} // namespace agent
