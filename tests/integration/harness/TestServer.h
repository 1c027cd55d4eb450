// One rdconsole server process per test: its own temp dir, data dir, modules
// dir, config file, ephemeral port and log file.
#pragma once

#include "Database.h"
#include "HttpClient.h"
#include "Process.h"
#include "TempDir.h"

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace harness {

struct ServerOptions {
  // File stems of modules copied into this server's modules dir.
  std::vector<std::string> modules = {"auth"};         // from <build>/modules
  std::vector<std::string> fixtureModules = {"probe"}; // from <build>/fixture-modules
  std::vector<std::string> sets;                       // extra "--set key=value"
  bool tls = false; // generate a self-signed certificate and serve HTTPS
  // The database; null = a private one (SQLite in the data dir, or in
  // PostgreSQL mode a fresh database). Share one between TestServers to run
  // several instances on one database.
  std::shared_ptr<Database> database;

  // Fluent setters: ServerOptions().set("k=v").withFixtures({...}).
  ServerOptions &set(std::string keyValue) {
    sets.push_back(std::move(keyValue));
    return *this;
  }
  ServerOptions &withModules(std::vector<std::string> stems) {
    modules = std::move(stems);
    return *this;
  }
  ServerOptions &withFixtures(std::vector<std::string> stems) {
    fixtureModules = std::move(stems);
    return *this;
  }
  ServerOptions &withTls() {
    tls = true;
    return *this;
  }
  ServerOptions &withDatabase(std::shared_ptr<Database> db) {
    database = std::move(db);
    return *this;
  }
};

class TestServer {
public:
  explicit TestServer(ServerOptions options = {});
  ~TestServer(); // stops a running server and checks it exited 0
  TestServer(const TestServer &) = delete;
  TestServer &operator=(const TestServer &) = delete;

  // Launches the server and waits (bounded) for its port file; throws with
  // the log when it dies or does not come up.
  void start();
  // Launches without waiting for the port (for start-ups expected to fail,
  // or to start several servers at the same moment).
  void launch();
  // Waits (bounded) until a launched server listens; throws like start().
  void waitUntilListening();
  // SIGTERM, then waits for exit; returns the exit code.
  int stop(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  std::optional<int> waitForExit(std::chrono::milliseconds timeout);
  void signal(int sig);
  bool running();

  int port() const { return port_; }
  std::string host() const { return "127.0.0.1"; }
  HttpClient http() const { return HttpClient(host(), port_, options_.tls); }

  const std::filesystem::path &dir() const { return tmp_.path(); }
  std::filesystem::path dataDir() const { return tmp_.path() / "data"; }
  std::filesystem::path modulesDir() const { return tmp_.path() / "modules"; }
  std::filesystem::path logPath() const { return tmp_.path() / "server.log"; }
  std::string log() const { return readFile(logPath()); }

  // The explicit database (shared or, in PostgreSQL mode, private); null
  // for the default SQLite file in the data dir.
  const std::shared_ptr<Database> &database() const { return options_.database; }

  // Runs `rdconsole <global options for this server> <args...>` to completion.
  RunResult cli(const std::vector<std::string> &args, const std::string &stdinData = "") const;

private:
  std::vector<std::string> globalOptions() const;
  void assembleModules() const;
  void makeCertificate();

  ServerOptions options_;
  TempDir tmp_;
  std::unique_ptr<Process> process_;
  int port_ = 0;
};

} // namespace harness
