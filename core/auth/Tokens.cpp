#include "auth/Tokens.h"

#include "auth/UserRow.h"
#include "db/Migrations.h"

#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

namespace rdc::auth {
namespace {

constexpr size_t kTokenBytes = 32;
constexpr size_t kTokenChars = 43; // base64url of 32 bytes, no padding
// Bound on cached verifications. Past it the cache drops expired entries and,
// if that is not enough, everything: a flood of distinct valid tokens then
// costs DB lookups, never unbounded memory.
constexpr size_t kMaxCached = 100000;

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string base64url(const unsigned char *p, size_t n) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((n * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const uint32_t v = (uint32_t(p[i]) << 16) | (uint32_t(p[i + 1]) << 8) | p[i + 2];
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  if (n - i == 1) {
    const uint32_t v = uint32_t(p[i]) << 16;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
  } else if (n - i == 2) {
    const uint32_t v = (uint32_t(p[i]) << 16) | (uint32_t(p[i + 1]) << 8);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
  }
  return out;
}

} // namespace

std::string tokenHash(std::string_view token) {
  return db::sha256Hex(token);
}

std::string randomTokenText() {
  unsigned char raw[kTokenBytes];
  if (RAND_bytes(raw, sizeof raw) != 1)
    throw std::runtime_error("cannot generate a token (OpenSSL RAND_bytes failed)");
  return base64url(raw, sizeof raw);
}

bool isTokenText(std::string_view text) {
  if (text.size() != kTokenChars)
    return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

TokenService::TokenService(db::Pool &pool, UserStore &users, std::chrono::seconds lifetime,
                           std::chrono::seconds cacheFor)
    : pool_(pool), users_(users), lifetime_(lifetime), cacheFor_(cacheFor) {
  if (lifetime_.count() <= 0)
    throw std::invalid_argument("token lifetime must be positive");
  if (cacheFor_.count() < 0)
    throw std::invalid_argument("token cache time must not be negative");
}

std::string TokenService::issue(const TokenBinding &b, std::chrono::seconds lifetime) {
  if (lifetime.count() < 0)
    throw std::invalid_argument("token lifetime must not be negative");
  if (lifetime.count() == 0)
    lifetime = lifetime_;
  // A disabled user must not be handed fresh credentials by any login path.
  auto user = users_.findById(b.userId);
  if (!user)
    throw std::invalid_argument("cannot issue a token: no user with id " +
                                std::to_string(b.userId));
  if (user->status == 0)
    throw std::invalid_argument("cannot issue a token: user '" + user->name + "' is disabled");
  std::string token = randomTokenText();
  const int64_t now = nowMs();
  const int64_t expires =
      now + std::chrono::duration_cast<std::chrono::milliseconds>(lifetime).count();
  auto conn = pool_.acquire();
  try {
    db::exec(*conn,
             "INSERT INTO core_tokens (token_hash, user_id, device_id, device_uuid, device_os, "
             "device_name, client_ip, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
             {tokenHash(token), b.userId, b.deviceId, b.deviceUuid, b.deviceOs, b.deviceName,
              b.clientIp, now, expires});
  } catch (const db::DbError &e) {
    // The user foreign key: the user was deleted since the check above.
    if (e.kind() == db::DbError::Kind::Conflict)
      throw std::invalid_argument("cannot issue a token: no user with id " +
                                  std::to_string(b.userId));
    throw;
  }
  return token;
}

std::optional<Principal> TokenService::verify(std::string_view token) {
  if (!isTokenText(token))
    return std::nullopt;
  const std::string key = tokenHash(token);
  const auto steadyNow = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(key); it != cache_.end()) {
      if (it->second.until > steadyNow)
        return it->second.p;
      cache_.erase(it);
    }
  }

  const int64_t now = nowMs();
  std::optional<Principal> found;
  {
    auto conn = pool_.acquire();
    // One query: the token row and the *current* user row, so a disabled or
    // deleted user stops verifying as soon as the cache entry lapses.
    auto st = conn->prepare("SELECT t.id, t.device_id, t.device_uuid, t.expires_at, " +
                            detail::userColumns("u") +
                            " FROM core_tokens t JOIN core_users u ON u.id = t.user_id"
                            " WHERE t.token_hash = ? AND t.revoked_at IS NULL"
                            " AND t.expires_at > ? AND u.status <> 0");
    db::bindAll(*st, {key, now});
    if (st->step() == db::Step::Row) {
      Principal p;
      p.tokenId = st->columnInt(0);
      p.deviceId = std::string(st->columnText(1));
      p.deviceUuid = std::string(st->columnText(2));
      p.expiresAtMs = st->columnInt(3);
      p.user = detail::readUser(*st, 4);
      found = std::move(p);
    }
  }
  if (!found || cacheFor_.count() == 0)
    return found;

  // Never cache past the token's own expiry.
  const auto untilExpiry = std::chrono::milliseconds(found->expiresAtMs - now);
  const auto keep = std::min<std::chrono::milliseconds>(cacheFor_, untilExpiry);
  std::lock_guard lock(mu_);
  if (cache_.size() >= kMaxCached) {
    std::erase_if(cache_, [&](const auto &kv) { return kv.second.until <= steadyNow; });
    if (cache_.size() >= kMaxCached)
      cache_.clear();
  }
  cache_[key] = Cached{*found, steadyNow + keep};
  return found;
}

bool TokenService::revoke(std::string_view token) {
  if (!isTokenText(token))
    return false;
  const std::string key = tokenHash(token);
  {
    std::lock_guard lock(mu_);
    cache_.erase(key);
  }
  const int64_t now = nowMs();
  auto conn = pool_.acquire();
  return db::exec(*conn,
                  "UPDATE core_tokens SET revoked_at = ? WHERE token_hash = ?"
                  " AND revoked_at IS NULL AND expires_at > ?",
                  {now, key, now}) > 0;
}

int64_t TokenService::revokeAllOf(int64_t userId) {
  const int64_t now = nowMs();
  int64_t n = 0;
  {
    auto conn = pool_.acquire();
    n = db::exec(*conn,
                 "UPDATE core_tokens SET revoked_at = ? WHERE user_id = ?"
                 " AND revoked_at IS NULL AND expires_at > ?",
                 {now, userId, now});
  }
  forgetUser(userId);
  return n;
}

void TokenService::forgetUser(int64_t userId) {
  std::lock_guard lock(mu_);
  std::erase_if(cache_, [&](const auto &kv) { return kv.second.p.user.id == userId; });
}

int64_t TokenService::purgeExpired() {
  const int64_t now = nowMs();
  int64_t n = 0;
  {
    auto conn = pool_.acquire();
    n = db::exec(*conn, "DELETE FROM core_tokens WHERE expires_at <= ? OR revoked_at IS NOT NULL",
                 {now});
  }
  const auto steadyNow = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  std::erase_if(cache_, [&](const auto &kv) { return kv.second.until <= steadyNow; });
  return n;
}

} // namespace rdc::auth
