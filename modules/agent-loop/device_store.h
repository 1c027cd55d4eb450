// agent-loop's per-device facts that come from an administrator rather than
// from the device (migration 3): the labels assigned with `rustdesk --assign
// --device_username/--device_name`, which the group view shows instead of
// the sysinfo's username and hostname, and the public key registered by
// `rustdesk --deploy`. Also the one-query lookup /api/peers makes per page.
#pragma once

#include <rdconsole/sdk.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agent {

// Registers migration 3: agent_device_labels, agent_device_keys.
void addDeviceSchema();

// nullopt = not overridden (the sysinfo's value is shown).
struct Labels {
  std::optional<std::string> username, hostname;
  bool operator==(const Labels &) const = default;
};
Labels labelsOf(rdc::Db &db, std::string_view id);
// Stores the labels (both nullopt removes the row).
void saveLabels(rdc::Db &db, std::string_view id, const Labels &labels, int64_t nowMs);

// The deployed Ed25519 public key (standard base64 of 32 bytes).
void saveDeviceKey(rdc::Db &db, std::string_view id, std::string_view pkBase64, int64_t nowMs);
std::optional<std::string> deviceKey(rdc::Db &db, std::string_view id);

// What the group view shows of a device (client-truth §2.23 `info`): the
// stored sysinfo's username, hostname and os (verbatim), with assigned labels
// over the first two.
struct ShownInfo {
  std::string username, deviceName, os;
};
// One query for all `ids` (at most a page: 1000). Ids with neither sysinfo nor
// labels are absent from the map.
std::map<std::string, ShownInfo> shownInfo(rdc::Db &db, const std::vector<std::string> &ids);

} // namespace agent
