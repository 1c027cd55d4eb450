// POST /api/ab/personal, /api/ab/settings, /api/ab/shared/profiles.
#include "handlers.h"
#include "request.h"

#include "books.h"
#include "rules.h"

#include <rdconsole/json.hpp>

namespace abshared {

using nlohmann::json;

void handlePersonal(rdc::Exchange &ex) {
  int64_t userId = userIdOf(ex);
  rdc::Db db = rdc::Db::acquire();
  rdc::replyJson(ex, 200, json{{"guid", ab::ensurePersonal(db, userId).guid}});
}

void handleSettings(rdc::Exchange &ex) {
  // 0 = unlimited, which the client re-asks on every pull (§2.7).
  rdc::replyJson(ex, 200, json{{"max_peer_one_ab", ab::limits().maxPeersPerBook}});
}

void handleSharedProfiles(rdc::Exchange &ex) {
  ab::Caller caller = ab::callerFor(userIdOf(ex));
  Page page = pageOf(ex);
  std::vector<ab::Grant> grants;
  {
    rdc::Db db = rdc::Db::acquire();
    grants = ab::sharedBooksFor(db, caller);
  } // owner names come from the host, which leases its own connection
  json data = json::array();
  for (size_t i = static_cast<size_t>(page.offset());
       i < grants.size() && data.size() < static_cast<size_t>(page.pageSize); ++i) {
    const ab::Grant &g = grants[i];
    auto owner = rdc::getUser(g.book.ownerId, &ex);
    data.push_back(json{{"guid", g.book.guid},
                        {"name", g.book.name},
                        {"owner", owner ? owner->name : std::string()},
                        {"note", g.book.note},
                        {"rule", g.rule},
                        {"info", g.book.info}});
  }
  rdc::replyJson(ex, 200, json{{"total", grants.size()}, {"data", std::move(data)}});
}

} // namespace abshared
