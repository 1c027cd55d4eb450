// rdconsole entry point: parse the command line, load the configuration,
// then either run an operator verb or the server.
#include "app/Cli.h"
#include "app/CommandLine.h"
#include "app/Config.h"
#include "app/Logging.h"
#include "app/ServerApp.h"
#include "rdconsole/module.h"

#include <Poco/Path.h>

#include <csignal>
#include <filesystem>
#include <iostream>

namespace {

// Block the termination signals before any thread exists, so every thread
// inherits the mask and only ServerApplication's sigwait() receives them
// (otherwise a SIGTERM landing on a worker thread kills the process
// without a graceful stop).
void blockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGQUIT);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

std::filesystem::path exeDir() {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec)
    return std::filesystem::current_path();
  return self.parent_path();
}

} // namespace

int main(int argc, char **argv) {
  using namespace rdc::app;
  CommandLine cl;
  try {
    cl = parseCommandLine(argc, argv);
  } catch (const UsageError &e) {
    std::cerr << "rdconsole: " << e.what() << "\n";
    return 2;
  }
  if (cl.help) {
    std::cout << usageText();
    // The commands of the installed modules, when the configuration loads.
    try {
      Config cfg = Config::load(cl.sources);
      setupLogging(cfg, true);
      printModuleCommands(cfg, exeDir(), std::cout);
    } catch (const std::exception &e) {
      std::cout << "\nModule commands: cannot list them (" << e.what() << ")\n";
    }
    return 0;
  }
  if (cl.version) {
    std::cout << "rdconsole " << RDC_VERSION << " (plugin ABI " << RDC_ABI_MAJOR << "."
              << RDC_ABI_MINOR << ")\n";
    return 0;
  }
  try {
    Config cfg = Config::load(cl.sources);
    if (!cl.verb.empty()) {
      setupLogging(cfg, true);
      return runVerb(cl, cfg, exeDir());
    }
    blockTerminationSignals();
    ServerApp app(cfg, exeDir());
    // After the Application constructor, which points every logger at a
    // plain console channel.
    setupLogging(cfg, false);
    return app.run(cl.passthrough);
  } catch (const Poco::Exception &e) {
    std::cerr << "rdconsole: " << e.displayText() << "\n";
    return 1;
  } catch (const std::exception &e) {
    std::cerr << "rdconsole: " << e.what() << "\n";
    return 1;
  }
}
