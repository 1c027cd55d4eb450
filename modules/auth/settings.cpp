#include "settings.h"

#include <rdconsole/sdk.hpp>

namespace auth {

namespace {
LoginLimits g_limits;
}

void loadSettings() {
  LoginLimits l;
  l.maxFailuresPerAccountIp =
      rdc::configInt("max_failures_per_account_ip", l.maxFailuresPerAccountIp);
  l.maxFailuresPerAccount = rdc::configInt("max_failures_per_account", l.maxFailuresPerAccount);
  l.maxFailuresPerIp = rdc::configInt("max_failures_per_ip", l.maxFailuresPerIp);
  l.failureWindowSeconds = rdc::configInt("failure_window_seconds", l.failureWindowSeconds);
  validateLimits(l);
  g_limits = l;
}

const LoginLimits &loginLimits() {
  return g_limits;
}

} // namespace auth
