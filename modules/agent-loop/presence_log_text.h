// The presence log's text (presence_log.h): pure logic, no host calls.
#pragma once

#include "presence.h"

#include <string>
#include <string_view>
#include <vector>

namespace agent {

// One line per device: id (bytes below 0x21 and '%' as %XX), last seen,
// version, conns (comma-separated), tab-separated.
std::string encodePresenceLog(const std::vector<PresenceSnapshot> &batch);
// Lines that do not parse are skipped (counted in *skipped when given).
void decodePresenceLog(std::string_view text, std::vector<PresenceSnapshot> &out,
                       size_t *skipped = nullptr);

// Leaves one entry per device, the newest, in id order.
void keepNewest(std::vector<PresenceSnapshot> &v);

} // namespace agent
