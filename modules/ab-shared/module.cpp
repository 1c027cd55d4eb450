// Module "ab-shared": the shared-mode address-book API of RustDesk clients
// (client-truth §2.7-2.18): the personal book, shared books with rules, their
// peers and tags. Data lives in ab-store (lib/: books, rules, book_tx).
#include "handlers.h"

#include "ab_limits.h"

#include <rdconsole/sdk.hpp>

namespace {

void init() {
  ab::setLimits(ab::loadLimits(/*ownModule=*/false));
  using namespace abshared;
  // Pulls (POST with no body, client-truth §5.1).
  rdc::addRoute("POST", "/api/ab/personal", RDC_AUTH_USER, handlePersonal);
  rdc::addRoute("POST", "/api/ab/settings", RDC_AUTH_USER, handleSettings);
  rdc::addRoute("POST", "/api/ab/shared/profiles", RDC_AUTH_USER, handleSharedProfiles);
  rdc::addRoute("POST", "/api/ab/peers", RDC_AUTH_USER, handlePeers);
  rdc::addRoute("POST", "/api/ab/tags/{guid}", RDC_AUTH_USER, handleTags);
  // Peer mutations.
  rdc::addRoute("POST", "/api/ab/peer/add/{guid}", RDC_AUTH_USER, handlePeerAdd);
  rdc::addRoute("PUT", "/api/ab/peer/update/{guid}", RDC_AUTH_USER, handlePeerUpdate);
  rdc::addRoute("DELETE", "/api/ab/peer/{guid}", RDC_AUTH_USER, handlePeerDelete);
  // Tag mutations.
  rdc::addRoute("POST", "/api/ab/tag/add/{guid}", RDC_AUTH_USER, handleTagAdd);
  rdc::addRoute("PUT", "/api/ab/tag/rename/{guid}", RDC_AUTH_USER, handleTagRename);
  rdc::addRoute("PUT", "/api/ab/tag/update/{guid}", RDC_AUTH_USER, handleTagUpdate);
  rdc::addRoute("DELETE", "/api/ab/tag/{guid}", RDC_AUTH_USER, handleTagDelete);
}

} // namespace

static const char *const kDeps[] = {"ab-store", nullptr};
RDC_MODULE("ab-shared", "0.1.0", "Shared-mode address books (personal + shared, rules, tags)",
           kDeps, init, rdc::noop, rdc::noop)
