// Opaque bearer tokens: 32 random bytes, base64url (43 chars). Only the
// SHA-256 of a token is stored (core_tokens.token_hash). Verification results
// are cached for at most `cacheSeconds`; a revoke or user change on this
// instance evicts at once, another instance's change is seen within that bound.
#pragma once

#include "auth/Users.h"
#include "db/Database.h"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace rdc::auth {

struct TokenBinding {
  int64_t userId = 0;
  std::string deviceId, deviceUuid, deviceOs, deviceName, clientIp;
};

// What a valid token resolves to.
struct Principal {
  int64_t tokenId = 0;
  User user;
  std::string deviceId, deviceUuid;
  int64_t expiresAtMs = 0;
};

class TokenService {
public:
  TokenService(db::Pool &pool, UserStore &users, std::chrono::seconds lifetime,
               std::chrono::seconds cacheFor);

  // lifetime 0 = the configured default. Throws std::invalid_argument for an
  // unknown or disabled user or a negative lifetime.
  std::string issue(const TokenBinding &b, std::chrono::seconds lifetime = std::chrono::seconds{0});
  // Nullopt when unknown, expired, revoked, or the user is disabled.
  std::optional<Principal> verify(std::string_view token);
  // True when a live token was revoked.
  bool revoke(std::string_view token);
  // Revokes every token of a user (password change, disable); returns count.
  int64_t revokeAllOf(int64_t userId);
  // Drops cached verifications of a user (after any change to the user).
  void forgetUser(int64_t userId);
  // Deletes expired and revoked token rows (they can never verify again) and
  // drops expired cache entries; returns the number of rows deleted. Meant
  // for a periodic housekeeping job.
  int64_t purgeExpired();

private:
  struct Cached {
    Principal p;
    std::chrono::steady_clock::time_point until;
  };
  db::Pool &pool_;
  UserStore &users_;
  std::chrono::seconds lifetime_;
  std::chrono::seconds cacheFor_;
  std::mutex mu_;
  std::unordered_map<std::string, Cached> cache_; // key: token hash
};

std::string tokenHash(std::string_view token); // SHA-256 hex

// The secret part of every token the core issues (login tokens, API tokens):
// 32 bytes of OpenSSL's CSPRNG, base64url without padding (43 characters).
// Throws std::runtime_error when the CSPRNG fails.
std::string randomTokenText();
// True when `text` has that shape (43 base64url characters). Anything else
// cannot be a token the core issued, so callers refuse it without hashing it
// or touching the database.
bool isTokenText(std::string_view text);

} // namespace rdc::auth
