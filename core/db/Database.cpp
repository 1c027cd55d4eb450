#include "db/Database.h"

#include <stdexcept>
#include <utility>

namespace rdc::db {

// --- Lease -------------------------------------------------------------------

Lease::Lease(Pool *pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}

Lease::Lease(Lease &&other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), conn_(std::move(other.conn_)) {}

Lease &Lease::operator=(Lease &&other) noexcept {
  if (this != &other) {
    giveBack();
    pool_ = std::exchange(other.pool_, nullptr);
    conn_ = std::move(other.conn_);
  }
  return *this;
}

Lease::~Lease() {
  giveBack();
}

void Lease::giveBack() {
  if (!conn_)
    return;
  // A caller that forgot to commit (or threw mid-transaction) must not hand
  // its half-done work to the next borrower.
  try {
    if (conn_->inTransaction())
      conn_->rollback();
  } catch (...) {
    // The pool sees inTransaction() still true (or healthy() false) and drops
    // the connection instead of reusing it.
  }
  if (pool_)
    pool_->release(std::move(conn_));
  conn_.reset();
  pool_ = nullptr;
}

// --- Pool --------------------------------------------------------------------

Pool::Pool(ConnectionFactory factory, size_t size, std::chrono::milliseconds defaultWait)
    : factory_(std::move(factory)), size_(size), defaultWait_(defaultWait) {
  if (size_ == 0)
    throw std::invalid_argument("database pool size must be at least 1");
  if (!factory_)
    throw std::invalid_argument("database pool needs a connection factory");
  // One connection is opened up front: start-up fails fast on a database that
  // cannot be opened, and engine() is known (and immutable) before any caller
  // can read it from another thread. The rest are opened on demand.
  auto first = factory_();
  if (!first)
    throw DbError(DbError::Kind::Other, "database connection factory returned no connection");
  engine_ = std::string(first->engine());
  idle_.push_back(std::move(first));
  open_ = 1;
}

Pool::~Pool() = default;

Lease Pool::acquire() {
  return acquire(defaultWait_);
}

Lease Pool::acquire(std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  std::unique_lock lock(mu_);
  for (;;) {
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
    if (open_ < size_) {
      ++open_; // reserve the slot, then open without holding the lock
      lock.unlock();
      std::unique_ptr<Connection> conn;
      try {
        conn = factory_();
      } catch (...) {
        lock.lock();
        --open_;
        cv_.notify_one();
        throw;
      }
      if (!conn) {
        lock.lock();
        --open_;
        cv_.notify_one();
        throw DbError(DbError::Kind::Other, "database connection factory returned no connection");
      }
      return Lease(this, std::move(conn));
    }
    // Loop on wake-ups: a spurious one or a lost race re-checks the state and
    // waits for whatever is left of the bound.
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= size_) {
      throw DbError(DbError::Kind::Busy, "no database connection became free within " +
                                             std::to_string(wait.count()) + " ms (pool size " +
                                             std::to_string(size_) + ")");
    }
  }
}

void Pool::release(std::unique_ptr<Connection> conn) {
  if (!conn)
    return;
  bool reusable = false;
  try {
    reusable = !conn->inTransaction() && conn->healthy();
  } catch (...) {
    reusable = false;
  }
  std::unique_ptr<Connection> dropped;
  {
    std::lock_guard lock(mu_);
    if (reusable) {
      idle_.push_back(std::move(conn));
    } else {
      dropped = std::move(conn); // closed below, outside the lock
      --open_;
    }
  }
  cv_.notify_one();
}

// --- Transaction -------------------------------------------------------------

Transaction::~Transaction() {
  if (done_)
    return;
  try {
    c_.rollback();
  } catch (...) {
    // Destructors must not throw; a connection whose rollback failed reports
    // inTransaction()/unhealthy and is dropped by the pool.
  }
}

void Transaction::commit() {
  c_.commit();
  done_ = true;
}

// --- helpers -----------------------------------------------------------------

void bindAll(Statement &st, std::initializer_list<Param> params) {
  int idx = 1;
  for (const Param &p : params) {
    switch (p.kind) {
    case Param::Kind::Null:
      st.bindNull(idx);
      break;
    case Param::Kind::Int:
      st.bindInt(idx, p.i);
      break;
    case Param::Kind::Real:
      st.bindDouble(idx, p.d);
      break;
    case Param::Kind::Text:
      st.bindText(idx, p.s);
      break;
    }
    ++idx;
  }
}

int64_t exec(Connection &c, std::string_view sql, std::initializer_list<Param> params) {
  auto st = c.prepare(sql);
  bindAll(*st, params);
  while (st->step() == Step::Row) {
  }
  return st->changes();
}

} // namespace rdc::db
