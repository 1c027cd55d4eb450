// Test helpers shared by the db and auth unit tests: a private temporary
// directory per test and a SQLite pool inside it.
#pragma once

#include "db/Database.h"
#include "db/Sqlite.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <system_error>

#include <unistd.h>

namespace rdc::test {

class TempDir {
public:
  TempDir() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("rdc-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
             std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  const std::filesystem::path &path() const { return path_; }
  std::filesystem::path file(const std::string &name) const { return path_ / name; }

private:
  std::filesystem::path path_;
};

inline db::SqliteOptions sqliteIn(const TempDir &dir, int busyTimeoutMs = 5000) {
  return db::SqliteOptions{dir.file("test.db"), busyTimeoutMs};
}

inline std::unique_ptr<db::Pool>
sqlitePool(const TempDir &dir, size_t size = 2,
           std::chrono::milliseconds wait = std::chrono::milliseconds(5000)) {
  return std::make_unique<db::Pool>(db::sqliteFactory(sqliteIn(dir)), size, wait);
}

} // namespace rdc::test
