// The group view of the client's "Accessible devices" tab (client-truth
// §2.21-2.23, §4 S11): device groups, users and devices a logged-in user may
// see. Requests carry only a Bearer token (no Content-Type).
#pragma once

#include <rdconsole/sdk.hpp>

namespace agent {

void handleAccessibleDeviceGroups(rdc::Exchange &ex); // GET /api/device-group/accessible
void handleUsers(rdc::Exchange &ex);                  // GET /api/users
void handlePeers(rdc::Exchange &ex);                  // GET /api/peers

} // namespace agent
