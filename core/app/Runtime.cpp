#include "app/Runtime.h"

#include "db/CoreSchema.h"
#include "db/Migrations.h"
#include "db/Postgres.h"
#include "db/Sqlite.h"

#include <fstream>
#include <system_error>
#include <utility>

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

// The first line of a file only its owner may read (a password must not
// leak to other local accounts through a lax mode).
std::string readSecretFile(const std::string &key, const std::filesystem::path &path) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::is_regular_file(status))
    throw ConfigError(key + ": cannot read " + path.string() + ": not a readable file");
  using std::filesystem::perms;
  if ((status.permissions() & (perms::group_read | perms::others_read)) != perms::none)
    throw ConfigError(key + ": " + path.string() +
                      " is readable by group or others; make it private (chmod 600)");
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line))
    throw ConfigError(key + ": cannot read " + path.string() + " (or it is empty)");
  if (!line.empty() && line.back() == '\r')
    line.pop_back();
  if (line.empty())
    throw ConfigError(key + ": the first line of " + path.string() + " is empty");
  return line;
}

} // namespace

db::ConnectionFactory postgresFrom(const Config &cfg) {
  db::PostgresOptions o;
  o.conninfo = cfg.getString("db.postgresql.url");
  if (o.conninfo.empty())
    throw ConfigError("db.postgresql.url must be set when db.engine is postgresql "
                      "(e.g. postgresql://rdconsole@db.example:5432/rdconsole)");
  const std::string file = cfg.getString("db.postgresql.password_file");
  const std::string inlinePassword = cfg.getString("db.postgresql.password");
  if (!file.empty() && !inlinePassword.empty())
    throw ConfigError("set only one of db.postgresql.password_file and db.postgresql.password "
                      "(RDCONSOLE_DB__POSTGRESQL__PASSWORD)");
  o.password = file.empty() ? inlinePassword : readSecretFile("db.postgresql.password_file", file);
  return db::postgresFactory(std::move(o));
}

std::filesystem::path sqlitePathFrom(const Config &cfg, const std::filesystem::path &dataDir) {
  std::string path = cfg.getString("db.sqlite.path");
  return path.empty() ? dataDir / "rdconsole.db" : std::filesystem::absolute(path);
}

db::ConnectionFactory sqliteFrom(const Config &cfg, const std::filesystem::path &dataDir) {
  db::SqliteOptions o;
  o.path = sqlitePathFrom(cfg, dataDir);
  o.busyTimeoutMs = static_cast<int>(cfg.getInt("db.sqlite.busy_timeout_ms", 0, 600000));
  return db::sqliteFactory(o);
}

std::unique_ptr<db::Pool> poolFrom(const Config &cfg, db::ConnectionFactory factory) {
  auto size = static_cast<size_t>(cfg.getInt("db.pool_size", 1, 1024));
  auto wait = std::chrono::milliseconds(cfg.getInt("db.acquire_timeout_ms", 0, 600000));
  // The pool opens its first connection now: an unreachable database stops
  // start-up with "cannot connect to PostgreSQL at host:port/db: ...".
  return std::make_unique<db::Pool>(std::move(factory), size, wait);
}

namespace {

std::unique_ptr<db::Pool> openPool(const Config &cfg, const std::filesystem::path &dataDir) {
  std::string engine = cfg.getString("db.engine");
  if (engine == "sqlite")
    return poolFrom(cfg, sqliteFrom(cfg, dataDir));
  if (engine == "postgresql")
    return poolFrom(cfg, postgresFrom(cfg));
  throw ConfigError("db.engine '" + engine + "' is not supported (supported: sqlite, postgresql)");
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
  groups = std::make_unique<auth::GroupStore>(*pool);
  devices = std::make_unique<auth::DeviceStore>(*pool);
  deviceGroups = std::make_unique<auth::DeviceGroupStore>(*pool);
  apiTokens = std::make_unique<auth::ApiTokenStore>(*pool);
}

} // namespace rdc::app
