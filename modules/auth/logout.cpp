// POST /api/logout: revokes the presented token (USER route).
#include "handlers.h"

namespace auth {

void handleLogout(rdc::Exchange &ex) {
  // The body ({"id","uuid"}) says nothing the token does not; the client
  // ignores the reply. Success is 200 with an empty body (the default).
  if (const auto bearer = ex.bearer())
    rdc::revokeToken(ex, *bearer);
}

} // namespace auth
