// Reads a heartbeat body in the plain form the real client sends (client-truth
// §2.24: {"id","uuid","ver","conns"?,"modified_at"}) without building a JSON
// document: the heartbeat is the server's hottest request, and the general
// parser's allocations were a tenth of its cost. Pure logic.
#pragma once

#include "agent_request.h"

#include <optional>
#include <string_view>

namespace agent {

// The heartbeat, when `body` is a JSON object holding only the known keys,
// each once, with strings of printable ASCII without escapes and integers
// without fraction or exponent, every value valid for its field. Anything else
// (other keys, escapes, non-ASCII, a bad value, malformed JSON) gives nullopt,
// and the caller reads the body with the full parser instead, which accepts
// it the same way or answers the precise error: for every body this either
// returns what parseHeartbeatJson returns, or nullopt.
std::optional<Heartbeat> scanPlainHeartbeat(std::string_view body);

} // namespace agent
