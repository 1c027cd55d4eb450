#include "settings.h"

#include <rdconsole/sdk.hpp>

#include <stdexcept>

namespace agent {
namespace {

Settings g_settings;

int64_t ranged(const char *key, int64_t fallback, int64_t lo, int64_t hi) {
  int64_t v = rdc::configInt(key, fallback);
  if (v < lo || v > hi)
    throw std::runtime_error(std::string("config key agent-loop.") + key + " must be between " +
                             std::to_string(lo) + " and " + std::to_string(hi));
  return v;
}

} // namespace

Settings loadSettings() {
  Settings s;
  s.flushIntervalMs = ranged("flush_interval_ms", s.flushIntervalMs, 50, 60000);
  s.compactIntervalMs = ranged("compact_interval_ms", s.compactIntervalMs, 50, 3600000);
  s.onlineWindowSeconds = ranged("online_window_seconds", s.onlineWindowSeconds, 1, 86400);
  s.maxRequestsPerDevice = ranged("max_requests_per_device", s.maxRequestsPerDevice, 0, 1000000);
  s.rateWindowSeconds = ranged("rate_window_seconds", s.rateWindowSeconds, 1, 3600);
  s.sysinfoVersion = rdc::configString("sysinfo_version", s.sysinfoVersion);
  s.maxSysinfoBytes = ranged("max_sysinfo_bytes", s.maxSysinfoBytes, 1024, 16 * 1024 * 1024);
  g_settings = s;
  return s;
}

const Settings &settings() {
  return g_settings;
}

} // namespace agent
