// Device groups live in the core (tables core_device_groups,
// core_device_group_users, core_device_group_user_groups); operators manage
// them with `rdconsole device-group ...` and modules read them through ABI
// 1.3 (device_group_find, device_group_get, device_group_ids). A device group
// is granted to users and to user groups: a user may see the devices of the
// groups granted to them directly or through a user group they belong to.
#pragma once

#include "auth/Groups.h"
#include "auth/Users.h"
#include "db/Database.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rdc::auth {

struct DeviceGroup {
  int64_t id = 0;
  std::string name; // as created (trimmed); lookups are case-insensitive
  std::string note;
  int64_t createdAtMs = 0;
  int64_t deviceCount = 0; // filled by list() only
  int64_t grantCount = 0;  // users + user groups; filled by list() only
};

struct DeviceGroupGrants {
  std::vector<User> users;       // ordered by name (case-insensitive)
  std::vector<Group> userGroups; // ordered by name (case-insensitive)
};

// A note of a device group: at most this many bytes of UTF-8 without control
// characters (as a device's note).
constexpr size_t kMaxDeviceGroupNoteBytes = 1024;

namespace detail {
// The ids of the device groups granted to one user, directly or through a
// user group: a sub-select with two '?' placeholders, both that user's id.
// Shared by DeviceGroupStore::idsVisibleTo and DeviceStore::page so both
// agree on what a user may see.
extern const char *const kGrantedGroupIdsSql;
} // namespace detail

class DeviceGroupStore {
public:
  explicit DeviceGroupStore(db::Pool &pool);

  // Trims the name first; names follow the rules of user groups
  // (groupNameProblem). Throws std::invalid_argument for a bad name or note,
  // or a name that is taken (regardless of case).
  DeviceGroup create(std::string_view name, std::string_view note = {});
  std::optional<DeviceGroup> findByName(std::string_view name); // trimmed, any case
  std::optional<DeviceGroup> findById(int64_t id);
  // Every device group with its device and grant counts, ordered by name
  // (case-insensitive).
  std::vector<DeviceGroup> list();
  // Deletes the group and its grants, and takes its devices out of it
  // (device_group_id NULL), in one transaction. False when there is none;
  // *devicesReleased (when given) receives how many devices were in it.
  bool remove(int64_t id, int64_t *devicesReleased = nullptr);

  // True when granted, false when the grant already existed. Throws
  // std::invalid_argument when the device group or the user (user group)
  // does not exist.
  bool grantUser(int64_t id, int64_t userId);
  bool grantUserGroup(int64_t id, int64_t userGroupId);
  // True when there was such a grant.
  bool revokeUser(int64_t id, int64_t userId);
  bool revokeUserGroup(int64_t id, int64_t userGroupId);
  DeviceGroupGrants grants(int64_t id);

  // Every device group id, ascending.
  std::vector<int64_t> ids();
  // The ids of the groups granted to the user directly or through one of
  // their user groups, ascending (empty for an unknown user).
  std::vector<int64_t> idsVisibleTo(int64_t userId);

private:
  db::Pool &pool_;
};

} // namespace rdc::auth
