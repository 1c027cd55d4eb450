/*
 * rdconsole plugin ABI — the only door between the rdconsole host and a module.
 *
 * Pure C99. Compiles with `gcc -std=c99 -pedantic -Werror` and as C++20.
 * Only fixed-width integers, (pointer,length) views, opaque handles and
 * function pointers cross this boundary; no C++/STL/Poco types, no bool, no
 * enum types inside structs, no varargs.
 *
 * ---------------------------------------------------------------------------
 * BUMP LOG (newest first). Major = incompatible; minor = appended members.
 *   1.4  2026-11-22  API tokens (rdconsole api-token ...): api_token_verify
 *                    checks a token of no user against a scope, e.g.
 *                    "devices" for rustdesk --assign.
 *   1.3  2026-11-22  Device groups and the group view: device_group_find,
 *                    device_group_get, device_group_ids (all, or those a
 *                    user is granted), device_update (owner, device group,
 *                    note), device_list (paged, what a user may see),
 *                    user_list (paged).
 *   1.2  2026-11-22  Device registry (device_get, device_pin, device_repin):
 *                    RustDesk ids with the uuid pinned at first sight.
 *   1.1  2026-11-22  User groups (group_find, group_get, user_group_ids),
 *                    user_get by id, identity calls usable outside a request
 *                    (ex == NULL), config_get_from (a dependency's keys),
 *                    operator commands (command_add, cmd_write): modules
 *                    add `rdconsole <verb> ...` sub-commands.
 *   1.0  2026-11-22  First stable ABI: descriptor + rdc_module_entry_v1,
 *                    host table with routes, request/response, db, migrations,
 *                    config, logging, tokens/users, events, random bytes.
 * ---------------------------------------------------------------------------
 *
 * LOADING
 *   A module is one shared object exporting exactly one symbol,
 *   `rdc_module_entry_v<MAJOR>`, which returns a pointer to a static
 *   rdc_module_descriptor. The host accepts a module when
 *   descriptor.abi_major == RDC_ABI_MAJOR and descriptor.abi_minor <= the
 *   host's RDC_ABI_MINOR. A module must not link against symbols of the host
 *   binary; everything it needs from the host comes through rdc_host_api.
 *
 * APPEND-ONLY STRUCTS
 *   Every struct that crosses the boundary begins with `uint32_t struct_size`.
 *   New members are only ever appended. A module tests whether a host member
 *   exists with RDC_HAS_MEMBER(api, member) before calling it; the host
 *   zero-fills members of module-provided structs that an older module did
 *   not know about.
 *
 * LIFETIMES (who owns memory, and for how long)
 *   call     Views returned by a call are valid until the next call on the
 *            same handle (e.g. rdc_stmt column text until the next step,
 *            reset or finalize).
 *   request  Views obtained from an rdc_exchange (method, path, params,
 *            query, headers, body, user fields, issued tokens) are valid
 *            until the route handler returns.
 *   module   Views obtained with an rdc_module handle (config values) are
 *            valid until the module's stop() returns.
 *   The host copies everything a module hands to it (strings, bodies, SQL,
 *   bound values, event payloads); the module may free them right after the
 *   call. Memory created by the host for the module (rdc_db, rdc_stmt) goes
 *   back only through the named release/finalize calls.
 *
 * ERRORS
 *   Host calls return rdc_status. On failure, api->last_error() returns a
 *   human-readable message for the most recent failing host call on the
 *   calling thread (valid until the next host call on that thread).
 *   Exceptions never cross the boundary in either direction: module
 *   callbacks must catch everything (the C++ SDK's trampolines do); the host
 *   turns a failing handler into a logged 500 reply.
 *
 * THREADS
 *   init, start and stop run serially on the main thread, in dependency
 *   order (stop in reverse). Registration calls (route_add, migration_add,
 *   subscribe, command_add) are accepted only during init. Route handlers and event
 *   callbacks run concurrently on the host's worker threads; host calls are
 *   thread-safe, except that one rdc_exchange, one rdc_db and one rdc_stmt
 *   must each be used by one thread at a time. The host drains in-flight
 *   requests and queued events before it calls any module's stop.
 *   Finalize every rdc_stmt of an rdc_db before releasing that rdc_db: a
 *   released connection belongs to another thread at once.
 */
#ifndef RDCONSOLE_MODULE_H
#define RDCONSOLE_MODULE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RDC_ABI_MAJOR 1
#define RDC_ABI_MINOR 4

/* ---- exporting the entry symbol ------------------------------------------ */
#if defined(_WIN32)
#define RDC_EXPORT __declspec(dllexport)
#else
#define RDC_EXPORT __attribute__((visibility("default")))
#endif

/* ---- status codes --------------------------------------------------------- */
typedef int32_t rdc_status;
#define RDC_OK 0
#define RDC_ERROR 1          /* unspecified failure; see last_error()          */
#define RDC_NOT_FOUND 2      /* no such key/param/header/user/row              */
#define RDC_INVALID 3        /* bad argument (e.g. malformed SQL, bad index)   */
#define RDC_BUSY 4           /* resource exhausted (pool wait timed out)       */
#define RDC_CONFLICT 5       /* constraint violation (unique, foreign key)     */
#define RDC_DENIED 6         /* authentication/authorization refused           */
#define RDC_STATE 7          /* call not allowed now (e.g. route_add after init)*/
#define RDC_ROW 100          /* stmt_step: a row is available                  */
#define RDC_DONE 101         /* stmt_step: statement finished                  */

/* ---- basic types ------------------------------------------------------------ */
/* A borrowed byte view. Not NUL-terminated unless a call says so. */
typedef struct rdc_str {
  const char *ptr;
  size_t len;
} rdc_str;

/* Opaque handles. */
typedef struct rdc_module rdc_module;     /* one loaded module                 */
typedef struct rdc_exchange rdc_exchange; /* one HTTP request + its response   */
typedef struct rdc_db rdc_db;             /* one leased database connection    */
typedef struct rdc_stmt rdc_stmt;         /* one prepared statement            */
typedef struct rdc_command_ctx rdc_command_ctx; /* one CLI invocation (1.1)   */

/* Route authentication levels (int32_t fields, not an enum type). */
#define RDC_AUTH_NONE 0  /* anyone                                            */
#define RDC_AUTH_USER 1  /* a valid bearer token of an enabled user           */
#define RDC_AUTH_ADMIN 2 /* as USER, and the user is an administrator         */

/* Log levels. */
#define RDC_LOG_DEBUG 0
#define RDC_LOG_INFO 1
#define RDC_LOG_WARN 2
#define RDC_LOG_ERROR 3

/* Column types reported by stmt_column_type. */
#define RDC_TYPE_NULL 0
#define RDC_TYPE_INT 1
#define RDC_TYPE_REAL 2
#define RDC_TYPE_TEXT 3
#define RDC_TYPE_BLOB 4

/* User status values, as the RustDesk client reads them. */
#define RDC_USER_DISABLED 0
#define RDC_USER_NORMAL 1
#define RDC_USER_UNVERIFIED (-1)

/* A route handler. Returns RDC_OK when it wrote its reply (or is content
 * with the default: 200, empty body). Any other return value makes the host
 * log the failure and reply 500 with a JSON error, unless the handler already
 * set a status >= 400. */
typedef rdc_status (*rdc_handler_fn)(rdc_exchange *ex, void *user_data);

typedef struct rdc_route {
  uint32_t struct_size;
  const char *method;  /* "GET", "POST", "PUT", "DELETE", "PATCH"; GET routes
                          also answer HEAD                                    */
  const char *pattern; /* "/api/ab/peer/add/{guid}": literal segments and
                          whole-segment {name} parameters                     */
  int32_t auth_level;  /* RDC_AUTH_*                                          */
  int64_t max_body_bytes; /* 0 = the server's http.max_body_bytes             */
  rdc_handler_fn handler;
  void *user_data;
} rdc_route;

/* The authenticated (or looked-up) user. Views have request lifetime. */
typedef struct rdc_user {
  uint32_t struct_size;
  int64_t id;
  rdc_str name;
  rdc_str display_name;
  rdc_str email;
  rdc_str note;
  rdc_str avatar;
  int32_t status;   /* RDC_USER_*                                             */
  int32_t is_admin; /* 0 or 1                                                 */
} rdc_user;

/* What a token is bound to, for token_issue. Empty views = not bound. */
typedef struct rdc_token_request {
  uint32_t struct_size;
  int64_t user_id;
  rdc_str device_id;
  rdc_str device_uuid;
  rdc_str device_os;
  rdc_str device_name;
  int64_t lifetime_seconds; /* 0 = identity.token_lifetime_seconds         */
} rdc_token_request;

/* The facts behind a verified token. Views have request lifetime. */
typedef struct rdc_token_info {
  uint32_t struct_size;
  int64_t user_id;
  rdc_str device_id;
  rdc_str device_uuid;
  int64_t expires_at_ms;
} rdc_token_info;

typedef void (*rdc_event_fn)(const char *topic, rdc_str payload,
                             void *user_data);

/* A device in the core registry (ABI 1.2). Views live until the next
 * identity/device call on the same thread. */
typedef struct rdc_device {
  uint32_t struct_size;
  int64_t row_id;          /* the registry's own key                          */
  rdc_str id;              /* the RustDesk id                                 */
  rdc_str uuid;            /* the pinned uuid ("" = none pinned)              */
  int64_t owner_user_id;   /* 0 = no owner                                    */
  int64_t device_group_id; /* 0 = no device group                             */
  rdc_str note;
  int64_t created_at_ms;
} rdc_device;

/* Which members of an rdc_device_update apply (ABI 1.3). */
#define RDC_DEVICE_SET_OWNER 1u /* owner_user_id (0 = no owner)            */
#define RDC_DEVICE_SET_GROUP 2u /* device_group_id (0 = no device group)   */
#define RDC_DEVICE_SET_NOTE 4u  /* note                                    */

/* A change to a registered device (ABI 1.3); members not named in `fields`
 * are left as they are. */
typedef struct rdc_device_update {
  uint32_t struct_size;
  uint32_t fields; /* RDC_DEVICE_SET_* bits                                 */
  int64_t owner_user_id;
  int64_t device_group_id;
  rdc_str note;
} rdc_device_update;

/* A page of devices (ABI 1.3), ordered by RustDesk id (byte order). */
typedef struct rdc_device_query {
  uint32_t struct_size;
  /* 0 = every device (an administrator's view). Otherwise only the devices
   * this user may see: those they own, and those in a device group granted
   * to them or to one of their user groups. */
  int64_t viewer_user_id;
  int64_t offset; /* >= 0                                                    */
  int64_t limit;  /* 1..1000                                                 */
} rdc_device_query;

/* Called once per row; the views live until the callback returns. */
typedef void (*rdc_device_fn)(const rdc_device *device, void *user_data);
typedef void (*rdc_user_fn)(const rdc_user *user, void *user_data);

/* An API token that api_token_verify accepted (ABI 1.4). Views live until
 * the calling thread's next api_token_verify. */
typedef struct rdc_api_token {
  uint32_t struct_size;
  int64_t id;   /* the token's row id (never reused)                        */
  rdc_str name; /* the name the operator gave it                            */
} rdc_api_token;

/* An operator command (ABI 1.1): `rdconsole <name> <args...>`. argv[0] is the
 * name itself; argv[argc] is NULL. Returns the process exit code (0 success,
 * 1 failure, 2 usage error). Runs on the main thread of a CLI process, after
 * every module's init and migrations but WITHOUT start(): no routes serve,
 * no background work runs. Write output with cmd_write, never to stdout
 * directly (the host may capture it). */
typedef int32_t (*rdc_command_fn)(rdc_command_ctx *ctx, int32_t argc,
                                  const char *const *argv, void *user_data);

typedef struct rdc_command {
  uint32_t struct_size;
  const char *name;    /* [a-z][a-z0-9-]{0,31}; not a core verb, unique     */
  const char *summary; /* one line, shown by `rdconsole help`               */
  rdc_command_fn fn;
  void *user_data;
} rdc_command;

/* ---- the host table --------------------------------------------------------- */
typedef struct rdc_host_api {
  uint32_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;

  /* Diagnostics -------------------------------------------------------------- */
  /* Message of the last failing host call on this thread (NUL-terminated). */
  const char *(*last_error)(void);
  void (*log)(rdc_module *m, int32_t level, const char *msg, size_t len);

  /* Configuration (module lifetime) -------------------------------------------
   * Looks up "<module name>.<key>" in the layered configuration (command line,
   * environment, etc/modules.d/<name>.properties, main file).
   * RDC_NOT_FOUND when unset. */
  rdc_status (*config_get)(rdc_module *m, const char *key, rdc_str *out);

  /* Registration (init only) ------------------------------------------------- */
  rdc_status (*route_add)(rdc_module *m, const rdc_route *route);
  /* Migration `version` (1, 2, 3 ... in order) of this module's schema. `sql`
   * may hold several statements separated by ';'. Each version runs once, in
   * one transaction; its checksum is recorded, and a changed checksum of an
   * applied version stops start-up. Use portable SQL only (see ABI.md). */
  rdc_status (*migration_add)(rdc_module *m, int32_t version, const char *sql);
  rdc_status (*subscribe)(rdc_module *m, const char *topic, rdc_event_fn fn,
                          void *user_data);

  /* Events (from start on) -------------------------------------------------
   * Asynchronous: the payload is copied and delivered in publish order on the
   * host's event thread. Topics are "<module>.<event>". RDC_BUSY when the
   * queue is full or the server is shutting down (the event is dropped). */
  rdc_status (*publish)(rdc_module *m, const char *topic, const char *payload,
                        size_t len);

  /* Request (request lifetime) ----------------------------------------------- */
  rdc_str (*req_method)(rdc_exchange *ex);
  rdc_str (*req_path)(rdc_exchange *ex); /* decoded path, no query          */
  rdc_status (*req_param)(rdc_exchange *ex, const char *name, rdc_str *out);
  /* First value of a query parameter, percent-decoded ('+' = space). */
  rdc_status (*req_query)(rdc_exchange *ex, const char *name, rdc_str *out);
  rdc_status (*req_header)(rdc_exchange *ex, const char *name, rdc_str *out);
  rdc_str (*req_body)(rdc_exchange *ex); /* complete, already size-checked */
  rdc_str (*req_client_ip)(rdc_exchange *ex);
  /* The user behind the request's bearer token. RDC_NOT_FOUND on routes of
   * level NONE when no valid token was sent. */
  rdc_status (*req_user)(rdc_exchange *ex, rdc_user *out);
  /* The raw bearer token (without "Bearer "), RDC_NOT_FOUND when absent. */
  rdc_status (*req_bearer)(rdc_exchange *ex, rdc_str *out);

  /* Response ---------------------------------------------------------------------
   * Default: 200, no body, Content-Type application/json; charset=utf-8. */
  rdc_status (*resp_status)(rdc_exchange *ex, int32_t status);
  rdc_status (*resp_header)(rdc_exchange *ex, const char *name,
                            const char *value);
  /* Replaces the body (copied). */
  rdc_status (*resp_body)(rdc_exchange *ex, const char *data, size_t len);

  /* Database ----------------------------------------------------------------------
   * Lease a connection, waiting at most wait_ms (< 0: the server default).
   * RDC_BUSY when none became free in time. Release returns it to the pool
   * (rolling back an open transaction). */
  rdc_status (*db_acquire)(rdc_module *m, int64_t wait_ms, rdc_db **out);
  void (*db_release)(rdc_db *db);
  rdc_status (*db_begin)(rdc_db *db);
  rdc_status (*db_commit)(rdc_db *db);
  rdc_status (*db_rollback)(rdc_db *db);
  /* One statement with '?' placeholders (the host rewrites them for the
   * engine). */
  rdc_status (*db_prepare)(rdc_db *db, const char *sql, size_t len,
                           rdc_stmt **out);
  /* Parameters are 1-based. Values are copied. */
  rdc_status (*stmt_bind_null)(rdc_stmt *st, int32_t idx);
  rdc_status (*stmt_bind_int64)(rdc_stmt *st, int32_t idx, int64_t v);
  rdc_status (*stmt_bind_double)(rdc_stmt *st, int32_t idx, double v);
  rdc_status (*stmt_bind_text)(rdc_stmt *st, int32_t idx, const char *p,
                               size_t len);
  rdc_status (*stmt_bind_blob)(rdc_stmt *st, int32_t idx, const void *p,
                               size_t len);
  /* RDC_ROW, RDC_DONE, or an error (RDC_CONFLICT on constraint violation). */
  rdc_status (*stmt_step)(rdc_stmt *st);
  /* Clears bindings' results so the statement can run again (bindings kept). */
  rdc_status (*stmt_reset)(rdc_stmt *st);
  void (*stmt_finalize)(rdc_stmt *st);
  int32_t (*stmt_column_count)(rdc_stmt *st);
  /* Columns are 0-based. Values: call lifetime. */
  int32_t (*stmt_column_type)(rdc_stmt *st, int32_t col);
  int64_t (*stmt_column_int64)(rdc_stmt *st, int32_t col);
  double (*stmt_column_double)(rdc_stmt *st, int32_t col);
  rdc_str (*stmt_column_text)(rdc_stmt *st, int32_t col); /* also BLOB bytes */
  /* Rows changed by the last INSERT/UPDATE/DELETE step. */
  int64_t (*stmt_changes)(rdc_stmt *st);

  /* Identity (request lifetime for out views) -------------------------------- */
  rdc_status (*user_find)(rdc_exchange *ex, const char *name, size_t len,
                          rdc_user *out);
  /* RDC_OK when the user exists, is not disabled and the password matches;
   * RDC_DENIED otherwise (the same cost whether or not the user exists). */
  rdc_status (*user_check_password)(rdc_exchange *ex, const char *name,
                                    size_t name_len, const char *password,
                                    size_t password_len, rdc_user *out);
  /* Issues a new opaque token; only its hash is stored. */
  rdc_status (*token_issue)(rdc_exchange *ex, const rdc_token_request *req,
                            rdc_str *out_token);
  /* RDC_DENIED when unknown, expired, revoked or its user is disabled. */
  rdc_status (*token_verify)(rdc_exchange *ex, const char *token, size_t len,
                             rdc_token_info *out);
  rdc_status (*token_revoke)(rdc_exchange *ex, const char *token, size_t len);

  /* Utilities ----------------------------------------------------------------------- */
  rdc_status (*random_bytes)(void *buf, size_t len); /* CSPRNG             */
  int64_t (*now_ms)(void); /* wall clock, Unix epoch milliseconds           */

  /* ---- ABI 1.1 ----------------------------------------------------------------
   * Identity outside a request: user_find, user_get and group_get accept
   * ex == NULL (in commands, event callbacks, background work); their out
   * views then live until the next identity call on the same thread. */
  /* The user with this id (any status). RDC_NOT_FOUND when there is none. */
  rdc_status (*user_get)(rdc_exchange *ex, int64_t id, rdc_user *out);
  /* User groups live in the core (rdconsole group ...). Names are matched
   * case-insensitively. */
  rdc_status (*group_find)(rdc_module *m, const char *name, size_t len,
                           int64_t *out_id);
  /* The group's name; view lifetime as user_get with ex == NULL. */
  rdc_status (*group_get)(rdc_module *m, int64_t id, rdc_str *out_name);
  /* The ids of the groups `user_id` belongs to, ascending. Writes at most
   * `cap` ids to `out` (may be NULL when cap is 0) and the total number to
   * *count (call again with a larger buffer when *count > cap). An unknown
   * user belongs to no group: RDC_OK with *count 0. */
  rdc_status (*user_group_ids)(rdc_module *m, int64_t user_id, int64_t *out,
                               uint32_t cap, uint32_t *count);
  /* As config_get, for "<module>.<key>" of a module that `m` lists among its
   * dependencies (RDC_DENIED for any other module). Module lifetime. */
  rdc_status (*config_get_from)(rdc_module *m, const char *module,
                                const char *key, rdc_str *out);
  /* Registration (init only; RDC_STATE later): adds `rdconsole <cmd->name>
   * ...`. RDC_INVALID for a malformed name; RDC_CONFLICT for a core verb
   * (user, group, device-group, api-token, modules, db,
   * help, version) or a name this module already
   * added. A core verb, or a name another module added first, also skips the
   * module after its init, whatever init returned. */
  rdc_status (*command_add)(rdc_module *m, const rdc_command *cmd);
  /* Writes command output; `stream` 1 = stdout, 2 = stderr (else
   * RDC_INVALID). The bytes are copied. */
  rdc_status (*cmd_write)(rdc_command_ctx *ctx, int32_t stream,
                          const char *p, size_t len);

  /* ---- ABI 1.2: the device registry ---------------------------------------
   * Devices (RustDesk ids) belong to the core. The first uuid seen for an id
   * is pinned; later calls compare against it. Out views: see rdc_device. */
  rdc_status (*device_get)(rdc_module *m, const char *id, size_t id_len,
                           rdc_device *out);
  /* Registers `id` with `uuid` pinned when it is unknown (or has no pinned
   * uuid), atomically across instances. RDC_OK with the device when the
   * pinned uuid equals `uuid`; RDC_CONFLICT with the device (showing the
   * pinned uuid) when it differs. RDC_INVALID for an empty id or uuid. */
  rdc_status (*device_pin)(rdc_module *m, const char *id, size_t id_len,
                           const char *uuid, size_t uuid_len, rdc_device *out);
  /* Replaces the pinned uuid (an operator re-pin); an empty uuid unpins, so
   * the next uuid seen is pinned. RDC_NOT_FOUND for an unknown id. */
  rdc_status (*device_repin)(rdc_module *m, const char *id, size_t id_len,
                             const char *uuid, size_t uuid_len);

  /* ---- ABI 1.3: device groups, assignment, the group view -----------------
   * Device groups live in the core (rdconsole device-group ...): names are
   * matched case-insensitively; ids are never reused. A device group is
   * granted to users and to user groups; a user "may see" a device they own
   * or one in a device group granted to them or to one of their groups. */
  rdc_status (*device_group_find)(rdc_module *m, const char *name, size_t len,
                                  int64_t *out_id);
  /* The device group's name; view lifetime as group_get. */
  rdc_status (*device_group_get)(rdc_module *m, int64_t id, rdc_str *out_name);
  /* Ids of every device group (viewer_user_id 0), or of those granted to
   * that user directly or through a user group; ascending. Buffer protocol
   * as user_group_ids. */
  rdc_status (*device_group_ids)(rdc_module *m, int64_t viewer_user_id,
                                 int64_t *out, uint32_t cap, uint32_t *count);
  /* Applies `u` to a registered device. RDC_NOT_FOUND for an unknown device
   * id; RDC_INVALID for an unknown owner or device group, or a bad note (at
   * most 1024 bytes of UTF-8 without control characters). */
  rdc_status (*device_update)(rdc_module *m, const char *id, size_t id_len,
                              const rdc_device_update *u);
  /* Calls fn for each device of the page and sets *total to the number of
   * devices matching the query (all pages). */
  rdc_status (*device_list)(rdc_module *m, const rdc_device_query *q,
                            rdc_device_fn fn, void *user_data, int64_t *total);
  /* Users ordered by name (case-insensitive), `limit` 1..1000 from `offset`;
   * status -2 = any, else only users with that RDC_USER_* status. *total is
   * the number of matching users. */
  rdc_status (*user_list)(rdc_module *m, int64_t offset, int64_t limit,
                          int32_t status, rdc_user_fn fn, void *user_data,
                          int64_t *total);

  /* ---- ABI 1.4: API tokens --------------------------------------------------
   * API tokens live in the core (rdconsole api-token ...): bearer tokens
   * ("rdcapi_...") of no user, each allowed what its scopes name. Known
   * scopes: "devices" (rustdesk --assign). */
  /* RDC_OK and *out filled when `token` is a live API token (not revoked,
   * not expired) with `scope` (NUL-terminated); the use is recorded.
   * RDC_DENIED otherwise, whatever the reason (unknown, revoked, expired,
   * lacking the scope, a login token). `ex` may be NULL. */
  rdc_status (*api_token_verify)(rdc_exchange *ex, const char *token,
                                 size_t len, const char *scope,
                                 rdc_api_token *out);
} rdc_host_api;

/* True when the host table `api` has member `member` (for newer members). */
#define RDC_HAS_MEMBER(api, member)                                            \
  (offsetof(rdc_host_api, member) + sizeof(((rdc_host_api *)0)->member) <=     \
   (api)->struct_size)

/* ---- the module descriptor ------------------------------------------------ */
typedef struct rdc_module_descriptor {
  uint32_t struct_size;
  uint32_t abi_major; /* RDC_ABI_MAJOR the module was built against          */
  uint32_t abi_minor; /* RDC_ABI_MINOR the module was built against          */
  const char *name;   /* [a-z0-9_-]{1,32}; unique                            */
  const char *version;
  const char *description;
  /* NULL-terminated list of module names that must start first, or NULL. */
  const char *const *dependencies;
  /* Registers routes, migrations and subscriptions. Non-OK skips the module. */
  rdc_status (*init)(rdc_module *m, const rdc_host_api *api);
  /* After migrations ran; may start background work. May be NULL. */
  rdc_status (*start)(rdc_module *m);
  /* After requests and events drained; must stop background work. May be NULL. */
  void (*stop)(rdc_module *m);
} rdc_module_descriptor;

typedef const rdc_module_descriptor *(*rdc_module_entry_fn)(void);

/* The one symbol a v1 module exports. */
RDC_EXPORT const rdc_module_descriptor *rdc_module_entry_v1(void);

#ifdef __cplusplus
}
#endif
#endif /* RDCONSOLE_MODULE_H */
