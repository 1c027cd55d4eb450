// agent-loop's route handlers and the state they share.
#pragma once

#include "presence.h"

#include <rdconsole/sdk.hpp>

namespace agent {

PresenceTable &presence();

void handleHeartbeat(rdc::Exchange &ex);  // heartbeat.cpp
void handleSysinfo(rdc::Exchange &ex);    // sysinfo.cpp
void handleSysinfoVer(rdc::Exchange &ex); // sysinfo.cpp

// First contact of a request with a device (heartbeat.cpp): checks the pin in
// memory, consults the registry when needed, applies the rate limit. Throws
// HttpError 403 (uuid mismatch) or 429. Returns what to tell the device.
Seen admitRequest(rdc::Exchange &ex, const Contact &c);

} // namespace agent
