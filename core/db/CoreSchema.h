// The core's own tables (module name "core" in the migration ledger):
// core_users, core_tokens, core_user_groups, core_user_group_members,
// core_devices, core_device_groups, core_device_group_users,
// core_device_group_user_groups.
#pragma once

#include "db/Migrations.h"

#include <vector>

namespace rdc::db {
const std::vector<Migration> &coreMigrations();
} // namespace rdc::db
