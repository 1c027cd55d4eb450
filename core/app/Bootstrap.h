// First start: with no users at all, create an administrator with a random
// password and write that password, once, to <data_dir>/initial-admin-password
// (mode 0600). Nothing happens when any user exists.
#pragma once

#include "app/Runtime.h"

#include <optional>
#include <filesystem>

namespace rdc::app {
// Returns the password file when an administrator was created.
std::optional<std::filesystem::path> ensureInitialAdmin(Runtime &rt);
} // namespace rdc::app
