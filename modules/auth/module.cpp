// Module "auth": password login, current user and logout for RustDesk clients.
// Read this file to know the whole module: its routes, its table, its config
// (settings.cpp) and its event ("auth.login", published by login.cpp).
#include "handlers.h"
#include "settings.h"

#include <rdconsole/sdk.hpp>

namespace {

constexpr int64_t kBodyLimit = 64 * 1024;

void init() {
  auth::loadSettings();

  // Failed-login counters (login_failures.cpp); window_start is epoch ms.
  rdc::addMigration(1, "CREATE TABLE auth_login_failures ("
                       " scope TEXT NOT NULL,"
                       " subject TEXT NOT NULL,"
                       " failures INTEGER NOT NULL,"
                       " window_start INTEGER NOT NULL,"
                       " PRIMARY KEY (scope, subject));"
                       "CREATE INDEX auth_login_failures_window_start"
                       " ON auth_login_failures (window_start)");

  rdc::addRoute("GET", "/api/login-options", RDC_AUTH_NONE, auth::handleLoginOptions);
  rdc::addRoute("POST", "/api/login", RDC_AUTH_NONE, auth::handleLogin, kBodyLimit);
  rdc::addRoute("POST", "/api/currentUser", RDC_AUTH_USER, auth::handleCurrentUser, kBodyLimit);
  rdc::addRoute("POST", "/api/logout", RDC_AUTH_USER, auth::handleLogout, kBodyLimit);
}

} // namespace

RDC_MODULE("auth", "0.1.0", "Password login, current user and logout", RDC_NO_DEPS, init, rdc::noop,
           rdc::noop)
