// Differential fuzzing of the heartbeat body readers: whenever the plain-form
// scanner (heartbeat_scan.h) reads a body, the general JSON parser must accept
// it and read the same heartbeat; and parseHeartbeat, whichever way it goes,
// fails only with a 4xx rdc::HttpError. Any violation aborts.
#include "agent_request.h"
#include "heartbeat_scan.h"

#include <rdconsole/sdk.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {
void require(bool ok, const char *what) {
  if (!ok) {
    std::fprintf(stderr, "property violated: %s\n", what);
    std::abort();
  }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view body(reinterpret_cast<const char *>(data), size);
  std::optional<agent::Heartbeat> scanned = agent::scanPlainHeartbeat(body);
  try {
    agent::Heartbeat parsed = agent::parseHeartbeatJson(body);
    if (scanned) {
      require(scanned->device.id == parsed.device.id, "same id");
      require(scanned->device.uuid == parsed.device.uuid, "same uuid");
      require(scanned->ver == parsed.ver, "same ver");
      require(scanned->modifiedAt == parsed.modifiedAt, "same modified_at");
      require(scanned->conns == parsed.conns, "same conns");
    }
  } catch (const rdc::HttpError &e) {
    require(!scanned, "the scanner reads only bodies the parser accepts");
    require(e.status() >= 400 && e.status() < 500, "bad input is answered with a 4xx");
  }
  try {
    (void)agent::parseHeartbeat(body);
  } catch (const rdc::HttpError &e) {
    require(e.status() >= 400 && e.status() < 500, "bad input is answered with a 4xx");
  }
  return 0;
}
