// The host call added in ABI 1.4: api_token_verify, which checks an API token
// (rdconsole api-token ...) against a scope for a module's route, e.g.
// agent-loop's POST /api/devices/cli with scope "devices".
#include "http/Exchange.h"
#include "modules/Host.h"
#include "modules/HostCalls.h"

#include <cstddef>
#include <cstring>

namespace rdc::modules::calls {
namespace {

// The out view's name: valid until this thread's next api_token_verify (the
// call may run without an exchange, so it cannot live there).
thread_local std::string tlsApiTokenName;

} // namespace

rdc_status apiTokenVerify(rdc_exchange *ex, const char *token, size_t len, const char *scope,
                          rdc_api_token *out) {
  return guarded([&] {
    if ((!token && len) || !scope || !out ||
        out->struct_size < offsetof(rdc_api_token, name) + sizeof(rdc_str))
      return fail(RDC_INVALID, "api_token_verify: bad argument");
    Host *host = ex ? ex->host : currentHost();
    if (!host)
      return fail(RDC_STATE, "api_token_verify: no host services in this process");
    auto who = host->apiTokens.verify(std::string_view(token ? token : "", len), scope);
    // One answer for every refusal: a caller cannot tell an unknown token
    // from a revoked one or one without the scope.
    if (!who)
      return fail(RDC_DENIED, std::string("not an API token with scope '") + scope +
                                  "' (unknown, revoked or expired, or without that scope)");
    tlsApiTokenName = std::move(who->name);
    out->id = who->id;
    out->name = toStr(tlsApiTokenName);
    return RDC_OK;
  });
}

} // namespace rdc::modules::calls
