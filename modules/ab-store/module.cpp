// Module "ab-store": the address-book store. It owns the tables (schema.cpp)
// and the operator command `rdconsole ab ...` (cli.cpp, cli_history.cpp); it
// serves no routes. The HTTP faces are ab-shared (shared-mode API) and
// ab-legacy (one-blob API); both depend on this module and share its code
// (lib/), so a personal book is one set of data whichever API a client uses.
// It also files devices into books when agent-loop assigns them
// (device_filing.cpp, event agent-loop.address_book_assign).
#include "ab_limits.h"
#include "cli.h"
#include "device_filing.h"
#include "schema.h"

#include <rdconsole/sdk.hpp>

namespace {

void init() {
  ab::setLimits(ab::loadLimits(/*ownModule=*/true));
  ab::addSchema();
  rdc::addCommand("ab", "address books: list, create, grant, revoke, history, restore, ...",
                  ab::runAbCommand);
  // agent-loop files devices into books (rustdesk --assign, sysinfo presets).
  rdc::subscribe(ab::kDeviceFilingTopic,
                 [](std::string_view, std::string_view payload) { ab::onDeviceFiling(payload); });
}

} // namespace

RDC_MODULE("ab-store", "0.1.0", "Address-book store: tables, journal and the ab command",
           RDC_NO_DEPS, init, rdc::noop, rdc::noop)
