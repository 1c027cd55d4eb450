// The preset-* keys of a sysinfo body (client-truth §0 B4, §2.26): a client
// configured with presets sends them on every sysinfo upload, and the server
// assigns the device accordingly (assign.h). Pure logic.
#pragma once

#include "assign.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace agent {

// The presets as an assignment. Keys are hyphenated as stock clients send
// them (preset-address-book-name, -tag, -alias, -password, -note,
// preset-user-name, preset-strategy-name, preset-device-group-name,
// preset-note); the underscored spellings of the old spec (preset_user_name,
// preset_username, ...) are read too, and the hyphenated key wins. Empty
// values count as absent, and the address-book extras count only with an
// address-book name. A value that is not a string is skipped and its key
// added to `skipped`.
AssignRequest presetsOf(const nlohmann::json &sysinfo, std::vector<std::string> *skipped);

// True when presetsOf found something to do.
bool hasPresets(const AssignRequest &r);

} // namespace agent
