// POST /api/login: password login with DB-backed failure limits.
#include "handlers.h"
#include "login_failures.h"
#include "login_request.h"
#include "settings.h"
#include "user_json.h"

#include <rdconsole/json.hpp>

#include <optional>
#include <string>

namespace auth {

namespace {

// Leases a connection only for the counter update: the password check and
// token issue below take their own connections from the same pool, and
// holding one across them would let a burst of logins starve the pool.
template <class Fn> auto withDb(Fn &&fn) {
  rdc::Db db = rdc::Db::acquire();
  return fn(db);
}

void refuseForNow(rdc::Exchange &ex, int64_t retryAfterSeconds) {
  const std::string seconds = std::to_string(retryAfterSeconds);
  ex.header("Retry-After", seconds);
  throw rdc::HttpError(429, "Too many failed login attempts; try again in " + seconds + " seconds");
}

void publishLogin(const rdc::User &user, const LoginRequest &req, std::string_view ip) {
  rdc::publish("auth.login",
               rdc::jsonDump({{"user", user.name}, {"id", req.deviceId}, {"ip", std::string(ip)}}));
}

} // namespace

void handleLogin(rdc::Exchange &ex) {
  const LoginRequest req = parseLoginRequest(rdc::parseJsonObject(ex.body()));
  const std::string_view ip = ex.clientIp();
  const LoginLimits &limits = loginLimits();
  const int64_t windowMs = limits.failureWindowSeconds * 1000;
  const int64_t nowMs = rdc::api().now_ms();

  // Checked before the password, so a locked-out guesser learns nothing and
  // costs no argon2 time.
  const Reservation slot = withDb([&](rdc::Db &db) {
    purgeExpiredFailures(db, windowMs, nowMs);
    return reserveAttempt(db, failureSubjects(req.username, ip), limits, nowMs);
  });
  const LimitDecision decision = decideLogin(slot.before, windowMs, nowMs);
  if (!decision.allowed) {
    withDb([&](rdc::Db &db) { releaseAttempt(db, slot); });
    refuseForNow(ex, decision.retryAfterSeconds);
  }

  const std::optional<rdc::User> user = rdc::checkPassword(ex, req.username, req.password);
  if (!user) {
    // The reservation stays: it is this failure's count. The name is quoted
    // (escaped) so a crafted one cannot forge log lines.
    rdc::logWarn("failed login for " + rdc::jsonQuote(req.username) + " from " + std::string(ip));
    throw rdc::HttpError(401, "Wrong credentials");
  }
  withDb([&](rdc::Db &db) { recordSuccess(db, slot); });

  rdc::TokenRequest tr;
  tr.userId = user->id;
  tr.deviceId = req.deviceId;
  tr.deviceUuid = req.deviceUuid;
  tr.deviceOs = req.deviceOs;
  tr.deviceName = req.deviceName;
  const std::string token = rdc::issueToken(ex, tr);

  publishLogin(*user, req, ip);
  rdc::replyJson(ex, 200,
                 {{"access_token", token}, {"type", "access_token"}, {"user", userJson(*user)}});
}

} // namespace auth
