// User groups live in the core (tables core_user_groups and
// core_user_group_members); operators manage them with `rdconsole group ...`
// and modules read them through ABI 1.1 (group_find, group_get,
// user_group_ids), e.g. to grant an address book to a whole team.
#pragma once

#include "auth/Users.h"
#include "db/Database.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rdc::auth {

struct Group {
  int64_t id = 0;
  std::string name; // as created (trimmed); lookups are case-insensitive
  std::string note;
  int64_t createdAtMs = 0;
  int64_t memberCount = 0; // filled by list() only
};

// Returns an error text or "" for an already trimmed name: 1-64 characters
// of valid UTF-8, no control characters. Spaces inside are fine ("Sales EU").
// `what` starts the message (device groups follow the same rules).
std::string groupNameProblem(std::string_view name, std::string_view what = "Group name");
// Leading and trailing spaces and tabs removed.
std::string trimGroupName(std::string_view name);
// The lookup key stored as name_key: ASCII letters lower-cased, nothing else
// (the key must not depend on the process locale, and both engines compare
// it byte for byte).
std::string groupNameKey(std::string_view name);

class GroupStore {
public:
  explicit GroupStore(db::Pool &pool);

  // Trims the name first. Throws std::invalid_argument for a bad name or a
  // name that is taken (regardless of case).
  Group create(std::string_view name, std::string_view note = {});
  std::optional<Group> findByName(std::string_view name); // trimmed, any case
  std::optional<Group> findById(int64_t id);
  // Every group with its member count, ordered by name (case-insensitive).
  std::vector<Group> list();
  // Deletes the group and its memberships; false when there is none.
  bool remove(int64_t groupId);
  // True when added, false when the user already was a member. Throws
  // std::invalid_argument when the group or the user does not exist.
  bool addMember(int64_t groupId, int64_t userId);
  // True when the user was a member.
  bool removeMember(int64_t groupId, int64_t userId);
  // The members, ordered by user name (case-insensitive).
  std::vector<User> members(int64_t groupId);
  // Ids of the groups the user belongs to, ascending (empty for an unknown user).
  std::vector<int64_t> groupIdsOf(int64_t userId);

private:
  db::Pool &pool_;
};

} // namespace rdc::auth
