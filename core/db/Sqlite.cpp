// The only file that talks to the sqlite3 C API.
#include "db/Sqlite.h"

#include <sqlite3.h>

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace rdc::db {
namespace {

DbError::Kind kindOf(int rc) {
  switch (rc & 0xff) { // primary result code of an extended one
  case SQLITE_CONSTRAINT:
    return DbError::Kind::Conflict;
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    return DbError::Kind::Busy;
  case SQLITE_RANGE:
  case SQLITE_MISUSE:
    return DbError::Kind::Invalid;
  default:
    return DbError::Kind::Other;
  }
}

// Result codes after which the handle cannot be trusted for the next borrower.
bool breaksConnection(int rc) {
  switch (rc & 0xff) {
  case SQLITE_CORRUPT:
  case SQLITE_NOTADB:
  case SQLITE_IOERR:
  case SQLITE_CANTOPEN:
  case SQLITE_NOMEM:
    return true;
  default:
    return false;
  }
}

bool onlyWhitespaceOrComments(const char *p) {
  // What sqlite3_prepare leaves as the tail after the last statement of a
  // string like "SELECT 1; -- note\n": blanks and comments are harmless.
  while (*p) {
    if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v' ||
        *p == ';') {
      ++p;
    } else if (p[0] == '-' && p[1] == '-') {
      while (*p && *p != '\n')
        ++p;
    } else if (p[0] == '/' && p[1] == '*') {
      p += 2;
      while (*p && !(p[0] == '*' && p[1] == '/'))
        ++p;
      if (*p)
        p += 2;
    } else {
      return false;
    }
  }
  return true;
}

// Prepared statements are expensive to compile, so a connection keeps the ones
// that were finished with, keyed by SQL text. A statement is in the cache only
// while no Statement object owns it, so two live Statements never share one.
struct StatementCache {
  static constexpr size_t kMaxCached = 128;
  std::unordered_map<std::string, std::vector<sqlite3_stmt *>> idle;
  size_t count = 0;

  sqlite3_stmt *take(const std::string &sql) {
    auto it = idle.find(sql);
    if (it == idle.end() || it->second.empty())
      return nullptr;
    sqlite3_stmt *st = it->second.back();
    it->second.pop_back();
    --count;
    return st;
  }

  void put(std::string sql, sqlite3_stmt *st) {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (count >= kMaxCached) {
      sqlite3_finalize(st);
      return;
    }
    idle[std::move(sql)].push_back(st);
    ++count;
  }

  void clear() {
    for (auto &[sql, list] : idle)
      for (sqlite3_stmt *st : list)
        sqlite3_finalize(st);
    idle.clear();
    count = 0;
  }
};

class SqliteConnection final : public Connection {
public:
  explicit SqliteConnection(sqlite3 *db) : db_(db) {}
  ~SqliteConnection() override {
    *aliveFlag_ = false;
    cache_.clear();
    // close_v2 defers the close until the last outstanding statement is
    // finalized, so a Statement that (wrongly) outlives its connection does
    // not crash when it is destroyed.
    sqlite3_close_v2(db_);
  }
  SqliteConnection(const SqliteConnection &) = delete;
  SqliteConnection &operator=(const SqliteConnection &) = delete;

  std::unique_ptr<Statement> prepare(std::string_view sql) override;
  void execScript(std::string_view sql) override;
  void begin() override { run("BEGIN IMMEDIATE"); }
  void commit() override { run("COMMIT"); }
  void rollback() override {
    if (!inTransaction())
      return;
    try {
      run("ROLLBACK");
    } catch (...) {
      broken_ = true;
      throw;
    }
  }
  bool inTransaction() const override { return sqlite3_get_autocommit(db_) == 0; }
  std::string_view engine() const override { return "sqlite"; }
  bool healthy() override { return !broken_; }

  [[noreturn]] void fail(int rc, const std::string &what, DbError::Kind kind) {
    if (breaksConnection(rc))
      broken_ = true;
    throw DbError(kind, what + ": " + sqlite3_errmsg(db_));
  }
  [[noreturn]] void fail(int rc, const std::string &what) { fail(rc, what, kindOf(rc)); }

  sqlite3 *handle() const { return db_; }
  void giveBack(std::string sql, sqlite3_stmt *st) { cache_.put(std::move(sql), st); }
  // False once the connection is gone: its statements then finalize
  // themselves instead of returning to a cache that no longer exists.
  std::shared_ptr<bool> aliveFlag() const { return aliveFlag_; }

private:
  void run(const char *sql) {
    char *err = nullptr;
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      if (breaksConnection(rc))
        broken_ = true;
      throw DbError(kindOf(rc), std::string(sql) + " failed: " + msg);
    }
  }

  sqlite3 *db_;
  StatementCache cache_;
  bool broken_ = false;
  std::shared_ptr<bool> aliveFlag_ = std::make_shared<bool>(true);

  friend class SqliteStatement;
};

class SqliteStatement final : public Statement {
public:
  SqliteStatement(SqliteConnection &conn, std::string sql, sqlite3_stmt *st)
      : conn_(&conn), alive_(conn.aliveFlag()), sql_(std::move(sql)), st_(st) {}
  ~SqliteStatement() override {
    if (*alive_)
      conn_->giveBack(std::move(sql_), st_);
    else
      sqlite3_finalize(st_);
  }
  SqliteStatement(const SqliteStatement &) = delete;
  SqliteStatement &operator=(const SqliteStatement &) = delete;

  void bindNull(int idx) override { check(sqlite3_bind_null(st_, idx), idx); }
  void bindInt(int idx, int64_t v) override { check(sqlite3_bind_int64(st_, idx, v), idx); }
  void bindDouble(int idx, double v) override { check(sqlite3_bind_double(st_, idx, v), idx); }
  void bindText(int idx, std::string_view v) override {
    // A null data pointer would bind SQL NULL; an empty string must stay ''.
    const char *p = v.data() ? v.data() : "";
    check(sqlite3_bind_text64(st_, idx, p, v.size(), SQLITE_TRANSIENT, SQLITE_UTF8), idx);
  }
  void bindBlob(int idx, std::string_view bytes) override {
    const char *p = bytes.data() ? bytes.data() : "";
    check(sqlite3_bind_blob64(st_, idx, p, bytes.size(), SQLITE_TRANSIENT), idx);
  }

  Step step() override {
    sqlite3 *db = conn_->handle();
    if (!running_) {
      running_ = true;
      totalBefore_ = sqlite3_total_changes64(db);
    }
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW)
      return Step::Row;
    running_ = false;
    if (rc == SQLITE_DONE) {
      // sqlite3_changes() keeps the count of the last INSERT/UPDATE/DELETE on
      // the connection, so a SELECT or DDL would report a stale number. Only
      // when this run changed the connection's total is that count ours.
      changes_ = sqlite3_total_changes64(db) != totalBefore_ ? sqlite3_changes64(db) : 0;
      sqlite3_reset(st_);
      return Step::Done;
    }
    std::string msg = sqlite3_errmsg(db);
    sqlite3_reset(st_); // ready to run again; the error text was saved above
    if (breaksConnection(rc))
      conn_->broken_ = true;
    throw DbError(kindOf(rc), msg);
  }
  void reset() override {
    running_ = false;
    sqlite3_reset(st_);
  }

  int columnCount() override { return sqlite3_column_count(st_); }
  ColumnType columnType(int col) override {
    checkColumn(col);
    switch (sqlite3_column_type(st_, col)) {
    case SQLITE_INTEGER:
      return ColumnType::Int;
    case SQLITE_FLOAT:
      return ColumnType::Real;
    case SQLITE_TEXT:
      return ColumnType::Text;
    case SQLITE_BLOB:
      return ColumnType::Blob;
    default:
      return ColumnType::Null;
    }
  }
  int64_t columnInt(int col) override {
    checkColumn(col);
    return sqlite3_column_int64(st_, col);
  }
  double columnDouble(int col) override {
    checkColumn(col);
    return sqlite3_column_double(st_, col);
  }
  std::string_view columnText(int col) override {
    checkColumn(col);
    // Fetch the pointer first, then the size (the order SQLite documents).
    const void *p = sqlite3_column_type(st_, col) == SQLITE_BLOB
                        ? sqlite3_column_blob(st_, col)
                        : static_cast<const void *>(sqlite3_column_text(st_, col));
    int n = sqlite3_column_bytes(st_, col);
    if (!p || n <= 0)
      return {};
    return {static_cast<const char *>(p), static_cast<size_t>(n)};
  }
  int64_t changes() override { return changes_; }

private:
  void check(int rc, int idx) {
    if (rc == SQLITE_OK)
      return;
    if ((rc & 0xff) == SQLITE_RANGE)
      throw DbError(DbError::Kind::Invalid,
                    "parameter index " + std::to_string(idx) + " is out of range (statement has " +
                        std::to_string(sqlite3_bind_parameter_count(st_)) + ")");
    conn_->fail(rc, "cannot bind parameter " + std::to_string(idx));
  }
  void checkColumn(int col) {
    if (col < 0 || col >= sqlite3_column_count(st_))
      throw DbError(DbError::Kind::Invalid, "column index " + std::to_string(col) +
                                                " is out of range (statement has " +
                                                std::to_string(sqlite3_column_count(st_)) + ")");
  }

  SqliteConnection *conn_;
  std::shared_ptr<bool> alive_;
  std::string sql_;
  sqlite3_stmt *st_;
  bool running_ = false;
  int64_t totalBefore_ = 0;
  int64_t changes_ = 0;
};

std::unique_ptr<Statement> SqliteConnection::prepare(std::string_view sqlView) {
  std::string sql(sqlView);
  if (sqlite3_stmt *cached = cache_.take(sql))
    return std::make_unique<SqliteStatement>(*this, std::move(sql), cached);
  sqlite3_stmt *st = nullptr;
  const char *tail = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()) + 1,
                              SQLITE_PREPARE_PERSISTENT, &st, &tail);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(st);
    fail(rc, "cannot prepare SQL",
         (rc & 0xff) == SQLITE_ERROR ? DbError::Kind::Invalid : kindOf(rc));
  }
  if (!st)
    throw DbError(DbError::Kind::Invalid, "cannot prepare SQL: it contains no statement");
  if (tail && !onlyWhitespaceOrComments(tail)) {
    sqlite3_finalize(st);
    throw DbError(DbError::Kind::Invalid,
                  "cannot prepare SQL: it holds more than one statement (use execScript)");
  }
  return std::make_unique<SqliteStatement>(*this, std::move(sql), st);
}

void SqliteConnection::execScript(std::string_view sqlView) {
  std::string sql(sqlView);
  char *err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK)
    return;
  std::string msg = err ? err : sqlite3_errmsg(db_);
  sqlite3_free(err);
  if (breaksConnection(rc))
    broken_ = true;
  // A script error is nearly always a compile error (syntax, unknown table),
  // i.e. the caller's SQL is wrong.
  auto kind = (rc & 0xff) == SQLITE_ERROR ? DbError::Kind::Invalid : kindOf(rc);
  throw DbError(kind, "SQL script failed: " + msg);
}

} // namespace

std::unique_ptr<Connection> openSqlite(const SqliteOptions &opts) {
  sqlite3 *db = nullptr;
  const std::string path = opts.path.string();
  // NOMUTEX: a Connection is used by one thread at a time (the pool hands it
  // out exclusively), so SQLite's per-connection mutex would be pure cost.
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    throw DbError(DbError::Kind::Other, "cannot open SQLite database '" + path + "': " + msg);
  }
  auto conn = std::make_unique<SqliteConnection>(db);
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, opts.busyTimeoutMs > 0 ? opts.busyTimeoutMs : 0);
  try {
    // WAL lets readers proceed while one writer commits; NORMAL sync is safe
    // with WAL (a power loss can drop the last commits, never corrupt).
    conn->execScript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                     "PRAGMA foreign_keys=ON;");
    // Touch the schema so a file that is not a database fails here, at open.
    conn->execScript("SELECT count(*) FROM sqlite_schema;");
  } catch (const DbError &e) {
    throw DbError(e.kind() == DbError::Kind::Busy ? DbError::Kind::Busy : DbError::Kind::Other,
                  "cannot open SQLite database '" + path + "': " + e.what());
  }
  return conn;
}

ConnectionFactory sqliteFactory(SqliteOptions opts) {
  return [opts = std::move(opts)] { return openSqlite(opts); };
}

} // namespace rdc::db
