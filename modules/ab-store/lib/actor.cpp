#include "actor.h"

#include <rdconsole/sdk.hpp>

namespace ab {

Actor actorOf(rdc::Exchange &ex, const char *via) {
  Actor a;
  a.via = via;
  if (auto u = ex.user())
    a.userId = u->id;
  // The token was already verified by the core (route level USER); this
  // lookup is served from the core's token cache.
  if (auto token = ex.bearer())
    if (auto info = rdc::verifyToken(ex, *token))
      a.deviceId = info->deviceId;
  return a;
}

} // namespace ab
