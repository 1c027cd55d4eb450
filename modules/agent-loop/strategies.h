// Strategies: named sets of client config options (string -> string),
// assigned to a device, a user or a device group; the effective strategy of a
// device is its own assignment, else its owner's, else its device group's.
// The heartbeat reply carries `modified_at` + `strategy` only when the stamp
// the client sent differs from the device's effective stamp (client-truth
// §2.24: the client stores whatever stamp it gets and compares for equality).
#pragma once

#include <rdconsole/sdk.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agent {

using StrategyOptions = std::map<std::string, std::string>;

struct Strategy {
  int64_t id = 0;
  std::string name;
  StrategyOptions options; // an empty value resets the option on the client
  int64_t revision = 0;    // changes with every edit (see nextRevision)
};

enum class TargetKind { Device, User, DeviceGroup };
const char *targetKindName(TargetKind k); // "device" | "user" | "device-group"

struct Assignment {
  TargetKind kind = TargetKind::Device;
  std::string target; // device id, or the decimal user / device group id
  int64_t strategyId = 0;
  int64_t revision = 0; // when it was made (see nextRevision)
};

// --- the tables (agent_strategies, agent_strategy_assignments,
// agent_strategy_keys) -------------------------------------------------------
void addStrategySchema();

// A strategy name: 1-64 characters of UTF-8 without control characters.
std::string strategyNameProblem(std::string_view name);
// An option key: 1-128 bytes of [A-Za-z0-9._-]; a value: at most 4096 bytes
// of UTF-8 without control characters.
std::string optionProblem(std::string_view key, std::string_view value);

std::optional<Strategy> findStrategy(rdc::Db &db, std::string_view name); // any case
std::vector<Strategy> listStrategies(rdc::Db &db);
// Throws std::invalid_argument for a bad or taken name.
Strategy createStrategy(rdc::Db &db, std::string_view name, int64_t nowMs);
// Sets (or, with nullopt, removes) options and bumps the revision. Throws
// std::invalid_argument for an unknown strategy or a bad option.
void editStrategy(rdc::Db &db, std::string_view name,
                  const std::vector<std::pair<std::string, std::optional<std::string>>> &changes,
                  int64_t nowMs);
// Deletes the strategy and its assignments; false when there is none.
bool deleteStrategy(rdc::Db &db, std::string_view name, int64_t nowMs);

// Assigns `strategyName` to the target; an empty name removes the target's
// assignment. Idempotent: assigning the strategy a target already has changes
// nothing (so a device re-sending its preset does not re-deliver). Returns
// false when no strategy has that name.
bool assignStrategy(rdc::Db &db, TargetKind kind, std::string_view target,
                    std::string_view strategyName, int64_t nowMs);
std::vector<Assignment> listAssignments(rdc::Db &db);

// Tells every server instance that a device's owner or device group changed,
// so its effective strategy is worked out again (within a flush interval).
void deviceChanged(rdc::Db &db, std::string_view deviceId, int64_t nowMs);

// Every option key any strategy ever set (sorted), including keys since
// unset and keys of deleted strategies.
std::vector<std::string> knownOptionKeys(rdc::Db &db);

// The newest revision of any strategy or assignment change (0 = none): the
// servers poll it to reload their in-memory copy.
int64_t strategyGeneration(rdc::Db &db);

} // namespace agent
