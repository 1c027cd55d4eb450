// Who made a change, for the journal: the user, the device their token is
// bound to, and which door the change came through.
#pragma once

#include <cstdint>
#include <string>

namespace rdc {
class Exchange;
}

namespace ab {

struct Actor {
  int64_t userId = 0;   // 0 = the operator CLI
  std::string deviceId; // the RustDesk id the token was issued to ("" = unknown)
  std::string via;      // "ab-shared", "ab-legacy" or "cli"
};

// The authenticated user of `ex` and the device bound to its bearer token.
Actor actorOf(rdc::Exchange &ex, const char *via);

inline Actor operatorActor() {
  return Actor{0, "", "cli"};
}

} // namespace ab
