// Engine-neutral database access for the core and (through the ABI) modules.
//
// SQL is portable: '?' placeholders, INTEGER (always 64-bit) / REAL / TEXT /
// BLOB columns, `INTEGER PRIMARY KEY` for an auto-assigned 64-bit key,
// INSERT ... ON CONFLICT ... DO UPDATE, RETURNING. An engine rewrites what it
// must (placeholders, type names) in its prepare/execScript.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace rdc::db {

enum class ColumnType { Null, Int, Real, Text, Blob };
enum class Step { Row, Done };

// Kinds map onto ABI status codes: Conflict → RDC_CONFLICT, Invalid →
// RDC_INVALID, Other → RDC_ERROR, and both transient kinds — Busy (pool
// exhausted, lock timeout) and Unavailable (the database cannot be reached) —
// → RDC_BUSY, which clients are told to retry (503).
class DbError : public std::runtime_error {
public:
  enum class Kind { Other, Conflict, Busy, Invalid, Unavailable };
  DbError(Kind kind, const std::string &msg) : std::runtime_error(msg), kind_(kind) {}
  Kind kind() const { return kind_; }

private:
  Kind kind_;
};

// One prepared statement. Parameters are 1-based, columns 0-based.
// Text/blob views stay valid until the next step/reset/destruction.
class Statement {
public:
  virtual ~Statement() = default;
  virtual void bindNull(int idx) = 0;
  virtual void bindInt(int idx, int64_t v) = 0;
  virtual void bindDouble(int idx, double v) = 0;
  virtual void bindText(int idx, std::string_view v) = 0;
  virtual void bindBlob(int idx, std::string_view bytes) = 0;
  virtual Step step() = 0; // throws DbError
  virtual void reset() = 0; // ready to run again; bindings kept
  virtual int columnCount() = 0;
  virtual ColumnType columnType(int col) = 0;
  virtual int64_t columnInt(int col) = 0;
  virtual double columnDouble(int col) = 0;
  virtual std::string_view columnText(int col) = 0; // also blob bytes
  virtual int64_t changes() = 0; // rows changed by the last completed step
};

class Connection {
public:
  virtual ~Connection() = default;
  virtual std::unique_ptr<Statement> prepare(std::string_view sql) = 0;
  // Several ';'-separated statements, no parameters (migrations).
  virtual void execScript(std::string_view sql) = 0;
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0; // no-op when no transaction is open
  virtual bool inTransaction() const = 0;
  virtual std::string_view engine() const = 0; // "sqlite", "postgresql"
  // False when the connection is broken and must be replaced.
  virtual bool healthy() = 0;
  // Called inside an open transaction before schema migrations touch
  // anything: waits until no other process migrates the same database, and
  // holds that until the transaction ends. SQLite's BEGIN IMMEDIATE already
  // serialises writers, so the default does nothing.
  virtual void lockForMigrations() {}
};

using ConnectionFactory = std::function<std::unique_ptr<Connection>()>;

class Pool;

// A leased connection. Returns to the pool on destruction, rolling back an
// open transaction first.
class Lease {
public:
  Lease(Pool *pool, std::unique_ptr<Connection> conn);
  Lease(Lease &&) noexcept;
  Lease &operator=(Lease &&) noexcept;
  Lease(const Lease &) = delete;
  Lease &operator=(const Lease &) = delete;
  ~Lease();
  Connection &operator*() const { return *conn_; }
  Connection *operator->() const { return conn_.get(); }

private:
  void giveBack();
  Pool *pool_ = nullptr;
  std::unique_ptr<Connection> conn_;
};

// A bounded pool that never throws because it is busy: acquire() waits up to
// `wait` for a free connection and throws DbError(Busy) only after that. It
// opens connections lazily (up to `size`) with the factory, which is where
// per-connection set-up (PRAGMAs, session settings) happens.
class Pool {
public:
  Pool(ConnectionFactory factory, size_t size, std::chrono::milliseconds defaultWait);
  ~Pool();
  Lease acquire(); // default wait
  Lease acquire(std::chrono::milliseconds wait);
  size_t size() const { return size_; }
  std::string_view engine() const { return engine_; }

private:
  friend class Lease;
  void release(std::unique_ptr<Connection> conn);

  ConnectionFactory factory_;
  size_t size_;
  std::chrono::milliseconds defaultWait_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  size_t open_ = 0;
  std::string engine_;
};

// RAII transaction over a connection: rolls back unless commit() was called.
class Transaction {
public:
  explicit Transaction(Connection &c) : c_(c) { c_.begin(); }
  Transaction(const Transaction &) = delete;
  Transaction &operator=(const Transaction &) = delete;
  ~Transaction();
  void commit();

private:
  Connection &c_;
  bool done_ = false;
};

// Convenience: prepare, bind in order, run to completion, return changes().
struct Param {
  enum class Kind { Null, Int, Real, Text } kind;
  int64_t i = 0;
  double d = 0;
  std::string_view s;
  Param(std::nullptr_t) : kind(Kind::Null) {}
  Param(int64_t v) : kind(Kind::Int), i(v) {}
  Param(int v) : kind(Kind::Int), i(v) {}
  Param(bool v) : kind(Kind::Int), i(v ? 1 : 0) {}
  Param(double v) : kind(Kind::Real), d(v) {}
  Param(std::string_view v) : kind(Kind::Text), s(v) {}
  Param(const std::string &v) : kind(Kind::Text), s(v) {}
  Param(const char *v) : kind(Kind::Text), s(v) {}
};
void bindAll(Statement &st, std::initializer_list<Param> params);
int64_t exec(Connection &c, std::string_view sql, std::initializer_list<Param> params = {});

} // namespace rdc::db
