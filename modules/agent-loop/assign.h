// Assigning a device: its owner, device group and note (core registry), its
// strategy, the labels the group view shows for it, and an address book to
// file it in. One code path for `rustdesk --assign` (POST /api/devices/cli,
// client-truth §2.32) and the sysinfo presets (§2.26). Everything is looked up
// and checked before anything changes; applying is idempotent, so a preset
// sent again changes nothing.
//
// The address book is ab-store's data, so it is not touched here: the filing
// is published as event "agent-loop.address_book_assign" and ab-store's
// subscriber does it (asynchronously; an unknown book is logged there).
#pragma once

#include <rdconsole/sdk.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace agent {

inline constexpr const char *kAddressBookAssignTopic = "agent-loop.address_book_assign";

// What to assign; nullopt = leave as it is. In a request an empty value
// clears (owner, device group, note, strategy, labels); presets never carry
// empty values.
struct AssignRequest {
  std::optional<std::string> userName, strategyName, deviceGroupName, note, deviceUsername,
      deviceName;
  std::optional<std::string> addressBookName, addressBookTag, addressBookAlias, addressBookPassword,
      addressBookNote;

  // None of the seven main fields (user_name, strategy_name,
  // address_book_name, device_group_name, note, device_username,
  // device_name): nothing to do.
  bool empty() const;
};

// A request that cannot be carried out; nothing was changed. The message
// names the culprit, e.g. "user 'bob' not found". status: 404 for an unknown
// name, 400 for a malformed value.
class AssignError : public std::runtime_error {
public:
  AssignError(int status, const std::string &message)
      : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }

private:
  int status_;
};

// Sizes and characters of the values (pure). Throws AssignError(400).
void checkAssignFields(const AssignRequest &r);

// The request with every name resolved.
struct AssignPlan {
  AssignRequest request;
  std::optional<int64_t> ownerUserId;   // 0 = no owner
  std::optional<int64_t> deviceGroupId; // 0 = no device group
};

// checkAssignFields, then looks up the user, device group and strategy.
// Throws AssignError; changes nothing.
AssignPlan planAssignment(const AssignRequest &r);

// Who asked, for logs and the address-book journal.
struct AssignSource {
  std::string via;      // "devices-cli" | "sysinfo-preset"
  int64_t byUserId = 0; // the administrator behind --assign; 0 for presets and API tokens
  std::string byName;   // their name, "api-token:NAME" for an API token ("" for presets)
};

// Applies the plan to a registered device: only what differs from its
// current state is written; a changed owner or device group is announced to
// the strategy machinery (deviceChanged). Returns what changed, for the log
// ("owner", "device group", "note", "labels"; strategy and address book are
// idempotent on their side and listed when requested).
std::vector<std::string> applyAssignment(const rdc::Device &device, const AssignPlan &plan,
                                         const AssignSource &source);

// A name as it may appear in a message: control characters replaced, at most
// 64 bytes (an over-long name is cut at a character boundary and marked).
std::string shownName(std::string_view name);

} // namespace agent
