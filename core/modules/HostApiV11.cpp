// The host calls added in ABI 1.1: identity outside a request, user groups,
// a dependency's configuration, and operator commands.
#include "http/Exchange.h"
#include "modules/Host.h"
#include "modules/HostCalls.h"

#include <algorithm>
#include <atomic>
#include <cstring>

namespace rdc::modules {
namespace {

std::atomic<Host *> gHost{nullptr};

// Out views of identity calls made without an exchange (ex == NULL) and of
// group_get: valid until the next such call on the same thread.
thread_local auth::User tlsUser;
thread_local std::string tlsGroupName;

Host *hostFor(rdc_exchange *ex) {
  return ex ? ex->host : gHost.load();
}

Host *hostFor(rdc_module *m) {
  return m && m->host ? m->host : gHost.load();
}

// Keeps `u` where the caller's views may point: the exchange (request
// lifetime) or this thread's slot.
const auth::User &keepUser(rdc_exchange *ex, auth::User u) {
  if (ex)
    return ex->users.emplace_front(std::move(u));
  tlsUser = std::move(u);
  return tlsUser;
}

} // namespace

void setCurrentHost(Host *host) {
  gHost.store(host);
}

Host *currentHost() {
  return gHost.load();
}

namespace calls {

rdc_status userFind(rdc_exchange *ex, const char *name, size_t len, rdc_user *out) {
  return guarded([&] {
    if (!name || !userStructOk(out))
      return fail(RDC_INVALID, "user_find: bad argument");
    Host *host = hostFor(ex);
    if (!host)
      return fail(RDC_STATE, "user_find: no host services in this process");
    auto u = host->users.findByName(std::string_view(name, len));
    if (!u)
      return fail(RDC_NOT_FOUND, "no such user");
    fillUser(keepUser(ex, std::move(*u)), out);
    return RDC_OK;
  });
}

rdc_status userGet(rdc_exchange *ex, int64_t id, rdc_user *out) {
  return guarded([&] {
    if (!userStructOk(out))
      return fail(RDC_INVALID, "user_get: bad argument");
    Host *host = hostFor(ex);
    if (!host)
      return fail(RDC_STATE, "user_get: no host services in this process");
    auto u = host->users.findById(id);
    if (!u)
      return fail(RDC_NOT_FOUND, "no user with id " + std::to_string(id));
    fillUser(keepUser(ex, std::move(*u)), out);
    return RDC_OK;
  });
}

rdc_status groupFind(rdc_module *m, const char *name, size_t len, int64_t *outId) {
  return guarded([&] {
    if (!name || !outId)
      return fail(RDC_INVALID, "group_find: null argument");
    Host *host = hostFor(m);
    if (!host)
      return fail(RDC_STATE, "group_find: no host services in this process");
    auto g = host->groups.findByName(std::string_view(name, len));
    if (!g)
      return fail(RDC_NOT_FOUND, "no such group");
    *outId = g->id;
    return RDC_OK;
  });
}

rdc_status groupGet(rdc_module *m, int64_t id, rdc_str *outName) {
  return guarded([&] {
    if (!outName)
      return fail(RDC_INVALID, "group_get: null argument");
    Host *host = hostFor(m);
    if (!host)
      return fail(RDC_STATE, "group_get: no host services in this process");
    auto g = host->groups.findById(id);
    if (!g)
      return fail(RDC_NOT_FOUND, "no group with id " + std::to_string(id));
    tlsGroupName = std::move(g->name);
    *outName = toStr(tlsGroupName);
    return RDC_OK;
  });
}

rdc_status userGroupIds(rdc_module *m, int64_t userId, int64_t *out, uint32_t cap,
                        uint32_t *count) {
  return guarded([&] {
    if (!count || (!out && cap > 0))
      return fail(RDC_INVALID, "user_group_ids: null argument");
    Host *host = hostFor(m);
    if (!host)
      return fail(RDC_STATE, "user_group_ids: no host services in this process");
    auto ids = host->groups.groupIdsOf(userId);
    size_t n = std::min<size_t>(ids.size(), cap);
    std::copy_n(ids.begin(), n, out);
    *count = static_cast<uint32_t>(std::min<size_t>(ids.size(), UINT32_MAX));
    return RDC_OK;
  });
}

rdc_status configGetFrom(rdc_module *m, const char *module, const char *key, rdc_str *out) {
  return guarded([&] {
    if (!m || !module || !key || !out)
      return fail(RDC_INVALID, "config_get_from: null argument");
    const auto &deps = m->dependencies;
    if (std::find(deps.begin(), deps.end(), module) == deps.end())
      return fail(RDC_DENIED, "config_get_from: module '" + m->name +
                                  "' may read only the "
                                  "configuration of its dependencies, and '" +
                                  std::string(module) + "' is not one");
    std::string full = std::string(module) + "." + key;
    auto value = m->host->config.find(full);
    if (!value)
      return fail(RDC_NOT_FOUND, "config key " + full + " is not set");
    // Kept in the caller's cache: the view lives until the caller's stop.
    std::lock_guard lock(m->configMu);
    auto &slot = m->configCache[full];
    if (slot != *value)
      slot = *value;
    *out = toStr(slot);
    return RDC_OK;
  });
}

rdc_status commandAdd(rdc_module *m, const rdc_command *cmd) {
  return guarded([&] {
    if (!m || !cmd)
      return fail(RDC_INVALID, "command_add: null argument");
    if (!m->registrationOpen)
      return fail(RDC_STATE, "command_add is only allowed during init");
    if (cmd->struct_size < offsetof(rdc_command, user_data) + sizeof(void *))
      return fail(RDC_INVALID, "command_add: rdc_command too small");
    if (!cmd->name || !cmd->fn)
      return fail(RDC_INVALID, "command_add: name and fn are required");
    std::string name(cmd->name, ::strnlen(cmd->name, 64));
    if (auto problem = commandNameProblem(name); !problem.empty())
      return fail(RDC_INVALID, "command_add: '" + name + "' is not a valid name (" + problem + ")");
    if (isCoreVerb(name)) {
      m->commandConflict = "command '" + name + "' collides with the core verb of that name";
      return fail(RDC_CONFLICT, m->commandConflict);
    }
    for (const auto &c : m->commands)
      if (c.name == name)
        return fail(RDC_CONFLICT, "command '" + name + "' was already added by this module");
    m->commands.push_back(Command{name, cmd->summary ? cmd->summary : "", cmd->fn, cmd->user_data});
    return RDC_OK;
  });
}

rdc_status cmdWrite(rdc_command_ctx *ctx, int32_t stream, const char *p, size_t len) {
  return guarded([&] {
    if (!ctx || (!p && len))
      return fail(RDC_INVALID, "cmd_write: null argument");
    if (stream != 1 && stream != 2)
      return fail(RDC_INVALID, "cmd_write: stream must be 1 (stdout) or 2 (stderr)");
    std::ostream *os = stream == 1 ? ctx->out : ctx->err;
    if (!os)
      return fail(RDC_STATE, "cmd_write: stream is closed");
    os->write(p ? p : "", static_cast<std::streamsize>(len));
    if (!*os)
      return fail(RDC_ERROR, "cmd_write: the output could not be written");
    return RDC_OK;
  });
}

} // namespace calls
} // namespace rdc::modules
