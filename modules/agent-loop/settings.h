// The agent-loop.* keys (etc/modules.d/agent-loop.properties).
#pragma once

#include <cstdint>
#include <string>

namespace agent {

struct Settings {
  int64_t flushIntervalMs = 1000;    // presence batches, one transaction each
  int64_t compactIntervalMs = 30000; // logged presence folded into agent_presence
  int64_t onlineWindowSeconds = 30;  // online = heartbeat within this window
  int64_t maxRequestsPerDevice = 40; // per rate window, heartbeat + sysinfo; 0 = no limit
  int64_t rateWindowSeconds = 60;
  std::string sysinfoVersion = "1"; // answered (prefixed) by /api/sysinfo_ver
  int64_t maxSysinfoBytes = 65536;
};

// Reads and checks the keys; throws with the key's name on a bad value.
Settings loadSettings();
const Settings &settings();

} // namespace agent
