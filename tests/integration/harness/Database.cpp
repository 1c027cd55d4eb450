#include "Database.h"

#include "Poll.h"
#include "Process.h"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <unistd.h>

namespace harness {
namespace {

const char *const kPsql = "/usr/bin/psql";
const char *const kSqlite3 = "/usr/bin/sqlite3";

std::string firstLine(const std::string &text) {
  std::string line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
    line.pop_back();
  return line;
}

// Unique across the parallel test processes of one ctest run (pid) and
// within one process (counter); the random part guards against pid reuse
// when a crashed run left a database behind.
std::string uniqueDatabaseName() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return "rdc_it_" + std::to_string(::getpid()) + "_" + std::to_string(counter.fetch_add(1)) + "_" +
         std::to_string(rd() % 1000000);
}

RunResult psql(const std::string &uri, const std::string &sql,
               const std::filesystem::path &scratch) {
  // -X: no ~/.psqlrc; -At: bare rows, '|' between columns.
  return runCommand({kPsql, "-X", "-At", "-v", "ON_ERROR_STOP=1", uri, "-c", sql}, "", scratch);
}

} // namespace

std::optional<std::string> pgServerUri() {
  const char *file = std::getenv("RDC_TEST_PG_URI_FILE");
  if (!file || !*file)
    return std::nullopt;
  std::string uri = firstLine(readFile(file));
  if (uri.empty())
    throw std::runtime_error(std::string("RDC_TEST_PG_URI_FILE=") + file +
                             " is missing or empty: did tests/pg/start.sh (ctest pg/start) run?");
  return uri;
}

std::string withDatabaseName(const std::string &uri, const std::string &dbName) {
  size_t scheme = uri.find("://");
  if (scheme == std::string::npos)
    throw std::runtime_error("not a postgresql:// URI: " + uri);
  size_t query = uri.find('?', scheme + 3);
  std::string tail = query == std::string::npos ? "" : uri.substr(query);
  std::string head = uri.substr(0, query);
  size_t slash = head.find('/', scheme + 3);
  if (slash != std::string::npos)
    head.resize(slash);
  return head + "/" + dbName + tail;
}

Database::Database() {
  if (auto server = pgServerUri())
    create(*server);
}

Database::Database(const std::string &pgServer) {
  create(pgServer);
}

void Database::create(const std::string &pgServer) {
  server_ = pgServer;
  name_ = uniqueDatabaseName();
  auto r = psql(server_, "CREATE DATABASE " + name_, dir_.path());
  if (r.exitCode != 0)
    throw std::runtime_error("CREATE DATABASE " + name_ + " failed: " + r.err);
  pgUri_ = withDatabaseName(server_, name_);
}

Database::~Database() {
  if (!isPostgres() || std::getenv("RDC_KEEP_TEST_DIRS"))
    return;
  // FORCE ends connections of a server that was killed instead of stopped.
  psql(server_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)", dir_.path());
}

std::vector<std::string> Database::serverSets() const {
  if (isPostgres())
    return {"db.engine=postgresql", "db.postgresql.url=" + pgUri_};
  return {"db.engine=sqlite", "db.sqlite.path=" + sqlitePath().string()};
}

bool Database::canQuery() const {
  return ::access(isPostgres() ? kPsql : kSqlite3, X_OK) == 0;
}

std::string Database::query(const std::string &sql) const {
  RunResult r = isPostgres()
                    ? psql(pgUri_, sql, dir_.path())
                    : runCommand({kSqlite3, "-batch", sqlitePath().string(), sql}, "", dir_.path());
  if (r.exitCode != 0)
    throw std::runtime_error("query failed (" + sql + "): " + r.err);
  return r.out;
}

} // namespace harness

namespace harness {

std::unique_ptr<Process> Database::lockAgainstWrites(const std::string &table,
                                                     std::chrono::milliseconds hold) const {
  static std::atomic<int> counter{0};
  std::string n = std::to_string(counter.fetch_add(1));
  std::filesystem::path mark = dir_.path() / ("locked-" + n);
  std::filesystem::path output = dir_.path() / ("lock-" + n + ".log");
  // The client reads its statements from a pipe and runs each as it comes:
  // the lock, then a shell command that marks it as held, and after `hold`
  // the commit.
  std::vector<std::string> argv = {
      "/bin/sh", "-c",
      R"({ printf '%s\n' "$1" "$2"; sleep "$3"; printf 'COMMIT;\n'; } | { shift 3; "$@"; })", "sh"};
  if (isPostgres()) {
    argv.push_back("BEGIN; LOCK TABLE " + table + " IN EXCLUSIVE MODE;");
    argv.push_back("\\! touch " + mark.string());
  } else {
    argv.push_back("BEGIN EXCLUSIVE;");
    argv.push_back(".system touch " + mark.string());
  }
  argv.push_back(std::to_string(static_cast<double>(hold.count()) / 1000.0));
  if (isPostgres())
    argv.insert(argv.end(), {kPsql, "-X", "-q", "-v", "ON_ERROR_STOP=1", pgUri_});
  else
    argv.insert(argv.end(),
                {kSqlite3, "-batch", "-bail", "-cmd", ".timeout 10000", sqlitePath().string()});
  auto client = std::make_unique<Process>(argv, "", output, output);
  bool held = pollUntil(std::chrono::seconds(30),
                        [&] { return std::filesystem::exists(mark) || !client->running(); });
  if (!held || !std::filesystem::exists(mark))
    throw std::runtime_error("the locking client did not take the lock: " + readFile(output));
  return client;
}

} // namespace harness
