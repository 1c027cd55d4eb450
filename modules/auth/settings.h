// The auth module's configuration (auth.* keys), read once during init.
#pragma once

#include "login_limits.h"

namespace auth {

// Reads and validates the auth.* keys; throws with the key's name when one is
// malformed, which fails init (the module is skipped, loudly).
void loadSettings();

// Read-only after init, so handlers may read it from any thread.
const LoginLimits &loginLimits();

} // namespace auth
