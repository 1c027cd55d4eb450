#include "db/Database.h"

#include "TestDb.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

using namespace rdc;
using namespace std::chrono_literals;
using db::DbError;

namespace {

// Stands in for an engine where the test needs to control health and
// transaction state directly.
class FakeConnection : public db::Connection {
public:
  std::unique_ptr<db::Statement> prepare(std::string_view) override {
    throw DbError(DbError::Kind::Invalid, "fake");
  }
  void execScript(std::string_view) override {}
  void begin() override { inTx = true; }
  void commit() override { inTx = false; }
  void rollback() override {
    ++rollbacks;
    inTx = false;
  }
  bool inTransaction() const override { return inTx; }
  std::string_view engine() const override { return "fake"; }
  bool healthy() override { return isHealthy; }

  bool inTx = false;
  bool isHealthy = true;
  int rollbacks = 0;
};

struct FakeFactory {
  std::shared_ptr<std::atomic<int>> opened = std::make_shared<std::atomic<int>>(0);
  db::ConnectionFactory make() {
    return [n = opened] {
      ++*n;
      return std::make_unique<FakeConnection>();
    };
  }
};

FakeConnection &fake(db::Lease &l) {
  return static_cast<FakeConnection &>(*l);
}

} // namespace

TEST_CASE("pool: reports its engine and refuses size 0") {
  FakeFactory f;
  db::Pool pool(f.make(), 3, 100ms);
  CHECK(pool.engine() == "fake");
  CHECK(pool.size() == 3);
  CHECK_THROWS_AS(db::Pool(f.make(), 0, 100ms), std::invalid_argument);
}

TEST_CASE("pool: a released connection is reused instead of opening another") {
  FakeFactory f;
  db::Pool pool(f.make(), 4, 100ms);
  db::Connection *first = nullptr;
  {
    auto l = pool.acquire();
    first = &*l;
  }
  auto again = pool.acquire();
  CHECK(&*again == first);
  CHECK(*f.opened == 1);
}

TEST_CASE("pool: opens lazily up to its size, then waits and throws Busy only after the bound") {
  FakeFactory f;
  db::Pool pool(f.make(), 1, 5000ms);
  auto held = pool.acquire();

  const auto wait = 150ms;
  const auto start = std::chrono::steady_clock::now();
  try {
    pool.acquire(wait);
    FAIL("expected Busy");
  } catch (const DbError &e) {
    CHECK(e.kind() == DbError::Kind::Busy);
    CHECK(std::string(e.what()).find("150 ms") != std::string::npos);
  }
  CHECK(std::chrono::steady_clock::now() - start >= wait);
  CHECK(*f.opened == 1); // never more than the pool size
}

TEST_CASE("pool: a waiter gets the connection as soon as it is released") {
  FakeFactory f;
  db::Pool pool(f.make(), 1, 100ms);
  auto held = std::make_unique<db::Lease>(pool.acquire());
  db::Connection *conn = &**held;

  // Whether the waiter starts waiting before or after the release, it must
  // end up with the one connection well inside its 10 s bound.
  auto waiter = std::async(std::launch::async, [&] {
    auto l = pool.acquire(10000ms);
    return &*l;
  });
  held.reset();
  CHECK(waiter.get() == conn);
  CHECK(*f.opened == 1);
}

TEST_CASE("pool: a lease rolls back an open transaction before returning it") {
  FakeFactory f;
  db::Pool pool(f.make(), 1, 100ms);
  FakeConnection *conn = nullptr;
  {
    auto l = pool.acquire();
    conn = &fake(l);
    l->begin();
  }
  auto l = pool.acquire();
  CHECK(&fake(l) == conn);
  CHECK_FALSE(l->inTransaction());
  CHECK(conn->rollbacks == 1);
}

TEST_CASE("pool: a lease rolls back real work on SQLite") {
  test::TempDir dir;
  auto pool = test::sqlitePool(dir, 1, 1000ms);
  {
    auto l = pool->acquire();
    db::exec(*l, "CREATE TABLE t (x INTEGER)");
    l->begin();
    db::exec(*l, "INSERT INTO t (x) VALUES (1)");
  } // dropped without commit
  auto l = pool->acquire();
  CHECK_FALSE(l->inTransaction());
  auto st = l->prepare("SELECT count(*) FROM t");
  REQUIRE(st->step() == db::Step::Row);
  CHECK(st->columnInt(0) == 0);
}

TEST_CASE("pool: an unhealthy connection is replaced, not reused") {
  FakeFactory f;
  db::Pool pool(f.make(), 1, 100ms);
  FakeConnection *broken = nullptr;
  {
    auto l = pool.acquire();
    broken = &fake(l);
    broken->isHealthy = false;
  }
  auto l = pool.acquire(); // the slot was freed, so this opens a new one
  CHECK(*f.opened == 2);
  CHECK(fake(l).isHealthy);
}

TEST_CASE("pool: a failing factory does not leak a slot") {
  auto calls = std::make_shared<int>(0);
  db::Pool pool(
      [calls]() -> std::unique_ptr<db::Connection> {
        if (++*calls == 2)
          throw DbError(DbError::Kind::Other, "cannot open");
        return std::make_unique<FakeConnection>();
      },
      2, 100ms);
  auto a = pool.acquire();
  CHECK_THROWS_AS(pool.acquire(), DbError); // second open fails
  auto b = pool.acquire(100ms);             // its slot is free again
  CHECK(&*a != &*b);
  CHECK(*calls == 3);
}

TEST_CASE("pool: moving a lease transfers it; move-assignment returns the old connection") {
  FakeFactory f;
  db::Pool pool(f.make(), 1, 100ms);
  db::Lease b = [&] {
    auto a = pool.acquire();
    return db::Lease(std::move(a));
  }(); // the moved-from `a` is destroyed here and must give nothing back
  CHECK_THROWS_AS(pool.acquire(20ms), DbError);

  b = db::Lease(&pool, nullptr); // gives b's connection back exactly once
  {
    auto c = pool.acquire(20ms);
    CHECK(c.operator->() != nullptr);
    CHECK_THROWS_AS(pool.acquire(20ms), DbError); // not handed out twice
  }
  CHECK(*f.opened == 1);
}
