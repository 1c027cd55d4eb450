// Which presets a device's last sysinfo uploads already applied (migration 5).
// A client sends its presets with every upload; applying them only when they
// differ from the last applied set means an administrator's later change
// (another owner, group or strategy) is not undone by the next upload, while
// a client reconfigured with other presets is assigned again. Only a SHA-256
// digest is kept: the presets may carry an address-book password.
#pragma once

#include "assign.h"

#include <rdconsole/sdk.hpp>

#include <string>
#include <string_view>

namespace agent {

void addPresetMemorySchema();

// A digest of every field of the request (present or not).
std::string presetDigest(const AssignRequest &presets);

// True when `digest` is what was last applied to the device.
bool presetsApplied(rdc::Db &db, std::string_view deviceId, std::string_view digest);
void rememberPresets(rdc::Db &db, std::string_view deviceId, std::string_view digest,
                     int64_t nowMs);

} // namespace agent
