// Module "ab-legacy": the one-blob address-book API of older clients and of
// clients whose server answers 404 to /api/ab/personal (i.e. ab-shared is not
// loaded). Data lives in ab-store; the personal book is the same one
// ab-shared serves.
#include "legacy_api.h"

#include "ab_limits.h"

#include <rdconsole/sdk.hpp>

namespace {

void init() {
  ab::setLimits(ab::loadLimits(/*ownModule=*/false));
  // A whole book travels in one request: several MB for large books.
  int64_t maxBody = rdc::configInt("max_body_bytes", 32 * 1024 * 1024);
  if (maxBody <= 0)
    throw std::runtime_error("config key ab-legacy.max_body_bytes must be positive");
  rdc::addRoute("GET", "/api/ab", RDC_AUTH_USER, ablegacy::handleGet);
  rdc::addRoute("POST", "/api/ab", RDC_AUTH_USER, ablegacy::handleReplace, maxBody);
  rdc::addRoute("POST", "/api/ab/get", RDC_AUTH_USER, ablegacy::handleSciterGet);
}

} // namespace

static const char *const kDeps[] = {"ab-store", nullptr};
RDC_MODULE("ab-legacy", "0.1.0", "Legacy one-blob address book (GET/POST /api/ab)", kDeps, init,
           rdc::noop, rdc::noop)
