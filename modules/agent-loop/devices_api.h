// What an administrator's token does from a device's command line
// (client-truth §2.32, E3, §4 S16): `rustdesk --assign` (POST
// /api/devices/cli; an API token with scope "devices" may do it too) and
// `rustdesk --deploy` (POST /api/devices/deploy).
#pragma once

#include <rdconsole/sdk.hpp>

namespace agent {

// Reads agent-loop.deploy_enabled (init); throws on a malformed value.
void loadDeploySettings();

void handleDevicesCli(rdc::Exchange &ex); // POST /api/devices/cli
void handleDeploy(rdc::Exchange &ex);     // POST /api/devices/deploy

} // namespace agent
