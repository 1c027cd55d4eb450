#include "TestServer.h"

#include "Paths.h"
#include "Poll.h"
#include "RawHttp.h"

#include <doctest/doctest.h>

#include <csignal>
#include <stdexcept>

namespace harness {
namespace fs = std::filesystem;

TestServer::TestServer(ServerOptions options) : options_(std::move(options)) {
  if (!options_.database && pgMode())
    options_.database = std::make_shared<Database>();
  fs::create_directories(dataDir());
  assembleModules();
  // The config file is a real layer: the tests rely on the bind address from it.
  writeFile(dir() / "rdconsole.properties", "# written by the integration test harness\n"
                                            "http.bind = 127.0.0.1\n"
                                            "log.level = information\n");
  if (options_.tls)
    makeCertificate();
}

TestServer::~TestServer() {
  if (!process_ || !running())
    return;
  try {
    int code = stop();
    CHECK_MESSAGE(code == 0, "server exit code " << code << "; log:\n" << log());
  } catch (const std::exception &e) { // a destructor must not throw
    FAIL_CHECK(e.what());
  }
}

void TestServer::assembleModules() const {
  fs::create_directories(modulesDir());
  auto copy = [&](const fs::path &from, const std::string &stem) {
    fs::path src = from / (stem + ".so");
    if (!fs::exists(src))
      throw std::runtime_error("module not built: " + src.string());
    fs::copy_file(src, modulesDir() / (stem + ".so"), fs::copy_options::overwrite_existing);
  };
  for (const auto &m : options_.modules)
    copy(paths::modulesDir, m);
  for (const auto &m : options_.fixtureModules)
    copy(paths::fixtureModulesDir, m);
}

void TestServer::makeCertificate() {
  auto r = runCommand({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days",
                       "1", "-subj", "/CN=localhost", "-keyout", (dir() / "key.pem").string(),
                       "-out", (dir() / "cert.pem").string()},
                      "", dir());
  if (r.exitCode != 0)
    throw std::runtime_error("openssl failed: " + r.err);
  options_.sets.push_back("http.tls.certificate=" + (dir() / "cert.pem").string());
  options_.sets.push_back("http.tls.private_key=" + (dir() / "key.pem").string());
}

std::vector<std::string> TestServer::globalOptions() const {
  std::vector<std::string> a = {
      paths::serverBinary, "--config", (dir() / "rdconsole.properties").string(), "--data-dir",
      dataDir().string(), "--modules-dir", modulesDir().string(),
      // Cheap hashing keeps the tests fast; the cost
      // parameters themselves are unit-tested.
      "--set", "identity.argon2_memory_kib=1024", "--set", "identity.argon2_iterations=1"};
  if (options_.database)
    for (const auto &s : options_.database->serverSets()) {
      a.push_back("--set");
      a.push_back(s);
    }
  for (const auto &s : options_.sets) {
    a.push_back("--set");
    a.push_back(s);
  }
  return a;
}

void TestServer::launch() {
  if (process_ && running())
    throw std::runtime_error("server already running");
  fs::path portFile = dir() / "port";
  fs::remove(portFile);
  auto argv = globalOptions();
  // Before the test's own --set options (they come last in globalOptions()),
  // so a test can still choose the port.
  auto where = argv.end() - static_cast<std::ptrdiff_t>(2 * options_.sets.size());
  argv.insert(where, {"--port", "0", "--set", "http.port_file=" + portFile.string()});
  process_ = std::make_unique<Process>(argv, "", logPath(), logPath());
  port_ = 0;
}

void TestServer::start() {
  launch();
  waitUntilListening();
}

void TestServer::waitUntilListening() {
  if (!process_)
    throw std::runtime_error("server never launched");
  fs::path portFile = dir() / "port";
  bool died = false;
  bool up = pollUntil(std::chrono::seconds(30), [&] {
    if (!process_->running()) {
      died = true;
      return true;
    }
    std::string text = readFile(portFile);
    int p = 0;
    try {
      p = std::stoi(text);
    } catch (const std::exception &) {
      return false;
    }
    // The file may be half-written; a successful connect proves the port.
    if (p <= 0 || p > 65535 || !canConnect(host(), p))
      return false;
    port_ = p;
    return true;
  });
  if (died)
    throw std::runtime_error(
        "server exited during start-up with code " +
        std::to_string(process_->waitFor(std::chrono::seconds(1)).value_or(-1)) + "; log:\n" +
        log());
  if (!up)
    throw std::runtime_error("server did not write a usable port file within 30 s; log:\n" + log());
}

int TestServer::stop(std::chrono::milliseconds timeout) {
  if (!process_)
    throw std::runtime_error("server never started");
  process_->signal(SIGTERM);
  auto code = process_->waitFor(timeout);
  if (!code) {
    process_->signal(SIGKILL);
    process_->waitFor(std::chrono::seconds(5));
    throw std::runtime_error("server did not exit within the timeout after SIGTERM; log:\n" +
                             log());
  }
  return *code;
}

std::optional<int> TestServer::waitForExit(std::chrono::milliseconds timeout) {
  return process_ ? process_->waitFor(timeout) : std::nullopt;
}

void TestServer::signal(int sig) {
  if (process_)
    process_->signal(sig);
}

bool TestServer::running() {
  return process_ && process_->running();
}

RunResult TestServer::cli(const std::vector<std::string> &args,
                          const std::string &stdinData) const {
  auto argv = globalOptions();
  argv.insert(argv.end(), args.begin(), args.end());
  return runCommand(argv, stdinData, dir());
}

} // namespace harness
