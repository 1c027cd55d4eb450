// rdconsole module SDK — header-only C++20 conveniences over rdconsole/module.h.
//
// This header compiles into each module; it is NOT part of the ABI. It gives
// RAII for database leases and statements, std::string_view access to the
// request, exception-safe trampolines (no exception ever crosses into the
// host), and RDC_MODULE() which emits the descriptor and the entry symbol.
//
// Error model inside a module: throw rdc::HttpError(status, "message") to
// answer {"error":"message"} with that status; any other exception becomes a
// logged 500 from the host (avoid that for bad input: clients replay 5xx).
#pragma once

#include "rdconsole/module.h"

#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rdc {

// The host table and this module's handle; set once in init, read-only after.
inline const rdc_host_api *g_api = nullptr;
inline rdc_module *g_module = nullptr;

inline const rdc_host_api &api() { return *g_api; }
inline std::string_view view(rdc_str s) { return {s.ptr ? s.ptr : "", s.len}; }

// A failure that maps to an HTTP reply {"error": message} with `status`.
class HttpError : public std::runtime_error {
public:
  HttpError(int status, const std::string &message)
      : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }

private:
  int status_;
};

// A failing host call (database, token, ...) with the host's message.
class HostError : public std::runtime_error {
public:
  HostError(rdc_status code, const std::string &what)
      : std::runtime_error(what), code_(code) {}
  rdc_status code() const { return code_; }

private:
  rdc_status code_;
};

[[noreturn]] inline void throwHost(rdc_status code, std::string_view context) {
  std::string msg(context);
  const char *detail = api().last_error();
  if (detail && *detail) {
    msg += ": ";
    msg += detail;
  }
  throw HostError(code, msg);
}

inline void check(rdc_status s, std::string_view context) {
  if (s != RDC_OK)
    throwHost(s, context);
}

// ---- logging ---------------------------------------------------------------
inline void log(int32_t level, std::string_view msg) {
  api().log(g_module, level, msg.data(), msg.size());
}
inline void logDebug(std::string_view m) { log(RDC_LOG_DEBUG, m); }
inline void logInfo(std::string_view m) { log(RDC_LOG_INFO, m); }
inline void logWarn(std::string_view m) { log(RDC_LOG_WARN, m); }
inline void logError(std::string_view m) { log(RDC_LOG_ERROR, m); }

// ---- configuration ---------------------------------------------------------
inline std::optional<std::string_view> config(const char *key) {
  rdc_str out{};
  if (api().config_get(g_module, key, &out) != RDC_OK)
    return std::nullopt;
  return view(out);
}
inline std::string configString(const char *key, std::string_view fallback) {
  auto v = config(key);
  return std::string(v ? *v : fallback);
}
// Integer option; a malformed value throws at init, where it is reported.
inline int64_t configInt(const char *key, int64_t fallback) {
  auto v = config(key);
  if (!v)
    return fallback;
  std::string s(*v);
  size_t used = 0;
  int64_t n = 0;
  try {
    n = std::stoll(s, &used);
  } catch (const std::exception &) {
    used = 0;
  }
  if (used == 0 || used != s.size())
    throw std::runtime_error(std::string("config key ") + key +
                             " must be an integer, got '" + s + "'");
  return n;
}

// ---- users -----------------------------------------------------------------
struct User {
  int64_t id = 0;
  std::string name, displayName, email, note, avatar;
  int32_t status = RDC_USER_NORMAL;
  bool isAdmin = false;
};
inline User toUser(const rdc_user &u) {
  return User{u.id,         std::string(view(u.name)),
              std::string(view(u.display_name)), std::string(view(u.email)),
              std::string(view(u.note)),         std::string(view(u.avatar)),
              u.status,     u.is_admin != 0};
}
inline rdc_user emptyUser() {
  rdc_user u{};
  u.struct_size = sizeof(u);
  return u;
}

inline rdc_str toStr(std::string_view s) { return rdc_str{s.data(), s.size()}; }

// ---- one HTTP exchange -------------------------------------------------------
class Exchange {
public:
  explicit Exchange(rdc_exchange *ex) : ex_(ex) {}
  rdc_exchange *raw() const { return ex_; }

  std::string_view method() const { return view(api().req_method(ex_)); }
  std::string_view path() const { return view(api().req_path(ex_)); }
  std::string_view body() const { return view(api().req_body(ex_)); }
  std::string_view clientIp() const { return view(api().req_client_ip(ex_)); }
  std::optional<std::string_view> param(const char *name) const {
    return lookup(api().req_param, name);
  }
  std::optional<std::string_view> query(const char *name) const {
    return lookup(api().req_query, name);
  }
  std::optional<std::string_view> header(const char *name) const {
    return lookup(api().req_header, name);
  }
  std::optional<std::string_view> bearer() const {
    rdc_str out{};
    if (api().req_bearer(ex_, &out) != RDC_OK)
      return std::nullopt;
    return view(out);
  }
  // The authenticated user (always present on USER/ADMIN routes).
  std::optional<User> user() const {
    rdc_user u = emptyUser();
    if (api().req_user(ex_, &u) != RDC_OK)
      return std::nullopt;
    return toUser(u);
  }

  void status(int code) { api().resp_status(ex_, code); }
  void header(const char *name, const std::string &value) {
    api().resp_header(ex_, name, value.c_str());
  }
  void body(std::string_view data) {
    api().resp_body(ex_, data.data(), data.size());
  }
  // A JSON reply (the default Content-Type is already JSON, UTF-8).
  void json(int code, std::string_view jsonText) {
    status(code);
    body(jsonText);
  }

private:
  using LookupFn = rdc_status (*)(rdc_exchange *, const char *, rdc_str *);
  std::optional<std::string_view> lookup(LookupFn fn, const char *name) const {
    rdc_str out{};
    if (fn(ex_, name, &out) != RDC_OK)
      return std::nullopt;
    return view(out);
  }
  rdc_exchange *ex_;
};

// Escapes a string as a JSON string literal (UTF-8 passed through).
inline std::string jsonQuote(std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      if (c < 0x20) {
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 0xF];
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  out += '"';
  return out;
}

inline void replyError(rdc_exchange *ex, int status, std::string_view message) {
  std::string body = "{\"error\":" + jsonQuote(message) + "}";
  api().resp_status(ex, status);
  api().resp_body(ex, body.data(), body.size());
}

// ---- database ------------------------------------------------------------------
class Stmt {
public:
  Stmt() = default;
  explicit Stmt(rdc_stmt *st) : st_(st) {}
  Stmt(Stmt &&o) noexcept : st_(std::exchange(o.st_, nullptr)) {}
  Stmt &operator=(Stmt &&o) noexcept {
    if (this != &o) {
      close();
      st_ = std::exchange(o.st_, nullptr);
    }
    return *this;
  }
  Stmt(const Stmt &) = delete;
  Stmt &operator=(const Stmt &) = delete;
  ~Stmt() { close(); }

  Stmt &bind(int idx, std::nullptr_t) {
    check(api().stmt_bind_null(st_, idx), "bind");
    return *this;
  }
  Stmt &bind(int idx, int64_t v) {
    check(api().stmt_bind_int64(st_, idx, v), "bind");
    return *this;
  }
  Stmt &bind(int idx, int v) { return bind(idx, static_cast<int64_t>(v)); }
  Stmt &bind(int idx, bool v) { return bind(idx, static_cast<int64_t>(v)); }
  Stmt &bind(int idx, double v) {
    check(api().stmt_bind_double(st_, idx, v), "bind");
    return *this;
  }
  Stmt &bind(int idx, std::string_view v) {
    check(api().stmt_bind_text(st_, idx, v.data(), v.size()), "bind");
    return *this;
  }
  Stmt &bind(int idx, const char *v) { return bind(idx, std::string_view(v)); }
  Stmt &bind(int idx, const std::string &v) {
    return bind(idx, std::string_view(v));
  }
  template <class T> Stmt &bind(int idx, const std::optional<T> &v) {
    return v ? bind(idx, *v) : bind(idx, nullptr);
  }
  Stmt &bindBlob(int idx, std::string_view bytes) {
    check(api().stmt_bind_blob(st_, idx, bytes.data(), bytes.size()), "bind");
    return *this;
  }
  template <class... A> Stmt &bindAll(const A &...args) {
    int i = 1;
    (bind(i++, args), ...);
    return *this;
  }

  // True while rows come; false when done. Throws HostError on failure
  // (code RDC_CONFLICT for constraint violations).
  bool step() {
    rdc_status s = api().stmt_step(st_);
    if (s == RDC_ROW)
      return true;
    if (s == RDC_DONE)
      return false;
    throwHost(s, "database step");
  }
  // Runs a statement that returns no rows; returns the rows changed.
  int64_t exec() {
    while (step()) {
    }
    return api().stmt_changes(st_);
  }
  void reset() { check(api().stmt_reset(st_), "reset"); }

  int columns() const { return api().stmt_column_count(st_); }
  bool isNull(int col) const {
    return api().stmt_column_type(st_, col) == RDC_TYPE_NULL;
  }
  int64_t getInt(int col) const { return api().stmt_column_int64(st_, col); }
  double getDouble(int col) const { return api().stmt_column_double(st_, col); }
  std::string_view getView(int col) const {
    return view(api().stmt_column_text(st_, col));
  }
  std::string getText(int col) const { return std::string(getView(col)); }

private:
  void close() {
    if (st_)
      api().stmt_finalize(st_);
    st_ = nullptr;
  }
  rdc_stmt *st_ = nullptr;
};

// A leased connection; returned to the pool when destroyed.
class Db {
public:
  // Throws HostError(RDC_BUSY) when no connection frees up in time.
  static Db acquire(int64_t waitMs = -1) {
    rdc_db *db = nullptr;
    check(api().db_acquire(g_module, waitMs, &db), "database unavailable");
    return Db(db);
  }
  Db(Db &&o) noexcept : db_(std::exchange(o.db_, nullptr)) {}
  Db(const Db &) = delete;
  Db &operator=(const Db &) = delete;
  Db &operator=(Db &&) = delete;
  ~Db() {
    if (db_)
      api().db_release(db_);
  }

  Stmt prepare(std::string_view sql) {
    rdc_stmt *st = nullptr;
    check(api().db_prepare(db_, sql.data(), sql.size(), &st), "prepare");
    return Stmt(st);
  }
  template <class... A> int64_t exec(std::string_view sql, const A &...args) {
    Stmt st = prepare(sql);
    st.bindAll(args...);
    return st.exec();
  }
  void begin() { check(api().db_begin(db_), "begin"); }
  void commit() { check(api().db_commit(db_), "commit"); }
  void rollback() { api().db_rollback(db_); }
  rdc_db *raw() const { return db_; }

private:
  explicit Db(rdc_db *db) : db_(db) {}
  rdc_db *db_;
};

// Commits on commit(); rolls back when destroyed without it.
class Transaction {
public:
  explicit Transaction(Db &db) : db_(db) { db_.begin(); }
  Transaction(const Transaction &) = delete;
  Transaction &operator=(const Transaction &) = delete;
  ~Transaction() {
    if (!done_)
      db_.rollback();
  }
  void commit() {
    db_.commit();
    done_ = true;
  }

private:
  Db &db_;
  bool done_ = false;
};

// ---- identity ----------------------------------------------------------------------
inline std::optional<User> findUser(Exchange &ex, std::string_view name) {
  rdc_user u = emptyUser();
  rdc_status s = api().user_find(ex.raw(), name.data(), name.size(), &u);
  if (s == RDC_NOT_FOUND)
    return std::nullopt;
  check(s, "user lookup");
  return toUser(u);
}

// Nullopt when the name/password pair is wrong or the user is disabled.
inline std::optional<User> checkPassword(Exchange &ex, std::string_view name,
                                         std::string_view password) {
  rdc_user u = emptyUser();
  rdc_status s = api().user_check_password(ex.raw(), name.data(), name.size(),
                                           password.data(), password.size(),
                                           &u);
  if (s == RDC_DENIED || s == RDC_NOT_FOUND)
    return std::nullopt;
  check(s, "password check");
  return toUser(u);
}

struct TokenRequest {
  int64_t userId = 0;
  std::string_view deviceId, deviceUuid, deviceOs, deviceName;
  int64_t lifetimeSeconds = 0;
};
inline std::string issueToken(Exchange &ex, const TokenRequest &r) {
  rdc_token_request req{};
  req.struct_size = sizeof(req);
  req.user_id = r.userId;
  req.device_id = toStr(r.deviceId);
  req.device_uuid = toStr(r.deviceUuid);
  req.device_os = toStr(r.deviceOs);
  req.device_name = toStr(r.deviceName);
  req.lifetime_seconds = r.lifetimeSeconds;
  rdc_str out{};
  check(api().token_issue(ex.raw(), &req, &out), "token issue");
  return std::string(view(out));
}

struct TokenInfo {
  int64_t userId = 0;
  std::string deviceId, deviceUuid;
  int64_t expiresAtMs = 0;
};
inline std::optional<TokenInfo> verifyToken(Exchange &ex, std::string_view t) {
  rdc_token_info info{};
  info.struct_size = sizeof(info);
  rdc_status s = api().token_verify(ex.raw(), t.data(), t.size(), &info);
  if (s == RDC_DENIED || s == RDC_NOT_FOUND)
    return std::nullopt;
  check(s, "token verify");
  return TokenInfo{info.user_id, std::string(view(info.device_id)),
                   std::string(view(info.device_uuid)), info.expires_at_ms};
}
inline void revokeToken(Exchange &ex, std::string_view t) {
  rdc_status s = api().token_revoke(ex.raw(), t.data(), t.size());
  if (s != RDC_NOT_FOUND)
    check(s, "token revoke");
}

// ---- identity outside a request, user groups (ABI 1.1) ------------------------------
// The user with this id; nullopt when there is none. `ex` may be null.
inline std::optional<User> getUser(int64_t id, Exchange *ex = nullptr) {
  rdc_user u = emptyUser();
  rdc_status s = api().user_get(ex ? ex->raw() : nullptr, id, &u);
  if (s == RDC_NOT_FOUND)
    return std::nullopt;
  check(s, "user lookup");
  return toUser(u);
}
// By name, outside a request (commands, background work).
inline std::optional<User> findUserByName(std::string_view name) {
  rdc_user u = emptyUser();
  rdc_status s = api().user_find(nullptr, name.data(), name.size(), &u);
  if (s == RDC_NOT_FOUND)
    return std::nullopt;
  check(s, "user lookup");
  return toUser(u);
}
inline std::optional<int64_t> findGroup(std::string_view name) {
  int64_t id = 0;
  rdc_status s = api().group_find(g_module, name.data(), name.size(), &id);
  if (s == RDC_NOT_FOUND)
    return std::nullopt;
  check(s, "group lookup");
  return id;
}
inline std::optional<std::string> groupName(int64_t id) {
  rdc_str out{};
  rdc_status s = api().group_get(g_module, id, &out);
  if (s == RDC_NOT_FOUND)
    return std::nullopt;
  check(s, "group lookup");
  return std::string(view(out));
}
inline std::vector<int64_t> userGroupIds(int64_t userId) {
  std::vector<int64_t> ids(16);
  for (;;) {
    uint32_t count = 0;
    check(api().user_group_ids(g_module, userId, ids.data(),
                               static_cast<uint32_t>(ids.size()), &count),
          "user groups");
    if (count <= ids.size()) {
      ids.resize(count);
      return ids;
    }
    ids.resize(count);
  }
}
// "<module>.<key>" of a dependency of this module.
inline std::optional<std::string_view> configFrom(const char *module,
                                                  const char *key) {
  rdc_str out{};
  if (api().config_get_from(g_module, module, key, &out) != RDC_OK)
    return std::nullopt;
  return view(out);
}

// ---- the device registry (ABI 1.2) -------------------------------------------------
struct Device {
  int64_t rowId = 0;
  std::string id, uuid, note;
  int64_t ownerUserId = 0, deviceGroupId = 0, createdAtMs = 0;
};
inline Device toDevice(const rdc_device &d) {
  return Device{d.row_id,           std::string(view(d.id)),  std::string(view(d.uuid)),
                std::string(view(d.note)), d.owner_user_id, d.device_group_id,
                d.created_at_ms};
}
inline rdc_device emptyDevice() {
  rdc_device d{};
  d.struct_size = sizeof(d);
  return d;
}
inline std::optional<Device> getDevice(std::string_view id) {
  rdc_device d = emptyDevice();
  rdc_status s = api().device_get(g_module, id.data(), id.size(), &d);
  if (s == RDC_NOT_FOUND)
    return std::nullopt;
  check(s, "device lookup");
  return toDevice(d);
}
struct PinResult {
  Device device;
  bool pinned = true; // false: the device's pinned uuid differs from the one given
};
inline PinResult pinDevice(std::string_view id, std::string_view uuid) {
  rdc_device d = emptyDevice();
  rdc_status s = api().device_pin(g_module, id.data(), id.size(), uuid.data(), uuid.size(), &d);
  if (s == RDC_CONFLICT)
    return PinResult{toDevice(d), false};
  check(s, "device pin");
  return PinResult{toDevice(d), true};
}
// False when the id is unknown.
inline bool repinDevice(std::string_view id, std::string_view uuid) {
  rdc_status s = api().device_repin(g_module, id.data(), id.size(), uuid.data(), uuid.size());
  if (s == RDC_NOT_FOUND)
    return false;
  check(s, "device re-pin");
  return true;
}

// ---- device groups, assignment, the group view (ABI 1.3) ---------------------------
inline std::optional<int64_t> findDeviceGroup(std::string_view name) {
  int64_t id = 0;
  rdc_status s = api().device_group_find(g_module, name.data(), name.size(), &id);
  if (s == RDC_NOT_FOUND)
    return std::nullopt;
  check(s, "device group lookup");
  return id;
}
inline std::optional<std::string> deviceGroupName(int64_t id) {
  rdc_str out{};
  rdc_status s = api().device_group_get(g_module, id, &out);
  if (s == RDC_NOT_FOUND)
    return std::nullopt;
  check(s, "device group lookup");
  return std::string(view(out));
}
// Every device group (viewerUserId 0) or those granted to that user.
inline std::vector<int64_t> deviceGroupIds(int64_t viewerUserId) {
  std::vector<int64_t> ids(16);
  for (;;) {
    uint32_t count = 0;
    check(api().device_group_ids(g_module, viewerUserId, ids.data(),
                                 static_cast<uint32_t>(ids.size()), &count),
          "device groups");
    if (count <= ids.size()) {
      ids.resize(count);
      return ids;
    }
    ids.resize(count);
  }
}
struct DeviceUpdate {
  std::optional<int64_t> ownerUserId;   // 0 = no owner
  std::optional<int64_t> deviceGroupId; // 0 = no device group
  std::optional<std::string> note;
};
// False when the device id is unknown; HostError (RDC_INVALID) for an
// unknown owner or device group or a bad note.
inline bool updateDevice(std::string_view id, const DeviceUpdate &u) {
  rdc_device_update r{};
  r.struct_size = sizeof(r);
  if (u.ownerUserId) {
    r.fields |= RDC_DEVICE_SET_OWNER;
    r.owner_user_id = *u.ownerUserId;
  }
  if (u.deviceGroupId) {
    r.fields |= RDC_DEVICE_SET_GROUP;
    r.device_group_id = *u.deviceGroupId;
  }
  if (u.note) {
    r.fields |= RDC_DEVICE_SET_NOTE;
    r.note = toStr(*u.note);
  }
  rdc_status s = api().device_update(g_module, id.data(), id.size(), &r);
  if (s == RDC_NOT_FOUND)
    return false;
  check(s, "device update");
  return true;
}
template <class T> struct Page {
  int64_t total = 0; // matching rows, all pages
  std::vector<T> rows;
};
// viewerUserId 0 = every device.
inline Page<Device> listDevices(int64_t viewerUserId, int64_t offset, int64_t limit) {
  rdc_device_query q{};
  q.struct_size = sizeof(q);
  q.viewer_user_id = viewerUserId;
  q.offset = offset;
  q.limit = limit;
  // Nothing may throw across the C boundary: a failure inside the callback
  // is kept and rethrown after the call.
  struct Acc {
    Page<Device> page;
    std::exception_ptr error;
  } acc;
  auto fn = [](const rdc_device *d, void *ud) {
    Acc &a = *static_cast<Acc *>(ud);
    try {
      if (!a.error)
        a.page.rows.push_back(toDevice(*d));
    } catch (...) {
      a.error = std::current_exception();
    }
  };
  check(api().device_list(g_module, &q, fn, &acc, &acc.page.total), "device list");
  if (acc.error)
    std::rethrow_exception(acc.error);
  return std::move(acc.page);
}
// status: RDC_USER_* or -2 for any.
inline Page<User> listUsers(int64_t offset, int64_t limit, int32_t status = -2) {
  struct Acc {
    Page<User> page;
    std::exception_ptr error;
  } acc;
  auto fn = [](const rdc_user *u, void *ud) {
    Acc &a = *static_cast<Acc *>(ud);
    try {
      if (!a.error)
        a.page.rows.push_back(toUser(*u));
    } catch (...) {
      a.error = std::current_exception();
    }
  };
  check(api().user_list(g_module, offset, limit, status, fn, &acc, &acc.page.total), "user list");
  if (acc.error)
    std::rethrow_exception(acc.error);
  return std::move(acc.page);
}

// ---- API tokens (ABI 1.4) -----------------------------------------------------------
struct ApiToken {
  int64_t id = 0;
  std::string name;
};
// The API token behind the request's bearer when it is live and has `scope`
// (the use is recorded); nullopt when there is no bearer, when it is no such
// token (unknown, revoked, expired, without the scope, a login token), and on
// a host without api_token_verify.
inline std::optional<ApiToken> verifyApiToken(Exchange &ex, std::string_view scope) {
  if (!RDC_HAS_MEMBER(&api(), api_token_verify))
    return std::nullopt;
  auto bearer = ex.bearer();
  if (!bearer)
    return std::nullopt;
  const std::string scopeText(scope); // the call takes a NUL-terminated scope
  rdc_api_token t{};
  t.struct_size = sizeof(t);
  rdc_status s =
      api().api_token_verify(ex.raw(), bearer->data(), bearer->size(), scopeText.c_str(), &t);
  if (s == RDC_DENIED)
    return std::nullopt;
  check(s, "API token verify");
  return ApiToken{t.id, std::string(view(t.name))};
}

// ---- operator commands (ABI 1.1) ----------------------------------------------------
class Command {
public:
  explicit Command(rdc_command_ctx *ctx) : ctx_(ctx) {}
  void out(std::string_view text) { api().cmd_write(ctx_, 1, text.data(), text.size()); }
  void err(std::string_view text) { api().cmd_write(ctx_, 2, text.data(), text.size()); }

private:
  rdc_command_ctx *ctx_;
};
// A usage mistake: the command prints the message and exits with 2.
class UsageError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};
// args[0] is the command name. Return the exit code; throw UsageError for a
// usage mistake (exit 2), anything else for a failure (exit 1).
using CommandFn = std::function<int(Command &, const std::vector<std::string> &)>;

namespace detail {
inline std::deque<CommandFn> &commands() {
  static std::deque<CommandFn> c;
  return c;
}
inline int32_t commandTrampoline(rdc_command_ctx *ctx, int32_t argc,
                                 const char *const *argv, void *ud) noexcept {
  Command cmd(ctx);
  try {
    std::vector<std::string> args;
    for (int32_t i = 0; i < argc; ++i)
      args.emplace_back(argv[i] ? argv[i] : "");
    return (*static_cast<CommandFn *>(ud))(cmd, args);
  } catch (const UsageError &e) {
    try {
      cmd.err(std::string("rdconsole: ") + e.what() + "\n");
    } catch (...) {
    }
    return 2;
  } catch (const std::exception &e) {
    try {
      cmd.err(std::string("rdconsole: ") + e.what() + "\n");
    } catch (...) {
    }
    return 1;
  } catch (...) {
    return 1;
  }
}
} // namespace detail

inline void addCommand(const char *name, const char *summary, CommandFn fn) {
  auto &store = detail::commands();
  store.push_back(std::move(fn));
  rdc_command c{};
  c.struct_size = sizeof(c);
  c.name = name;
  c.summary = summary;
  c.fn = &detail::commandTrampoline;
  c.user_data = &store.back();
  check(api().command_add(g_module, &c), std::string("command ") + name);
}

// ---- events -------------------------------------------------------------------------
// False when the event was dropped (queue full or the server shutting down).
inline bool publish(const char *topic, std::string_view payload) {
  return api().publish(g_module, topic, payload.data(), payload.size()) == RDC_OK;
}

// An event callback: runs on the host's event thread, one event at a time in
// publish order, concurrently with request handlers. What it throws is
// logged, never propagated (nobody waits for its outcome).
using EventHandler = std::function<void(std::string_view topic, std::string_view payload)>;

namespace detail {
inline std::deque<EventHandler> &eventHandlers() {
  static std::deque<EventHandler> h;
  return h;
}
inline void eventTrampoline(const char *topic, rdc_str payload, void *ud) noexcept {
  try {
    (*static_cast<EventHandler *>(ud))(topic ? topic : "", view(payload));
  } catch (const std::exception &e) {
    try {
      logError(std::string("event ") + (topic ? topic : "") + ": " + e.what());
    } catch (...) {
    }
  } catch (...) {
  }
}
} // namespace detail

// Registration (init only): calls `h` for every event published on `topic`
// (exact match, "<module>.<event>") by any module, from start on.
inline void subscribe(const char *topic, EventHandler h) {
  auto &store = detail::eventHandlers();
  store.push_back(std::move(h));
  check(api().subscribe(g_module, topic, &detail::eventTrampoline, &store.back()),
        std::string("subscribe ") + topic);
}

// ---- registration (init only) ----------------------------------------------------
using Handler = std::function<void(Exchange &)>;

namespace detail {
// Handlers live as long as the module (modules are load-once).
inline std::deque<Handler> &handlers() {
  static std::deque<Handler> h;
  return h;
}
inline rdc_status trampoline(rdc_exchange *ex, void *ud) noexcept {
  try {
    Exchange e(ex);
    (*static_cast<Handler *>(ud))(e);
    return RDC_OK;
  } catch (const HttpError &err) {
    try {
      replyError(ex, err.status(), err.what());
      return RDC_OK;
    } catch (...) {
      return RDC_ERROR;
    }
  } catch (const HostError &err) {
    try {
      // An exhausted pool or an unreachable database is transient, not a
      // bug: 503 tells the client to retry.
      if (err.code() == RDC_BUSY) {
        logWarn(err.what());
        replyError(ex, 503, "Service temporarily unavailable, try again shortly");
        return RDC_OK;
      }
      logError(err.what());
    } catch (...) {
    }
    return RDC_ERROR;
  } catch (const std::exception &err) {
    try {
      logError(err.what());
    } catch (...) {
    }
    return RDC_ERROR;
  } catch (...) {
    return RDC_ERROR;
  }
}
} // namespace detail

// `maxBodyBytes` 0 = the server default.
inline void addRoute(const char *method, const char *pattern, int32_t level,
                     Handler h, int64_t maxBodyBytes = 0) {
  auto &store = detail::handlers();
  store.push_back(std::move(h));
  rdc_route r{};
  r.struct_size = sizeof(r);
  r.method = method;
  r.pattern = pattern;
  r.auth_level = level;
  r.max_body_bytes = maxBodyBytes;
  r.handler = &detail::trampoline;
  r.user_data = &store.back();
  check(api().route_add(g_module, &r), std::string("route ") + method + " " +
                                           pattern);
}

inline void addMigration(int32_t version, const char *sql) {
  check(api().migration_add(g_module, version, sql), "migration");
}

namespace detail {
// Module lifecycle trampolines: C++ init/start/stop bodies may throw.
template <void (*Fn)()> rdc_status guarded() noexcept {
  try {
    Fn();
    return RDC_OK;
  } catch (const std::exception &e) {
    try {
      logError(e.what());
    } catch (...) {
    }
    return RDC_ERROR;
  } catch (...) {
    return RDC_ERROR;
  }
}
} // namespace detail

} // namespace rdc

// Emits the descriptor and the entry symbol. INIT, START and STOP are
// functions `void f()`; pass rdc_noop for START/STOP when not needed.
// DEPS is a brace list of module names, e.g. RDC_DEPS("auth") or RDC_NO_DEPS.
namespace rdc {
inline void noop() {}
} // namespace rdc
#define RDC_NO_DEPS nullptr
#define RDC_MODULE(NAME, VERSION, DESCRIPTION, DEPS, INIT, START, STOP)       \
  static rdc_status rdc_sdk_init(rdc_module *m, const rdc_host_api *a) {      \
    if (!a || a->abi_major != RDC_ABI_MAJOR ||                               \
        a->struct_size < sizeof(rdc_host_api))                               \
      return RDC_INVALID;                                                    \
    ::rdc::g_api = a;                                                        \
    ::rdc::g_module = m;                                                     \
    return ::rdc::detail::guarded<INIT>();                                   \
  }                                                                          \
  static rdc_status rdc_sdk_start(rdc_module *) {                            \
    return ::rdc::detail::guarded<START>();                                  \
  }                                                                          \
  static void rdc_sdk_stop(rdc_module *) { ::rdc::detail::guarded<STOP>(); } \
  extern "C" RDC_EXPORT const rdc_module_descriptor *rdc_module_entry_v1(    \
      void) {                                                                \
    static const rdc_module_descriptor d = {                                 \
        sizeof(rdc_module_descriptor), RDC_ABI_MAJOR, RDC_ABI_MINOR, NAME,   \
        VERSION, DESCRIPTION, DEPS, &rdc_sdk_init, &rdc_sdk_start,           \
        &rdc_sdk_stop};                                                      \
    return &d;                                                               \
  }
