// The C host table: every entry is a noexcept trampoline that turns C++
// exceptions into status codes plus a thread-local message.
#include "http/Exchange.h"
#include "http/Router.h"
#include "modules/Host.h"
#include "modules/HostCalls.h"

#include <Poco/Logger.h>
#include <Poco/String.h>
#include <openssl/rand.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <stdexcept>

struct rdc_db {
  rdc::db::Lease lease;
};

struct rdc_stmt {
  std::unique_ptr<rdc::db::Statement> st;
};

namespace rdc::modules {

namespace calls {
namespace {
thread_local std::string tlsLastError;
} // namespace

const char *lastErrorText() {
  return tlsLastError.c_str();
}

rdc_status fail(rdc_status code, std::string msg) {
  tlsLastError = std::move(msg);
  return code;
}

rdc_status fromDbError(const db::DbError &e) {
  switch (e.kind()) {
  case db::DbError::Kind::Conflict:
    return fail(RDC_CONFLICT, e.what());
  case db::DbError::Kind::Busy:
  case db::DbError::Kind::Unavailable:
    return fail(RDC_BUSY, e.what());
  case db::DbError::Kind::Invalid:
    return fail(RDC_INVALID, e.what());
  case db::DbError::Kind::Other:
    break;
  }
  return fail(RDC_ERROR, e.what());
}

void fillUser(const auth::User &u, rdc_user *out) {
  out->id = u.id;
  out->name = toStr(u.name);
  out->display_name = toStr(u.displayName);
  out->email = toStr(u.email);
  out->note = toStr(u.note);
  out->avatar = toStr(u.avatar);
  out->status = u.status;
  out->is_admin = u.isAdmin ? 1 : 0;
}

bool userStructOk(const rdc_user *out) {
  return out && out->struct_size >= offsetof(rdc_user, is_admin) + sizeof(int32_t);
}

} // namespace calls

namespace {
using namespace calls;

bool hasCrLf(const char *s) {
  return std::strpbrk(s, "\r\n") != nullptr;
}

// ---- diagnostics -------------------------------------------------------------
const char *lastError() {
  return lastErrorText();
}

void log(rdc_module *m, int32_t level, const char *msg, size_t len) {
  if (!m || !msg)
    return;
  try {
    std::string text(msg, len);
    Poco::Logger &l = *m->logger;
    switch (level) {
    case RDC_LOG_DEBUG:
      l.debug(text);
      break;
    case RDC_LOG_INFO:
      l.information(text);
      break;
    case RDC_LOG_WARN:
      l.warning(text);
      break;
    default:
      l.error(text);
      if (m->registrationOpen)
        m->lastErrorLogged = text;
    }
  } catch (...) {
  }
}

rdc_status configGet(rdc_module *m, const char *key, rdc_str *out) {
  return guarded([&] {
    if (!m || !key || !out)
      return fail(RDC_INVALID, "config_get: null argument");
    std::string full = m->name + "." + key;
    auto value = m->host->config.find(full);
    if (!value)
      return fail(RDC_NOT_FOUND, "config key " + full + " is not set");
    std::lock_guard lock(m->configMu);
    auto &slot = m->configCache[full];
    if (slot != *value)
      slot = *value; // first lookup (values do not change while running)
    *out = toStr(slot);
    return RDC_OK;
  });
}

// ---- registration ------------------------------------------------------------
rdc_status routeAdd(rdc_module *m, const rdc_route *r) {
  return guarded([&] {
    if (!m || !r)
      return fail(RDC_INVALID, "route_add: null argument");
    if (!m->registrationOpen)
      return fail(RDC_STATE, "route_add is only allowed during init");
    if (r->struct_size < offsetof(rdc_route, user_data) + sizeof(void *))
      return fail(RDC_INVALID, "route_add: rdc_route too small");
    if (!r->method || !r->pattern || !r->handler)
      return fail(RDC_INVALID, "route_add: method, pattern and handler are required");
    if (r->auth_level < RDC_AUTH_NONE || r->auth_level > RDC_AUTH_ADMIN)
      return fail(RDC_INVALID, "route_add: unknown auth level");
    if (r->max_body_bytes < 0)
      return fail(RDC_INVALID, "route_add: max_body_bytes must be >= 0");
    auto t = std::make_unique<http::RouteTarget>();
    t->module = m;
    t->method = r->method;
    t->pattern = r->pattern;
    t->authLevel = r->auth_level;
    t->maxBodyBytes = r->max_body_bytes;
    t->handler = r->handler;
    t->userData = r->user_data;
    // Validate the pattern (and duplicates within the module) right away, so
    // the module's init sees the failure where it made the mistake.
    http::Router check;
    for (const auto &existing : m->routes)
      check.add(existing->method, existing->pattern, existing.get());
    check.add(t->method, t->pattern, t.get());
    m->routes.push_back(std::move(t));
    return RDC_OK;
  });
}

rdc_status migrationAdd(rdc_module *m, int32_t version, const char *sql) {
  return guarded([&] {
    if (!m || !sql)
      return fail(RDC_INVALID, "migration_add: null argument");
    if (!m->registrationOpen)
      return fail(RDC_STATE, "migration_add is only allowed during init");
    if (version < 1)
      return fail(RDC_INVALID, "migration_add: versions start at 1");
    m->migrations.push_back(db::Migration{version, sql});
    return RDC_OK;
  });
}

rdc_status subscribe(rdc_module *m, const char *topic, rdc_event_fn fn, void *ud) {
  return guarded([&] {
    if (!m || !topic || !fn)
      return fail(RDC_INVALID, "subscribe: null argument");
    if (!m->registrationOpen)
      return fail(RDC_STATE, "subscribe is only allowed during init");
    m->subscriptions.push_back(Subscription{topic, fn, ud});
    return RDC_OK;
  });
}

rdc_status publish(rdc_module *m, const char *topic, const char *payload, size_t len) {
  return guarded([&] {
    if (!m || !topic || (!payload && len))
      return fail(RDC_INVALID, "publish: null argument");
    if (!m->host->events.publish(topic, std::string(payload ? payload : "", len)))
      return fail(RDC_BUSY, "event queue is full or shutting down");
    return RDC_OK;
  });
}

// ---- request -----------------------------------------------------------------
rdc_str reqMethod(rdc_exchange *ex) {
  return ex ? toStr(ex->method) : rdc_str{"", 0};
}
rdc_str reqPath(rdc_exchange *ex) {
  return ex ? toStr(ex->path) : rdc_str{"", 0};
}
rdc_str reqBody(rdc_exchange *ex) {
  return ex ? toStr(ex->body) : rdc_str{"", 0};
}
rdc_str reqClientIp(rdc_exchange *ex) {
  return ex ? toStr(ex->clientIp) : rdc_str{"", 0};
}

rdc_status reqParam(rdc_exchange *ex, const char *name, rdc_str *out) {
  if (!ex || !name || !out)
    return fail(RDC_INVALID, "req_param: null argument");
  for (const auto &[k, v] : ex->params)
    if (k == name) {
      *out = toStr(v);
      return RDC_OK;
    }
  return fail(RDC_NOT_FOUND, std::string("no path parameter ") + name);
}

rdc_status reqQuery(rdc_exchange *ex, const char *name, rdc_str *out) {
  return guarded([&] {
    if (!ex || !name || !out)
      return fail(RDC_INVALID, "req_query: null argument");
    if (!ex->query) // parsed (and validated) before the handler ran
      return fail(RDC_NOT_FOUND, std::string("no query parameter ") + name);
    for (const auto &[k, v] : *ex->query)
      if (k == name) {
        *out = toStr(v);
        return RDC_OK;
      }
    return fail(RDC_NOT_FOUND, std::string("no query parameter ") + name);
  });
}

rdc_status reqHeader(rdc_exchange *ex, const char *name, rdc_str *out) {
  return guarded([&] {
    if (!ex || !name || !out)
      return fail(RDC_INVALID, "req_header: null argument");
    const std::string *value =
        ex->requestHeaders ? rdc::http::findHeader(*ex->requestHeaders, name) : nullptr;
    if (!value)
      return fail(RDC_NOT_FOUND, std::string("no header ") + name);
    *out = toStr(*value);
    return RDC_OK;
  });
}

rdc_status reqUser(rdc_exchange *ex, rdc_user *out) {
  return guarded([&] {
    if (!ex || !userStructOk(out))
      return fail(RDC_INVALID, "req_user: bad argument");
    if (!ex->principalResolved) {
      ex->principalResolved = true;
      if (!ex->bearer.empty())
        ex->principal = ex->host->tokens.verify(ex->bearer);
    }
    if (!ex->principal)
      return fail(RDC_NOT_FOUND, "no authenticated user");
    fillUser(ex->principal->user, out);
    return RDC_OK;
  });
}

rdc_status reqBearer(rdc_exchange *ex, rdc_str *out) {
  if (!ex || !out)
    return fail(RDC_INVALID, "req_bearer: null argument");
  if (ex->bearer.empty())
    return fail(RDC_NOT_FOUND, "no bearer token");
  *out = toStr(ex->bearer);
  return RDC_OK;
}

// ---- response ----------------------------------------------------------------
rdc_status respStatus(rdc_exchange *ex, int32_t status) {
  if (!ex || status < 100 || status > 599)
    return fail(RDC_INVALID, "resp_status: status must be 100..599");
  ex->status = status;
  return RDC_OK;
}

rdc_status respHeader(rdc_exchange *ex, const char *name, const char *value) {
  return guarded([&] {
    if (!ex || !name || !value || !*name)
      return fail(RDC_INVALID, "resp_header: null argument");
    if (hasCrLf(name) || hasCrLf(value) || std::strchr(name, ':'))
      return fail(RDC_INVALID, "resp_header: CR, LF or ':' in a header");
    if (Poco::icompare(std::string(name), "Content-Type") == 0) {
      ex->contentTypeSet = true;
      for (auto &h : ex->headers)
        if (Poco::icompare(h.first, "Content-Type") == 0) {
          h.second = value;
          return RDC_OK;
        }
    }
    ex->headers.emplace_back(name, value);
    return RDC_OK;
  });
}

rdc_status respBody(rdc_exchange *ex, const char *data, size_t len) {
  return guarded([&] {
    if (!ex || (!data && len))
      return fail(RDC_INVALID, "resp_body: null argument");
    ex->responseBody.assign(data ? data : "", len);
    return RDC_OK;
  });
}

// ---- database ----------------------------------------------------------------
rdc_status dbAcquire(rdc_module *m, int64_t waitMs, rdc_db **out) {
  return guarded([&] {
    if (!m || !out)
      return fail(RDC_INVALID, "db_acquire: null argument");
    constexpr int64_t kMaxWaitMs = 10 * 60 * 1000; // keeps now() + wait from overflowing
    auto lease =
        waitMs < 0 ? m->host->pool.acquire()
                   : m->host->pool.acquire(std::chrono::milliseconds(std::min(waitMs, kMaxWaitMs)));
    *out = new rdc_db{std::move(lease)};
    return RDC_OK;
  });
}

void dbRelease(rdc_db *db) {
  delete db;
}

rdc_status dbBegin(rdc_db *db) {
  return guarded([&] {
    if (!db)
      return fail(RDC_INVALID, "db_begin: null handle");
    db->lease->begin();
    return RDC_OK;
  });
}

rdc_status dbCommit(rdc_db *db) {
  return guarded([&] {
    if (!db)
      return fail(RDC_INVALID, "db_commit: null handle");
    db->lease->commit();
    return RDC_OK;
  });
}

rdc_status dbRollback(rdc_db *db) {
  return guarded([&] {
    if (!db)
      return fail(RDC_INVALID, "db_rollback: null handle");
    db->lease->rollback();
    return RDC_OK;
  });
}

rdc_status dbPrepare(rdc_db *db, const char *sql, size_t len, rdc_stmt **out) {
  return guarded([&] {
    if (!db || !sql || !out)
      return fail(RDC_INVALID, "db_prepare: null argument");
    *out = new rdc_stmt{db->lease->prepare(std::string_view(sql, len))};
    return RDC_OK;
  });
}

template <class F> rdc_status onStmt(rdc_stmt *st, F &&f) {
  return guarded([&] {
    if (!st)
      return fail(RDC_INVALID, "null statement");
    f(*st->st);
    return RDC_OK;
  });
}

rdc_status bindNull(rdc_stmt *st, int32_t i) {
  return onStmt(st, [&](db::Statement &s) { s.bindNull(i); });
}
rdc_status bindInt64(rdc_stmt *st, int32_t i, int64_t v) {
  return onStmt(st, [&](db::Statement &s) { s.bindInt(i, v); });
}
rdc_status bindDouble(rdc_stmt *st, int32_t i, double v) {
  return onStmt(st, [&](db::Statement &s) { s.bindDouble(i, v); });
}
rdc_status bindText(rdc_stmt *st, int32_t i, const char *p, size_t len) {
  if (!p && len)
    return fail(RDC_INVALID, "bind_text: null pointer");
  return onStmt(st, [&](db::Statement &s) { s.bindText(i, std::string_view(p ? p : "", len)); });
}
rdc_status bindBlob(rdc_stmt *st, int32_t i, const void *p, size_t len) {
  if (!p && len)
    return fail(RDC_INVALID, "bind_blob: null pointer");
  return onStmt(st, [&](db::Statement &s) {
    s.bindBlob(i, std::string_view(p ? static_cast<const char *>(p) : "", len));
  });
}

rdc_status stmtStep(rdc_stmt *st) {
  return guarded([&] {
    if (!st)
      return fail(RDC_INVALID, "null statement");
    return st->st->step() == db::Step::Row ? RDC_ROW : RDC_DONE;
  });
}

rdc_status stmtReset(rdc_stmt *st) {
  return onStmt(st, [](db::Statement &s) { s.reset(); });
}

void stmtFinalize(rdc_stmt *st) {
  delete st;
}

bool validColumn(rdc_stmt *st, int32_t col) {
  try {
    return st && col >= 0 && col < st->st->columnCount();
  } catch (...) {
    return false;
  }
}

int32_t columnCount(rdc_stmt *st) {
  try {
    return st ? st->st->columnCount() : 0;
  } catch (...) {
    return 0;
  }
}

int32_t columnType(rdc_stmt *st, int32_t col) {
  if (!validColumn(st, col))
    return RDC_TYPE_NULL;
  try {
    switch (st->st->columnType(col)) {
    case db::ColumnType::Null:
      return RDC_TYPE_NULL;
    case db::ColumnType::Int:
      return RDC_TYPE_INT;
    case db::ColumnType::Real:
      return RDC_TYPE_REAL;
    case db::ColumnType::Text:
      return RDC_TYPE_TEXT;
    case db::ColumnType::Blob:
      return RDC_TYPE_BLOB;
    }
  } catch (...) {
  }
  return RDC_TYPE_NULL;
}

int64_t columnInt64(rdc_stmt *st, int32_t col) {
  try {
    return validColumn(st, col) ? st->st->columnInt(col) : 0;
  } catch (...) {
    return 0;
  }
}

double columnDouble(rdc_stmt *st, int32_t col) {
  try {
    return validColumn(st, col) ? st->st->columnDouble(col) : 0.0;
  } catch (...) {
    return 0.0;
  }
}

rdc_str columnText(rdc_stmt *st, int32_t col) {
  try {
    if (validColumn(st, col))
      return toStr(st->st->columnText(col));
  } catch (...) {
  }
  return rdc_str{"", 0};
}

int64_t stmtChanges(rdc_stmt *st) {
  try {
    return st ? st->st->changes() : 0;
  } catch (...) {
    return 0;
  }
}

// ---- identity ----------------------------------------------------------------
rdc_status userCheckPassword(rdc_exchange *ex, const char *name, size_t nameLen,
                             const char *password, size_t passwordLen, rdc_user *out) {
  return guarded([&] {
    if (!ex || !name || !password || !userStructOk(out))
      return fail(RDC_INVALID, "user_check_password: bad argument");
    auto u = ex->host->users.checkPassword(std::string_view(name, nameLen),
                                           std::string_view(password, passwordLen));
    if (!u)
      return fail(RDC_DENIED, "wrong credentials");
    fillUser(ex->users.emplace_front(std::move(*u)), out);
    return RDC_OK;
  });
}

std::string copyView(rdc_str s) {
  return s.ptr ? std::string(s.ptr, s.len) : std::string();
}

rdc_status tokenIssue(rdc_exchange *ex, const rdc_token_request *req, rdc_str *out) {
  return guarded([&] {
    if (!ex || !req || !out ||
        req->struct_size < offsetof(rdc_token_request, lifetime_seconds) + sizeof(int64_t))
      return fail(RDC_INVALID, "token_issue: bad argument");
    constexpr int64_t kMaxLifetime = INT64_C(10) * 366 * 86400; // ten years
    if (req->lifetime_seconds < 0 || req->lifetime_seconds > kMaxLifetime)
      return fail(RDC_INVALID, "token_issue: lifetime must be 0..10 years");
    auth::TokenBinding b;
    b.userId = req->user_id;
    b.deviceId = copyView(req->device_id);
    b.deviceUuid = copyView(req->device_uuid);
    b.deviceOs = copyView(req->device_os);
    b.deviceName = copyView(req->device_name);
    b.clientIp = ex->clientIp;
    std::string token = ex->host->tokens.issue(b, std::chrono::seconds(req->lifetime_seconds));
    const char *kept = ex->keep(std::move(token));
    *out = rdc_str{kept, std::strlen(kept)};
    return RDC_OK;
  });
}

rdc_status tokenVerify(rdc_exchange *ex, const char *token, size_t len, rdc_token_info *out) {
  return guarded([&] {
    if (!ex || !token || !out ||
        out->struct_size < offsetof(rdc_token_info, expires_at_ms) + sizeof(int64_t))
      return fail(RDC_INVALID, "token_verify: bad argument");
    auto p = ex->host->tokens.verify(std::string_view(token, len));
    if (!p)
      return fail(RDC_DENIED, "invalid or expired token");
    const auth::Principal &kept = ex->principals.emplace_front(std::move(*p));
    out->user_id = kept.user.id;
    out->device_id = toStr(kept.deviceId);
    out->device_uuid = toStr(kept.deviceUuid);
    out->expires_at_ms = kept.expiresAtMs;
    return RDC_OK;
  });
}

rdc_status tokenRevoke(rdc_exchange *ex, const char *token, size_t len) {
  return guarded([&] {
    if (!ex || !token)
      return fail(RDC_INVALID, "token_revoke: null argument");
    if (!ex->host->tokens.revoke(std::string_view(token, len)))
      return fail(RDC_NOT_FOUND, "no live token to revoke");
    return RDC_OK;
  });
}

// ---- utilities ---------------------------------------------------------------
rdc_status randomBytes(void *buf, size_t len) {
  if (!buf && len)
    return fail(RDC_INVALID, "random_bytes: null buffer");
  if (len > static_cast<size_t>(INT32_MAX) ||
      RAND_bytes(static_cast<unsigned char *>(buf), static_cast<int>(len)) != 1)
    return fail(RDC_ERROR, "random_bytes: the CSPRNG failed");
  return RDC_OK;
}

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const rdc_host_api kTable = {
    sizeof(rdc_host_api),
    RDC_ABI_MAJOR,
    RDC_ABI_MINOR,
    &lastError,
    &log,
    &configGet,
    &routeAdd,
    &migrationAdd,
    &subscribe,
    &publish,
    &reqMethod,
    &reqPath,
    &reqParam,
    &reqQuery,
    &reqHeader,
    &reqBody,
    &reqClientIp,
    &reqUser,
    &reqBearer,
    &respStatus,
    &respHeader,
    &respBody,
    &dbAcquire,
    &dbRelease,
    &dbBegin,
    &dbCommit,
    &dbRollback,
    &dbPrepare,
    &bindNull,
    &bindInt64,
    &bindDouble,
    &bindText,
    &bindBlob,
    &stmtStep,
    &stmtReset,
    &stmtFinalize,
    &columnCount,
    &columnType,
    &columnInt64,
    &columnDouble,
    &columnText,
    &stmtChanges,
    &userFind,
    &userCheckPassword,
    &tokenIssue,
    &tokenVerify,
    &tokenRevoke,
    &randomBytes,
    &nowMs,
    // ABI 1.1
    &userGet,
    &groupFind,
    &groupGet,
    &userGroupIds,
    &configGetFrom,
    &commandAdd,
    &cmdWrite,
    // ABI 1.2
    &deviceGet,
    &devicePin,
    &deviceRepin,
    // ABI 1.3
    &deviceGroupFind,
    &deviceGroupGet,
    &deviceGroupIds,
    &deviceUpdate,
    &deviceList,
    &userList,
    // ABI 1.4
    &apiTokenVerify,
};

} // namespace

const rdc_host_api *hostApi() {
  return &kTable;
}

const char *stateName(ModuleState s) {
  switch (s) {
  case ModuleState::Found:
    return "found";
  case ModuleState::Disabled:
    return "disabled";
  case ModuleState::Rejected:
    return "skipped";
  case ModuleState::Initializing:
    return "initializing";
  case ModuleState::Initialized:
    return "initialized";
  case ModuleState::Started:
    return "started";
  case ModuleState::Stopped:
    return "stopped";
  }
  return "unknown";
}

} // namespace rdc::modules
