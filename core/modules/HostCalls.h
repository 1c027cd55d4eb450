// Internal to core/modules: what the host-table trampolines share (status +
// thread-local message, exception guard, view helpers), and the calls of
// later minors, which live in HostApiV11.cpp, HostApiV12.cpp,
// HostApiV13.cpp and HostApiV14.cpp. Every call
// is noexcept towards the module: exceptions become status codes plus
// last_error().
#pragma once

#include "auth/Users.h"
#include "db/Database.h"
#include "rdconsole/module.h"

#include <stdexcept>
#include <string>
#include <string_view>

namespace rdc::modules::calls {

// Records `msg` as this thread's last_error() and returns `code`.
rdc_status fail(rdc_status code, std::string msg);
rdc_status fromDbError(const db::DbError &e);
const char *lastErrorText();

template <class F> rdc_status guarded(F &&f) noexcept {
  try {
    return f();
  } catch (const db::DbError &e) {
    return fromDbError(e);
  } catch (const std::invalid_argument &e) {
    return fail(RDC_INVALID, e.what());
  } catch (const std::exception &e) {
    return fail(RDC_ERROR, e.what());
  } catch (...) {
    return fail(RDC_ERROR, "unknown failure");
  }
}

inline rdc_str toStr(std::string_view s) {
  return rdc_str{s.data(), s.size()};
}

// Views into `u`, which must outlive their use.
void fillUser(const auth::User &u, rdc_user *out);
bool userStructOk(const rdc_user *out);

// ---- ABI 1.1 (HostApiV11.cpp) ------------------------------------------------
rdc_status userFind(rdc_exchange *ex, const char *name, size_t len, rdc_user *out);
rdc_status userGet(rdc_exchange *ex, int64_t id, rdc_user *out);
rdc_status groupFind(rdc_module *m, const char *name, size_t len, int64_t *outId);
rdc_status groupGet(rdc_module *m, int64_t id, rdc_str *outName);
rdc_status userGroupIds(rdc_module *m, int64_t userId, int64_t *out, uint32_t cap, uint32_t *count);
rdc_status configGetFrom(rdc_module *m, const char *module, const char *key, rdc_str *out);
rdc_status commandAdd(rdc_module *m, const rdc_command *cmd);
rdc_status cmdWrite(rdc_command_ctx *ctx, int32_t stream, const char *p, size_t len);

// ---- ABI 1.2 (HostApiV12.cpp) ------------------------------------------------
rdc_status deviceGet(rdc_module *m, const char *id, size_t idLen, rdc_device *out);
rdc_status devicePin(rdc_module *m, const char *id, size_t idLen, const char *uuid, size_t uuidLen,
                     rdc_device *out);
rdc_status deviceRepin(rdc_module *m, const char *id, size_t idLen, const char *uuid,
                       size_t uuidLen);

// ---- ABI 1.3 (HostApiV13.cpp) ------------------------------------------------
rdc_status deviceGroupFind(rdc_module *m, const char *name, size_t len, int64_t *outId);
rdc_status deviceGroupGet(rdc_module *m, int64_t id, rdc_str *outName);
rdc_status deviceGroupIds(rdc_module *m, int64_t viewerUserId, int64_t *out, uint32_t cap,
                          uint32_t *count);
rdc_status deviceUpdate(rdc_module *m, const char *id, size_t idLen, const rdc_device_update *u);
rdc_status deviceList(rdc_module *m, const rdc_device_query *q, rdc_device_fn fn, void *userData,
                      int64_t *total);
rdc_status userList(rdc_module *m, int64_t offset, int64_t limit, int32_t status, rdc_user_fn fn,
                    void *userData, int64_t *total);

// ---- ABI 1.4 (HostApiV14.cpp) ------------------------------------------------
rdc_status apiTokenVerify(rdc_exchange *ex, const char *token, size_t len, const char *scope,
                          rdc_api_token *out);

} // namespace rdc::modules::calls
