// API tokens live in the core (table core_api_tokens): long-lived bearer
// tokens that belong to no user and allow what their scopes name, e.g. an
// installer script's `rustdesk --assign --token rdcapi_...` (scope
// "devices"). Operators manage them with `rdconsole api-token ...`; modules
// check them through ABI 1.4 (api_token_verify). A token is "rdcapi_" and 43
// base64url characters; only its SHA-256 is stored, so it is shown once, at
// creation.
#pragma once

#include "db/Database.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rdc::auth {

// What every API token starts with, so one found in a script or a log is
// recognisable (and a login token is never mistaken for one).
inline constexpr std::string_view kApiTokenPrefix = "rdcapi_";

// The longest lifetime `api-token create --expires-days` accepts.
inline constexpr int64_t kMaxApiTokenDays = 3650;

// A scope the core knows: what a token with it may do.
struct ApiScope {
  std::string_view name;
  std::string_view description;
};
// Every known scope, ordered by name.
const std::vector<ApiScope> &apiScopes();
// "devices" / "a, b": the known scope names, for messages.
std::string apiScopeNames();

struct ApiToken {
  int64_t id = 0;
  std::string name;                // as created (trimmed); lookups ignore case
  std::vector<std::string> scopes; // sorted, no duplicates
  int64_t createdAtMs = 0;
  int64_t expiresAtMs = 0;  // 0 = never
  int64_t lastUsedAtMs = 0; // 0 = never used
  int64_t revokedAtMs = 0;  // 0 = not revoked
};

// A token just created: its row and the token itself, which nothing can show
// again.
struct CreatedApiToken {
  ApiToken row;
  std::string token;
};

// Who a verified token is, for logs and for what a module records.
struct ApiTokenIdentity {
  int64_t id = 0;
  std::string name;
};

class ApiTokenStore {
public:
  // Unix epoch milliseconds; the tests inject one to move time.
  using Clock = std::function<int64_t()>;
  // `now` empty = the system clock.
  explicit ApiTokenStore(db::Pool &pool, Clock now = {});

  // Trims the name first; names follow the rules of user groups
  // (groupNameProblem). `scopes`: at least one, each known (duplicates
  // collapse). `expiresInDays`: nullopt = never, else 1..kMaxApiTokenDays.
  // Throws std::invalid_argument for any of these, or a name that is taken
  // (regardless of case, revoked tokens included); nothing is written then.
  CreatedApiToken create(std::string_view name, const std::vector<std::string> &scopes,
                         std::optional<int64_t> expiresInDays = std::nullopt);
  std::optional<ApiToken> findByName(std::string_view name); // trimmed, any case
  // Every token, revoked and expired ones too, ordered by name
  // (case-insensitive).
  std::vector<ApiToken> list();
  // True when the token was not revoked yet (an expired one may still be).
  bool revoke(int64_t id);

  // The token's identity when it is live (known, not revoked, not expired)
  // and has `scope`; it then records the use (last_used_at). Nullopt
  // otherwise, without telling why: a caller cannot probe which tokens
  // exist. Text that cannot be an API token costs no database access.
  std::optional<ApiTokenIdentity> verify(std::string_view token, std::string_view scope);

private:
  int64_t now() const;

  db::Pool &pool_;
  Clock now_;
};

} // namespace rdc::auth
