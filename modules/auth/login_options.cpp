// GET /api/login-options: the login methods offered to the client.
#include "handlers.h"

#include <rdconsole/json.hpp>

namespace auth {

void handleLoginOptions(rdc::Exchange &ex) {
  // Only password login. The client lists "oidc/<name>" items as provider
  // buttons and ignores the rest; it always shows the password form.
  rdc::replyJson(ex, 200, nlohmann::json::array({"account"}));
}

} // namespace auth
