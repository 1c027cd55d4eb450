// The host calls added in ABI 1.3: device groups (device_group_find,
// device_group_get, device_group_ids), assignment (device_update) and the
// group view's paged reads (device_list, user_list). A page is read in full
// and the connection returned before the module's callback sees the first
// row, so a callback may make host calls of its own (even on a pool of one).
#include "modules/Host.h"
#include "modules/HostCalls.h"

#include <algorithm>
#include <cstddef>

namespace rdc::modules::calls {
namespace {

// device_group_get's out view: valid until this thread's next such call.
thread_local std::string tlsDeviceGroupName;

Host *hostFor(rdc_module *m) {
  return m && m->host ? m->host : currentHost();
}

rdc_status noHost(const char *call) {
  return fail(RDC_STATE, std::string(call) + ": no host services in this process");
}

// Store refusals (std::invalid_argument) become RDC_INVALID prefixed with the
// call; everything else is left to guarded().
template <class F> auto invalidAs(const char *call, F &&f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::invalid_argument &e) {
    throw std::invalid_argument(std::string(call) + ": " + e.what());
  }
}

// Calls the module's callback for each row. Callbacks must not throw (the
// ABI says so), but one that does ends the call with RDC_ERROR here rather
// than unwinding through the module's C frames any further.
template <class Row, class Fn>
rdc_status deliver(const char *call, const std::vector<Row> &rows, Fn &&each) {
  try {
    for (const Row &row : rows)
      each(row);
  } catch (...) {
    return fail(RDC_ERROR, std::string(call) + ": the module's callback threw (callbacks must "
                                               "not let exceptions escape)");
  }
  return RDC_OK;
}

} // namespace

rdc_status deviceGroupFind(rdc_module *m, const char *name, size_t len, int64_t *outId) {
  return guarded([&] {
    if ((!name && len) || !outId)
      return fail(RDC_INVALID, "device_group_find: null argument");
    Host *host = hostFor(m);
    if (!host)
      return noHost("device_group_find");
    auto g = host->deviceGroups.findByName(std::string_view(name ? name : "", len));
    if (!g)
      return fail(RDC_NOT_FOUND, "no such device group");
    *outId = g->id;
    return RDC_OK;
  });
}

rdc_status deviceGroupGet(rdc_module *m, int64_t id, rdc_str *outName) {
  return guarded([&] {
    if (!outName)
      return fail(RDC_INVALID, "device_group_get: null argument");
    Host *host = hostFor(m);
    if (!host)
      return noHost("device_group_get");
    auto g = host->deviceGroups.findById(id);
    if (!g)
      return fail(RDC_NOT_FOUND, "no device group with id " + std::to_string(id));
    tlsDeviceGroupName = std::move(g->name);
    *outName = toStr(tlsDeviceGroupName);
    return RDC_OK;
  });
}

rdc_status deviceGroupIds(rdc_module *m, int64_t viewerUserId, int64_t *out, uint32_t cap,
                          uint32_t *count) {
  return guarded([&] {
    if (!count || (!out && cap > 0))
      return fail(RDC_INVALID, "device_group_ids: null argument");
    if (viewerUserId < 0)
      return fail(RDC_INVALID, "device_group_ids: viewer_user_id must not be negative");
    Host *host = hostFor(m);
    if (!host)
      return noHost("device_group_ids");
    auto ids = viewerUserId == 0 ? host->deviceGroups.ids()
                                 : host->deviceGroups.idsVisibleTo(viewerUserId);
    size_t n = std::min<size_t>(ids.size(), cap);
    std::copy_n(ids.begin(), n, out);
    *count = static_cast<uint32_t>(std::min<size_t>(ids.size(), UINT32_MAX));
    return RDC_OK;
  });
}

rdc_status deviceUpdate(rdc_module *m, const char *id, size_t idLen, const rdc_device_update *u) {
  return guarded([&] {
    constexpr uint32_t kKnown = RDC_DEVICE_SET_OWNER | RDC_DEVICE_SET_GROUP | RDC_DEVICE_SET_NOTE;
    if (!id || !u || u->struct_size < offsetof(rdc_device_update, note) + sizeof(rdc_str))
      return fail(RDC_INVALID, "device_update: bad argument");
    if (u->fields & ~kKnown)
      return fail(RDC_INVALID, "device_update: unknown bits in fields");
    if ((u->fields & RDC_DEVICE_SET_NOTE) && !u->note.ptr && u->note.len)
      return fail(RDC_INVALID, "device_update: null note");
    const std::string_view sid(id, idLen);
    auth::DeviceChange change;
    if (u->fields & RDC_DEVICE_SET_OWNER)
      change.ownerUserId = u->owner_user_id;
    if (u->fields & RDC_DEVICE_SET_GROUP)
      change.deviceGroupId = u->device_group_id;
    if (u->fields & RDC_DEVICE_SET_NOTE)
      change.note = std::string(u->note.ptr ? u->note.ptr : "", u->note.len);
    Host *host = hostFor(m);
    if (!host)
      return noHost("device_update");
    if (!invalidAs("device_update", [&] { return host->devices.update(sid, change); }))
      return fail(RDC_NOT_FOUND, "no device with id '" + std::string(sid) + "'");
    return RDC_OK;
  });
}

rdc_status deviceList(rdc_module *m, const rdc_device_query *q, rdc_device_fn fn, void *userData,
                      int64_t *total) {
  return guarded([&] {
    if (!q || !fn || !total || q->struct_size < offsetof(rdc_device_query, limit) + sizeof(int64_t))
      return fail(RDC_INVALID, "device_list: bad argument");
    Host *host = hostFor(m);
    if (!host)
      return noHost("device_list");
    const auto page = invalidAs(
        "device_list", [&] { return host->devices.page(q->viewer_user_id, q->offset, q->limit); });
    *total = page.total;
    return deliver("device_list", page.rows, [&](const auth::Device &d) {
      rdc_device v{};
      v.struct_size = sizeof v;
      v.row_id = d.rowId;
      v.id = toStr(d.id);
      v.uuid = toStr(d.uuid);
      v.owner_user_id = d.ownerUserId;
      v.device_group_id = d.deviceGroupId;
      v.note = toStr(d.note);
      v.created_at_ms = d.createdAtMs;
      fn(&v, userData);
    });
  });
}

rdc_status userList(rdc_module *m, int64_t offset, int64_t limit, int32_t status, rdc_user_fn fn,
                    void *userData, int64_t *total) {
  return guarded([&] {
    if (!fn || !total)
      return fail(RDC_INVALID, "user_list: null argument");
    Host *host = hostFor(m);
    if (!host)
      return noHost("user_list");
    const auto page =
        invalidAs("user_list", [&] { return host->users.page(offset, limit, status); });
    *total = page.total;
    return deliver("user_list", page.rows, [&](const auth::User &u) {
      rdc_user v{};
      v.struct_size = sizeof v;
      fillUser(u, &v);
      fn(&v, userData);
    });
  });
}

} // namespace rdc::modules::calls
