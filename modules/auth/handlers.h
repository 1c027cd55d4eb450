// The auth module's route handlers (registered in module.cpp).
#pragma once

#include <rdconsole/sdk.hpp>

namespace auth {

void handleLoginOptions(rdc::Exchange &ex); // GET  /api/login-options
void handleLogin(rdc::Exchange &ex);        // POST /api/login
void handleCurrentUser(rdc::Exchange &ex);  // POST /api/currentUser
void handleLogout(rdc::Exchange &ex);       // POST /api/logout

} // namespace auth
