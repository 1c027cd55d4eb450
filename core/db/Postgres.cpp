// The only file that talks to libpq.
#include "db/Postgres.h"

#include "db/SqlDialect.h"

#include <libpq-fe.h>

#include <poll.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace rdc::db {
namespace {

// Type OIDs of the built-in types (fixed in PostgreSQL's catalog, pg_type.dat).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kTextOid = 25;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

// pg_advisory_xact_lock key that serialises migrations across instances:
// the ASCII bytes of "rdconsol".
constexpr const char *kMigrationLockSql = "SELECT pg_advisory_xact_lock(8242822548240428908)";

// A connection keeps at most this many server-side prepared statements.
constexpr size_t kMaxPrepared = 256;

DbError::Kind kindOf(const std::string &sqlstate) {
  if (sqlstate.size() != 5)
    return DbError::Kind::Other;
  if (sqlstate.compare(0, 2, "23") == 0) // integrity constraint violation
    return DbError::Kind::Conflict;
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03" || sqlstate == "57014")
    return DbError::Kind::Busy; // serialization, deadlock, lock not available, cancelled
  if (sqlstate.compare(0, 2, "42") == 0 || sqlstate.compare(0, 2, "22") == 0)
    return DbError::Kind::Invalid; // syntax/access rule, data exception
  return DbError::Kind::Other;
}

// libpq's messages span lines ("...failed: Connection refused\n\tIs the
// server running..."): one line, blanks collapsed, for the log.
std::string oneLine(const std::string &s) {
  std::string out;
  for (char c : s) {
    const bool blank = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!blank)
      out.push_back(c);
    else if (!out.empty() && out.back() != ' ')
      out.push_back(' ');
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

std::string field(const PGresult *r, int code) {
  const char *v = r ? PQresultErrorField(r, code) : nullptr;
  return v ? v : "";
}

// "host:port/db" of a connection (also of a failed one), for messages.
std::string targetOf(PGconn *conn) {
  std::string host = PQhost(conn) ? PQhost(conn) : "";
  std::string port = PQport(conn) ? PQport(conn) : "";
  std::string db = PQdb(conn) ? PQdb(conn) : "";
  if (host.empty())
    host = "localhost";
  return host + ":" + (port.empty() ? "5432" : port) + "/" + db;
}

bool parseInt(std::string_view s, int64_t &out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

double parseDouble(std::string_view s) {
  double d = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  (void)p;
  if (ec == std::errc::result_out_of_range)
    return s.find('-') == 0 ? -HUGE_VAL : HUGE_VAL;
  return ec == std::errc() ? d : 0.0;
}

// What one SQL text (or one SQL text with one set of parameter types) was
// prepared as on the server.
struct Prepared {
  std::string name;            // empty when indeterminate
  bool indeterminate = false;  // the server could not infer the type of...
  int openParam = -1;          // ...this parameter (0-based), -1 if unknown
  std::string error;           // ...and said so with this message
  std::vector<Oid> paramTypes; // as the server inferred them
  int columns = 0;
};

class PgConnection;

class PgStatement final : public Statement {
public:
  PgStatement(PgConnection &conn, std::string sql, int nParams, int columns)
      : conn_(&conn), alive_(aliveFlagOf(conn)), sql_(std::move(sql)), params_(nParams),
        columns_(columns) {}
  ~PgStatement() override { clearResult(); }
  PgStatement(const PgStatement &) = delete;
  PgStatement &operator=(const PgStatement &) = delete;

  void bindNull(int idx) override { param(idx) = Param{}; }
  void bindInt(int idx, int64_t v) override { param(idx) = Param{Param::Int, std::to_string(v)}; }
  void bindDouble(int idx, double v) override {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v); // shortest exact form
    (void)ec;
    param(idx) = Param{Param::Real, std::string(buf, end)};
  }
  void bindText(int idx, std::string_view v) override {
    if (v.find('\0') != std::string_view::npos)
      throw DbError(DbError::Kind::Invalid,
                    "text parameter " + std::to_string(idx) +
                        " contains a NUL byte, which PostgreSQL text cannot hold (bind a blob)");
    param(idx) = Param{Param::Text, std::string(v)};
  }
  void bindBlob(int idx, std::string_view bytes) override {
    param(idx) = Param{Param::Blob, std::string(bytes)};
  }

  Step step() override;
  void reset() override { clearResult(); }

  int columnCount() override { return result_ ? PQnfields(result_) : columns_; }
  ColumnType columnType(int col) override;
  int64_t columnInt(int col) override;
  double columnDouble(int col) override;
  std::string_view columnText(int col) override;
  int64_t changes() override { return changes_; }

private:
  struct Param {
    enum Kind { Null, Int, Real, Text, Blob } kind = Null;
    std::string value;
  };
  static std::shared_ptr<bool> aliveFlagOf(PgConnection &conn);

  Param &param(int idx) {
    if (idx < 1 || idx > static_cast<int>(params_.size()))
      throw DbError(DbError::Kind::Invalid, "parameter index " + std::to_string(idx) +
                                                " is out of range (statement has " +
                                                std::to_string(params_.size()) + ")");
    return params_[static_cast<size_t>(idx) - 1];
  }
  void checkColumn(int col) {
    if (col < 0 || col >= columnCount())
      throw DbError(DbError::Kind::Invalid, "column index " + std::to_string(col) +
                                                " is out of range (statement has " +
                                                std::to_string(columnCount()) + ")");
  }
  bool onRow() const { return result_ && row_ >= 0 && row_ < PQntuples(result_); }
  std::string_view raw(int col) const {
    return {PQgetvalue(result_, row_, col), static_cast<size_t>(PQgetlength(result_, row_, col))};
  }
  void clearResult() {
    if (result_)
      PQclear(result_);
    result_ = nullptr;
    row_ = -1;
    blobs_.clear();
  }
  void execute();

  PgConnection *conn_;
  std::shared_ptr<bool> alive_;
  std::string sql_; // already in PostgreSQL's dialect
  std::vector<Param> params_;
  int columns_;
  PGresult *result_ = nullptr;
  int row_ = -1;
  int64_t changes_ = 0;
  std::unordered_map<int, std::string> blobs_; // unescaped bytea of the current row
};

class PgConnection final : public Connection {
public:
  explicit PgConnection(PGconn *conn) : conn_(conn) {
    // NOTICEs ("relation already exists, skipping") would otherwise go to
    // stderr, outside the server's log.
    PQsetNoticeProcessor(
        conn_, [](void *, const char *) {}, nullptr);
  }
  ~PgConnection() override {
    *alive_ = false;
    PQfinish(conn_);
  }
  PgConnection(const PgConnection &) = delete;
  PgConnection &operator=(const PgConnection &) = delete;

  void setUpSession() {
    run("SET TIME ZONE 'UTC'; SET client_min_messages = warning", "session set-up");
  }

  std::unique_ptr<Statement> prepare(std::string_view sql) override {
    int n = 0;
    std::string pgSql = toPostgres(sql, &n);
    if (isSchemaStatement(pgSql))
      pgSql = ddlToPostgres(pgSql);
    if (!hasStatement(pgSql))
      throw DbError(DbError::Kind::Invalid, "cannot prepare SQL: it contains no statement");
    ensureSession();
    const Prepared &p = prepared(pgSql, {});
    return std::make_unique<PgStatement>(*this, std::move(pgSql), n, p.columns);
  }

  void execScript(std::string_view sql) override {
    ensureSession();
    run(ddlToPostgres(sql), "SQL script");
  }

  void begin() override {
    ensureSession();
    run("BEGIN", "BEGIN");
  }
  void commit() override {
    // COMMIT of a transaction in which a statement failed answers "ROLLBACK"
    // without an error: the caller must learn that nothing was committed.
    const bool failed = PQtransactionStatus(conn_) == PQTRANS_INERROR;
    checkNotLost();
    run("COMMIT", "COMMIT");
    if (failed)
      throw DbError(DbError::Kind::Other, "COMMIT failed: the transaction was rolled back "
                                          "because a statement in it failed");
  }
  void rollback() override {
    if (lostInTx_) {
      lostInTx_ = false; // the server rolled it back when the connection died
      return;
    }
    if (!inTransaction())
      return;
    try {
      run("ROLLBACK", "ROLLBACK");
    } catch (...) {
      broken_ = true;
      throw;
    }
  }
  bool inTransaction() const override {
    if (lostInTx_)
      return true;
    switch (PQtransactionStatus(conn_)) {
    case PQTRANS_INTRANS:
    case PQTRANS_INERROR:
    case PQTRANS_ACTIVE:
      return true;
    default:
      return false;
    }
  }
  std::string_view engine() const override { return "postgresql"; }
  bool healthy() override { return !broken_ && PQstatus(conn_) == CONNECTION_OK; }

  void lockForMigrations() override {
    if (!inTransaction())
      throw DbError(DbError::Kind::Invalid, "lockForMigrations needs an open transaction");
    run(kMigrationLockSql, "migration lock");
  }

  // --- used by PgStatement ---------------------------------------------------

  // The server-side statement for `sql` with these parameter types (empty =
  // all inferred), preparing it on first use on this session.
  const Prepared &prepared(const std::string &sql, const std::vector<Oid> &types) {
    std::string key = sql;
    key.push_back('\0');
    for (Oid t : types)
      key.append(std::to_string(t)).push_back(',');
    if (auto it = cache_.find(key); it != cache_.end())
      return it->second;
    if (cache_.size() >= kMaxPrepared)
      forgetPrepared();

    Prepared p;
    const bool wasInTx = inTransaction();
    std::string name = "s" + std::to_string(++nextName_);
    PGresult *r = PQprepare(conn_, name.c_str(), sql.c_str(), static_cast<int>(types.size()),
                            types.empty() ? nullptr : types.data());
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      // `? IS NULL` alone leaves a parameter's type open: such a statement is
      // prepared again with the types of the values bound at its first step.
      if (field(r, PG_DIAG_SQLSTATE) == "42P18") {
        p.indeterminate = true;
        p.error = field(r, PG_DIAG_MESSAGE_PRIMARY);
        // "could not determine data type of parameter $3"
        size_t dollar = p.error.rfind('$');
        int64_t n = 0;
        if (dollar != std::string::npos &&
            parseInt(std::string_view(p.error).substr(dollar + 1), n))
          p.openParam = static_cast<int>(n) - 1;
        PQclear(r);
        return cache_.emplace(std::move(key), std::move(p)).first->second;
      }
      fail(r, "cannot prepare SQL", wasInTx);
    }
    PQclear(r);
    r = PQdescribePrepared(conn_, name.c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
      fail(r, "cannot describe prepared SQL", wasInTx);
    p.columns = PQnfields(r);
    for (int i = 0; i < PQnparams(r); ++i)
      p.paramTypes.push_back(PQparamtype(r, i));
    PQclear(r);
    p.name = std::move(name);
    return cache_.emplace(std::move(key), std::move(p)).first->second;
  }

  void forget(const std::string &sql, const std::vector<Oid> &types) {
    std::string key = sql;
    key.push_back('\0');
    for (Oid t : types)
      key.append(std::to_string(t)).push_back(',');
    cache_.erase(key);
  }

  // Before work outside a transaction: a session the server dropped while it
  // sat in the pool (restart, pg_terminate_backend, idle timeout) is
  // re-established, so the caller's statement runs on a fresh one.
  void ensureSession() {
    checkNotLost();
    if (inTransaction())
      return;
    if (PQstatus(conn_) == CONNECTION_OK && !peerHungUp())
      return;
    reconnect();
  }

  void checkNotLost() const {
    if (lostInTx_)
      throw DbError(DbError::Kind::Unavailable, "the connection to PostgreSQL was lost during a "
                                          "transaction; roll it back and start again");
  }

  // Throws the DbError for a failed result (and clears it), noting a lost
  // connection on the way.
  [[noreturn]] void fail(PGresult *r, const std::string &what, bool wasInTx) {
    std::string sqlstate = field(r, PG_DIAG_SQLSTATE);
    std::string msg = field(r, PG_DIAG_MESSAGE_PRIMARY); // no DETAIL: it echoes row values
    if (msg.empty())
      msg = oneLine(PQerrorMessage(conn_));
    if (r)
      PQclear(r);
    if (PQstatus(conn_) != CONNECTION_OK) {
      broken_ = true;
      if (wasInTx)
        lostInTx_ = true;
      throw DbError(DbError::Kind::Unavailable,
                    what + ": connection to PostgreSQL at " + targetOf(conn_) + " lost: " + msg);
    }
    if (sqlstate.compare(0, 2, "08") == 0)
      broken_ = true;
    throw DbError(kindOf(sqlstate),
                  what + ": " + msg + (sqlstate.empty() ? "" : " [" + sqlstate + "]"));
  }

  PGconn *handle() const { return conn_; }
  std::shared_ptr<bool> aliveFlag() const { return alive_; }

private:
  static bool hasStatement(std::string_view sql) {
    // Anything but blanks, ';' and comments.
    size_t i = 0;
    while (i < sql.size()) {
      char c = sql[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == ';') {
        ++i;
      } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
        while (i < sql.size() && sql[i] != '\n')
          ++i;
      } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
        size_t end = sql.find("*/", i + 2);
        i = end == std::string_view::npos ? sql.size() : end + 2;
      } else {
        return true;
      }
    }
    return false;
  }

  void run(const std::string &sql, const std::string &what) {
    const bool wasInTx = inTransaction();
    PGresult *r = PQexec(conn_, sql.c_str());
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY)
      fail(r, what + " failed", wasInTx);
    PQclear(r);
  }

  // An idle session has nothing to say (this engine never LISTENs): a
  // readable socket means the server's "terminating connection" report
  // and/or EOF, which may still be on its way. Either way the session is
  // ending, so it is not used again.
  bool peerHungUp() {
    pollfd pfd{PQsocket(conn_), POLLIN, 0};
    return pfd.fd < 0 || ::poll(&pfd, 1, 0) != 0;
  }

  void forgetPrepared() {
    // Names are never reused, so statements still holding an old SQL text
    // simply prepare it again.
    PQclear(PQexec(conn_, "DEALLOCATE ALL"));
    cache_.clear();
  }

  void reconnect() {
    cache_.clear(); // prepared statements die with the session
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) {
      broken_ = true;
      throw DbError(DbError::Kind::Unavailable, "cannot connect to PostgreSQL at " + targetOf(conn_) +
                                              ": " + oneLine(PQerrorMessage(conn_)));
    }
    broken_ = false;
    setUpSession();
  }

  PGconn *conn_;
  std::unordered_map<std::string, Prepared> cache_;
  uint64_t nextName_ = 0;
  bool broken_ = false;
  bool lostInTx_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

std::shared_ptr<bool> PgStatement::aliveFlagOf(PgConnection &conn) {
  return conn.aliveFlag();
}

void PgStatement::execute() {
  if (!*alive_)
    throw DbError(DbError::Kind::Other, "statement used after its connection was closed");
  conn_->ensureSession();

  std::vector<const char *> values(params_.size(), nullptr);
  std::vector<int> lengths(params_.size(), 0);
  std::vector<int> formats(params_.size(), 0);
  for (size_t i = 0; i < params_.size(); ++i) {
    if (params_[i].kind == Param::Null)
      continue;
    values[i] = params_[i].value.c_str();
    lengths[i] = static_cast<int>(params_[i].value.size());
    formats[i] = params_[i].kind == Param::Blob ? 1 : 0; // bytea goes raw, in binary
  }

  // Which types to state: none, unless the server's own inference would hurt.
  // It infers `? + 1` as a 32-bit integer, so a value beyond that range goes
  // as int8 (a smaller one stays int4, which functions like substr need);
  // a blob is always bytea. A statement with a parameter whose type it cannot
  // infer at all (`? IS NULL` alone) gets the types of the bound values, and
  // text for a NULL or text parameter that is still open after that.
  auto typesFor = [&](const Prepared &untyped) {
    std::vector<Oid> types(params_.size(), 0);
    for (size_t i = 0; i < params_.size(); ++i) {
      const Oid inferred = i < untyped.paramTypes.size() ? untyped.paramTypes[i] : 0;
      const Param &v = params_[i];
      switch (v.kind) {
      case Param::Int: {
        int64_t n = 0;
        parseInt(v.value, n);
        const bool narrow = inferred == kInt2Oid || inferred == kInt4Oid;
        const bool fits32 =
            n >= std::numeric_limits<int32_t>::min() && n <= std::numeric_limits<int32_t>::max();
        if (untyped.indeterminate || (narrow && !fits32))
          types[i] = kInt8Oid;
        break;
      }
      case Param::Real:
        if (untyped.indeterminate)
          types[i] = kFloat8Oid;
        break;
      case Param::Blob:
        if (untyped.indeterminate || inferred != kByteaOid)
          types[i] = kByteaOid;
        break;
      case Param::Text:
      case Param::Null:
        break;
      }
    }
    return types;
  };
  auto statementFor = [&](std::vector<Oid> &types) -> const Prepared & {
    for (;;) {
      bool any = false;
      for (Oid t : types)
        any = any || t != 0;
      const Prepared &p = conn_->prepared(sql_, any ? types : std::vector<Oid>{});
      if (!p.indeterminate)
        return p;
      const int open = p.openParam;
      if (open < 0 || open >= static_cast<int>(types.size()) ||
          types[static_cast<size_t>(open)] != 0)
        throw DbError(DbError::Kind::Invalid, "cannot prepare SQL: " + p.error);
      types[static_cast<size_t>(open)] = kTextOid;
    }
  };

  for (int attempt = 0;; ++attempt) {
    const std::vector<Oid> wanted = typesFor(conn_->prepared(sql_, {}));
    std::vector<Oid> types = wanted;
    const Prepared &p = statementFor(types);
    const bool wasInTx = conn_->inTransaction();
    PGresult *r =
        PQexecPrepared(conn_->handle(), p.name.c_str(), static_cast<int>(params_.size()),
                       values.data(), lengths.data(), formats.data(), 0 /* text results */);
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
      result_ = r;
      row_ = -1;
      return;
    }
    // A cached plan goes stale when a table it reads changes shape; the
    // statement never ran, so prepare it again and retry once.
    const std::string sqlstate = field(r, PG_DIAG_SQLSTATE);
    if (attempt == 0 && !wasInTx && (sqlstate == "0A000" || sqlstate == "26000") &&
        PQstatus(conn_->handle()) == CONNECTION_OK) {
      PQclear(r);
      conn_->forget(sql_, {});
      conn_->forget(sql_, wanted);
      conn_->forget(sql_, types);
      continue;
    }
    conn_->fail(r, "SQL failed", wasInTx);
  }
}

Step PgStatement::step() {
  if (!result_)
    execute();
  blobs_.clear();
  ++row_;
  if (row_ < PQntuples(result_))
    return Step::Row;
  // rows changed: INSERT/UPDATE/DELETE/MERGE only (a SELECT's count is rows read)
  std::string_view status = PQcmdStatus(result_);
  const bool writes = status.rfind("INSERT", 0) == 0 || status.rfind("UPDATE", 0) == 0 ||
                      status.rfind("DELETE", 0) == 0 || status.rfind("MERGE", 0) == 0;
  int64_t n = 0;
  if (writes && !parseInt(PQcmdTuples(result_), n))
    n = 0;
  changes_ = n;
  clearResult();
  return Step::Done;
}

ColumnType PgStatement::columnType(int col) {
  checkColumn(col);
  if (!onRow() || PQgetisnull(result_, row_, col))
    return ColumnType::Null;
  switch (PQftype(result_, col)) {
  case kInt2Oid:
  case kInt4Oid:
  case kInt8Oid:
  case kOidOid:
  case kBoolOid:
    return ColumnType::Int;
  case kFloat4Oid:
  case kFloat8Oid:
    return ColumnType::Real;
  case kNumericOid: {
    // sum() of an integer column is numeric: whole values read as Int,
    // as SQLite would give them.
    int64_t ignored = 0;
    return parseInt(raw(col), ignored) ? ColumnType::Int : ColumnType::Real;
  }
  case kByteaOid:
    return ColumnType::Blob;
  default:
    return ColumnType::Text;
  }
}

int64_t PgStatement::columnInt(int col) {
  checkColumn(col);
  if (!onRow() || PQgetisnull(result_, row_, col))
    return 0;
  std::string_view v = raw(col);
  if (PQftype(result_, col) == kBoolOid)
    return v == "t" ? 1 : 0;
  int64_t i = 0;
  if (parseInt(v, i))
    return i;
  // A real or a numeric: truncate toward zero and saturate, as SQLite does.
  double d = parseDouble(v);
  if (std::isnan(d))
    return 0;
  if (d >= 9223372036854775807.0)
    return std::numeric_limits<int64_t>::max();
  if (d <= -9223372036854775808.0)
    return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}

double PgStatement::columnDouble(int col) {
  checkColumn(col);
  if (!onRow() || PQgetisnull(result_, row_, col))
    return 0;
  if (PQftype(result_, col) == kBoolOid)
    return raw(col) == "t" ? 1 : 0;
  return parseDouble(raw(col));
}

std::string_view PgStatement::columnText(int col) {
  checkColumn(col);
  if (!onRow() || PQgetisnull(result_, row_, col))
    return {};
  switch (PQftype(result_, col)) {
  case kByteaOid: {
    auto it = blobs_.find(col);
    if (it == blobs_.end()) {
      size_t n = 0;
      unsigned char *bytes = PQunescapeBytea(
          reinterpret_cast<const unsigned char *>(PQgetvalue(result_, row_, col)), &n);
      if (!bytes)
        throw DbError(DbError::Kind::Other, "cannot decode a bytea value (out of memory)");
      it = blobs_.emplace(col, std::string(reinterpret_cast<const char *>(bytes), n)).first;
      PQfreemem(bytes);
    }
    return it->second;
  }
  case kBoolOid:
    return raw(col) == "t" ? "1" : "0";
  default:
    return raw(col);
  }
}

} // namespace

std::unique_ptr<Connection> openPostgres(const PostgresOptions &opts) {
  const std::string timeout =
      std::to_string(opts.connectTimeoutSeconds > 0 ? opts.connectTimeoutSeconds : 0);
  // Later entries override earlier ones, also those inside the expanded
  // conninfo: the URL may choose its own application_name and
  // connect_timeout, while the encoding and the separate password are ours.
  std::vector<const char *> keys = {"application_name", "connect_timeout", "dbname",
                                    "client_encoding"};
  std::vector<const char *> values = {"rdconsole", timeout.c_str(), opts.conninfo.c_str(), "UTF8"};
  if (!opts.password.empty()) {
    keys.push_back("password");
    values.push_back(opts.password.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);

  PGconn *conn = PQconnectdbParams(keys.data(), values.data(), 1 /* expand dbname */);
  if (!conn)
    throw DbError(DbError::Kind::Other, "cannot connect to PostgreSQL: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    // libpq's message names host, port and user, never the password.
    std::string msg =
        "cannot connect to PostgreSQL at " + targetOf(conn) + ": " + oneLine(PQerrorMessage(conn));
    PQfinish(conn);
    throw DbError(DbError::Kind::Unavailable, msg);
  }
  auto c = std::make_unique<PgConnection>(conn);
  try {
    c->setUpSession();
  } catch (const DbError &e) {
    throw DbError(DbError::Kind::Other,
                  std::string("cannot set up PostgreSQL session: ") + e.what());
  }
  return c;
}

ConnectionFactory postgresFactory(PostgresOptions opts) {
  return [opts = std::move(opts)] { return openPostgres(opts); };
}

} // namespace rdc::db
