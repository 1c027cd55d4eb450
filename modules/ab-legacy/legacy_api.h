// The legacy one-blob address-book API (client-truth §2.19, §2.20, E5).
#pragma once

#include <rdconsole/sdk.hpp>

namespace ablegacy {

void handleGet(rdc::Exchange &ex);       // GET /api/ab
void handleReplace(rdc::Exchange &ex);   // POST /api/ab
void handleSciterGet(rdc::Exchange &ex); // POST /api/ab/get

} // namespace ablegacy
