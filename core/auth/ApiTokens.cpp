#include "auth/ApiTokens.h"

#include "auth/Groups.h"
#include "auth/Paging.h"
#include "auth/Tokens.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace rdc::auth {
namespace {

const char *const kColumns =
    "id, name, scopes, created_at, expires_at, last_used_at, revoked_at FROM core_api_tokens";

int64_t systemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool knownScope(std::string_view s) {
  const auto &all = apiScopes();
  return std::any_of(all.begin(), all.end(), [&](const ApiScope &k) { return k.name == s; });
}

// Stored space-separated; every scope name is one word.
std::vector<std::string> splitScopes(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const size_t sp = text.find(' ');
    if (sp != 0)
      out.emplace_back(text.substr(0, sp));
    if (sp == std::string_view::npos)
      break;
    text.remove_prefix(sp + 1);
  }
  return out;
}

ApiToken readToken(db::Statement &st) {
  ApiToken t;
  t.id = st.columnInt(0);
  t.name = std::string(st.columnText(1));
  t.scopes = splitScopes(st.columnText(2));
  t.createdAtMs = st.columnInt(3);
  t.expiresAtMs = st.columnInt(4); // NULL reads as 0 on both engines
  t.lastUsedAtMs = st.columnInt(5);
  t.revokedAtMs = st.columnInt(6);
  return t;
}

// The scopes as stored: checked, sorted, without duplicates.
std::vector<std::string> checkedScopes(const std::vector<std::string> &scopes) {
  if (scopes.empty())
    throw std::invalid_argument(
        "an API token needs at least one scope (known scopes: " + apiScopeNames() + ")");
  std::vector<std::string> out;
  for (const std::string &s : scopes) {
    if (!knownScope(s))
      throw std::invalid_argument("unknown scope '" + s + "' (known scopes: " + apiScopeNames() +
                                  ")");
    out.push_back(s);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string joined(const std::vector<std::string> &scopes) {
  std::string out;
  for (const std::string &s : scopes)
    out += (out.empty() ? "" : " ") + s;
  return out;
}

} // namespace

const std::vector<ApiScope> &apiScopes() {
  static const std::vector<ApiScope> scopes = {
      {"devices", "assign devices with rustdesk --assign (POST /api/devices/cli)"},
  };
  return scopes;
}

std::string apiScopeNames() {
  std::string out;
  for (const ApiScope &s : apiScopes())
    out += (out.empty() ? "" : ", ") + std::string(s.name);
  return out;
}

ApiTokenStore::ApiTokenStore(db::Pool &pool, Clock now) : pool_(pool), now_(std::move(now)) {}

int64_t ApiTokenStore::now() const {
  return now_ ? now_() : systemNowMs();
}

CreatedApiToken ApiTokenStore::create(std::string_view rawName,
                                      const std::vector<std::string> &scopes,
                                      std::optional<int64_t> expiresInDays) {
  const std::string name = trimGroupName(rawName);
  if (auto problem = groupNameProblem(name, "API token name"); !problem.empty())
    throw std::invalid_argument(problem);
  const std::vector<std::string> scopeList = checkedScopes(scopes);
  if (expiresInDays && (*expiresInDays < 1 || *expiresInDays > kMaxApiTokenDays))
    throw std::invalid_argument("an API token expires after 1 to " +
                                std::to_string(kMaxApiTokenDays) +
                                " days (leave the expiry out for one that never expires)");

  CreatedApiToken out;
  out.token = std::string(kApiTokenPrefix) + randomTokenText();
  ApiToken &t = out.row;
  t.name = name;
  t.scopes = scopeList;
  t.createdAtMs = now();
  if (expiresInDays)
    t.expiresAtMs = t.createdAtMs + *expiresInDays * 86400 * 1000;
  const db::Param expires = t.expiresAtMs ? db::Param(t.expiresAtMs) : db::Param(nullptr);
  try {
    auto conn = pool_.acquire();
    auto st = conn->prepare("INSERT INTO core_api_tokens (name, name_key, token_hash, scopes, "
                            "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
    db::bindAll(*st, {t.name, groupNameKey(t.name), tokenHash(out.token), joined(t.scopes),
                      t.createdAtMs, expires});
    if (st->step() != db::Step::Row)
      throw db::DbError(db::DbError::Kind::Other, "INSERT ... RETURNING returned no row");
    t.id = st->columnInt(0);
    while (st->step() == db::Step::Row) {
    }
  } catch (const db::DbError &e) {
    // The name: a hash of 32 fresh random bytes does not collide.
    if (e.kind() != db::DbError::Kind::Conflict)
      throw;
    auto taken = findByName(name);
    throw std::invalid_argument("API token name '" + name + "' is already taken" +
                                (taken && taken->revokedAtMs ? " (by a revoked token)" : ""));
  }
  return out;
}

std::optional<ApiToken> ApiTokenStore::findByName(std::string_view name) {
  auto conn = pool_.acquire();
  auto st = conn->prepare(std::string("SELECT ") + kColumns + " WHERE name_key = ?");
  db::bindAll(*st, {groupNameKey(trimGroupName(name))});
  if (st->step() != db::Step::Row)
    return std::nullopt;
  return readToken(*st);
}

std::vector<ApiToken> ApiTokenStore::list() {
  std::vector<ApiToken> out;
  auto conn = pool_.acquire();
  auto st = conn->prepare(std::string("SELECT ") + kColumns + " ORDER BY " +
                          byteOrder(conn->engine(), "name_key"));
  while (st->step() == db::Step::Row)
    out.push_back(readToken(*st));
  return out;
}

bool ApiTokenStore::revoke(int64_t id) {
  auto conn = pool_.acquire();
  return db::exec(*conn,
                  "UPDATE core_api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                  {now(), id}) > 0;
}

std::optional<ApiTokenIdentity> ApiTokenStore::verify(std::string_view token,
                                                      std::string_view scope) {
  if (token.substr(0, kApiTokenPrefix.size()) != kApiTokenPrefix ||
      !isTokenText(token.substr(kApiTokenPrefix.size())))
    return std::nullopt;
  const int64_t at = now();
  auto conn = pool_.acquire();
  ApiTokenIdentity who;
  {
    auto st = conn->prepare("SELECT id, name, scopes FROM core_api_tokens WHERE token_hash = ? "
                            "AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)");
    db::bindAll(*st, {tokenHash(token), at});
    if (st->step() != db::Step::Row)
      return std::nullopt;
    const auto scopes = splitScopes(st->columnText(2));
    if (std::find(scopes.begin(), scopes.end(), scope) == scopes.end())
      return std::nullopt;
    who.id = st->columnInt(0);
    who.name = std::string(st->columnText(1));
  }
  // One small write per use: API tokens serve installs, not every heartbeat.
  db::exec(*conn, "UPDATE core_api_tokens SET last_used_at = ? WHERE id = ?", {at, who.id});
  return who;
}

} // namespace rdc::auth
