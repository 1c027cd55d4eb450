// The host calls added in ABI 1.2: the core device registry (device_get,
// device_pin, device_repin). Out views live in this thread's storage until
// its next device call, as the 1.1 identity calls without an exchange.
#include "modules/Host.h"
#include "modules/HostCalls.h"

#include <cstddef>

namespace rdc::modules::calls {
namespace {

thread_local auth::Device tlsDevice;

Host *hostFor(rdc_module *m) {
  return m && m->host ? m->host : currentHost();
}

bool deviceStructOk(const rdc_device *out) {
  return out && out->struct_size >= offsetof(rdc_device, created_at_ms) + sizeof(int64_t);
}

// A (pointer, length) argument as text; NULL is only acceptable as "".
bool textArg(const char *p, size_t len, std::string_view &out) {
  if (!p && len)
    return false;
  out = std::string_view(p ? p : "", len);
  return true;
}

// Empty, too long, NUL or other control characters, bad UTF-8: RDC_INVALID
// with the store's wording, prefixed by the call.
rdc_status badText(const char *call, const std::string &problem) {
  return fail(RDC_INVALID, std::string(call) + ": " + problem);
}

void fillDevice(auth::Device d, rdc_device *out) {
  tlsDevice = std::move(d);
  out->row_id = tlsDevice.rowId;
  out->id = toStr(tlsDevice.id);
  out->uuid = toStr(tlsDevice.uuid);
  out->owner_user_id = tlsDevice.ownerUserId;
  out->device_group_id = tlsDevice.deviceGroupId;
  out->note = toStr(tlsDevice.note);
  out->created_at_ms = tlsDevice.createdAtMs;
}

} // namespace

rdc_status deviceGet(rdc_module *m, const char *id, size_t idLen, rdc_device *out) {
  return guarded([&] {
    std::string_view sid;
    if (!id || !textArg(id, idLen, sid) || !deviceStructOk(out))
      return fail(RDC_INVALID, "device_get: bad argument");
    if (auto problem = auth::deviceIdProblem(sid); !problem.empty())
      return badText("device_get", problem);
    Host *host = hostFor(m);
    if (!host)
      return fail(RDC_STATE, "device_get: no host services in this process");
    auto d = host->devices.get(sid);
    if (!d)
      return fail(RDC_NOT_FOUND, "no device with id '" + std::string(sid) + "'");
    fillDevice(std::move(*d), out);
    return RDC_OK;
  });
}

rdc_status devicePin(rdc_module *m, const char *id, size_t idLen, const char *uuid, size_t uuidLen,
                     rdc_device *out) {
  return guarded([&] {
    std::string_view sid, suuid;
    if (!id || !uuid || !textArg(id, idLen, sid) || !textArg(uuid, uuidLen, suuid) ||
        !deviceStructOk(out))
      return fail(RDC_INVALID, "device_pin: bad argument");
    if (auto problem = auth::deviceIdProblem(sid); !problem.empty())
      return badText("device_pin", problem);
    if (auto problem = auth::deviceUuidProblem(suuid); !problem.empty())
      return badText("device_pin", problem);
    Host *host = hostFor(m);
    if (!host)
      return fail(RDC_STATE, "device_pin: no host services in this process");
    auto r = host->devices.pin(sid, suuid);
    fillDevice(std::move(r.device), out);
    if (!r.pinnedMatches)
      return fail(RDC_CONFLICT, "device '" + std::string(sid) + "' is pinned to another uuid");
    return RDC_OK;
  });
}

rdc_status deviceRepin(rdc_module *m, const char *id, size_t idLen, const char *uuid,
                       size_t uuidLen) {
  return guarded([&] {
    std::string_view sid, suuid;
    // A NULL uuid of length 0 is the empty uuid: unpin.
    if (!id || !textArg(id, idLen, sid) || !textArg(uuid, uuidLen, suuid))
      return fail(RDC_INVALID, "device_repin: bad argument");
    if (auto problem = auth::deviceIdProblem(sid); !problem.empty())
      return badText("device_repin", problem);
    if (auto problem = auth::deviceUuidProblem(suuid, true); !problem.empty())
      return badText("device_repin", problem);
    Host *host = hostFor(m);
    if (!host)
      return fail(RDC_STATE, "device_repin: no host services in this process");
    if (!host->devices.repin(sid, suuid))
      return fail(RDC_NOT_FOUND, "no device with id '" + std::string(sid) + "'");
    return RDC_OK;
  });
}

} // namespace rdc::modules::calls
