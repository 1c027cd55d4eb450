// Parses rdconsole's command line: global options, an optional verb with its
// arguments, and the options Poco's ServerApplication handles itself
// (--daemon, --pidfile, --umask; /registerService ... on Windows).
#pragma once

#include "app/Config.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace rdc::app {

class UsageError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct CommandLine {
  ConfigSources sources;
  std::vector<std::string> verb;        // e.g. {"user","add","bob","--admin"}; empty = serve
  std::vector<std::string> passthrough; // for ServerApplication, argv[0] first
  bool help = false;
  bool version = false;
};

CommandLine parseCommandLine(int argc, const char *const *argv); // throws UsageError
const char *usageText();

} // namespace rdc::app
