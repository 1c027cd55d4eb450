// The user object of the login and currentUser replies (RustDesk UserPayload).
#pragma once

#include <rdconsole/sdk.hpp>

#include <nlohmann/json.hpp>

namespace auth {

// Every key present, no nulls, and "info": {} (the client's strict OIDC parser
// requires it; the login parser tolerates it).
nlohmann::json userJson(const rdc::User &user);

} // namespace auth
