#include "app/Runtime.h"

#include "db/CoreSchema.h"
#include "db/Migrations.h"
#include "db/Sqlite.h"

#include <system_error>

namespace rdc::app {
namespace {

std::filesystem::path prepareDataDir(const Config &cfg) {
  std::filesystem::path dir = cfg.dataDir();
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec)
      throw ConfigError("cannot create data directory " + dir.string() + ": " + ec.message());
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, ec);
  } else if (!std::filesystem::is_directory(dir, ec)) {
    throw ConfigError("data_dir " + dir.string() + " exists but is not a directory");
  }
  return dir;
}

auth::Argon2Params argon2From(const Config &cfg) {
  auth::Argon2Params p;
  p.memoryKib = static_cast<uint32_t>(cfg.getInt("identity.argon2_memory_kib", 8, 4 * 1024 * 1024));
  p.iterations = static_cast<uint32_t>(cfg.getInt("identity.argon2_iterations", 1, 100));
  p.parallelism = static_cast<uint32_t>(cfg.getInt("identity.argon2_parallelism", 1, 64));
  return p;
}

std::unique_ptr<db::Pool> openPool(const Config &cfg, const std::filesystem::path &dataDir) {
  std::string engine = cfg.getString("db.engine");
  if (engine != "sqlite")
    throw ConfigError("db.engine '" + engine + "' is not supported by this build (supported: sqlite)");
  db::SqliteOptions o;
  std::string path = cfg.getString("db.sqlite.path");
  o.path = path.empty() ? dataDir / "rdconsole.db" : std::filesystem::absolute(path);
  o.busyTimeoutMs = static_cast<int>(cfg.getInt("db.sqlite.busy_timeout_ms", 0, 600000));
  auto size = static_cast<size_t>(cfg.getInt("db.pool_size", 1, 1024));
  auto wait = std::chrono::milliseconds(cfg.getInt("db.acquire_timeout_ms", 0, 600000));
  return std::make_unique<db::Pool>(db::sqliteFactory(o), size, wait);
}

} // namespace

Runtime::Runtime(const Config &cfg)
    : config(cfg), dataDir(prepareDataDir(cfg)), pool(openPool(cfg, dataDir)),
      hasher(argon2From(cfg)) {
  {
    auto lease = pool->acquire();
    db::migrate(*lease, "core", db::coreMigrations());
  }
  users = std::make_unique<auth::UserStore>(*pool, hasher);
  tokens = std::make_unique<auth::TokenService>(
      *pool, *users,
      std::chrono::seconds(cfg.getInt("identity.token_lifetime_seconds", 1, 10LL * 365 * 86400)),
      std::chrono::seconds(cfg.getInt("identity.cache_seconds", 0, 3600)));
}

} // namespace rdc::app
