// Internal to core/auth: the one place that knows how a core_users row maps
// onto User, shared by UserStore and TokenService (which joins it in).
#pragma once

#include "auth/Users.h"

#include <string_view>

namespace rdc::auth::detail {

// Column list for SELECT, qualified with `alias.` when the query joins.
// Order matches readUser().
std::string userColumns(std::string_view alias = {});
// How many columns userColumns() lists.
inline constexpr int kUserColumnCount = 9;

// Reads the columns of userColumns() starting at result column `first`.
User readUser(db::Statement &st, int first = 0);

} // namespace rdc::auth::detail
