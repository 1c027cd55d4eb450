#include "app/Logging.h"

#include <Poco/AsyncChannel.h>
#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FileChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>

namespace rdc::app {

void setupLogging(const Config &cfg, bool quiet) {
  Poco::AutoPtr<Poco::Channel> sink;
  std::string file = cfg.getString("log.file");
  if (file.empty()) {
    sink = new Poco::ConsoleChannel; // std::clog, i.e. stderr
  } else {
    Poco::AutoPtr<Poco::FileChannel> fc = new Poco::FileChannel(file);
    fc->setProperty("rotation", "10 M");
    fc->setProperty("archive", "timestamp");
    fc->setProperty("purgeCount", "5");
    sink = fc;
  }
  Poco::AutoPtr<Poco::PatternFormatter> fmt =
      new Poco::PatternFormatter("%Y-%m-%d %H:%M:%S.%i [%p] %s: %t");
  fmt->setProperty("times", "local");
  Poco::AutoPtr<Poco::FormattingChannel> formatted = new Poco::FormattingChannel(fmt, sink);

  std::string level = quiet ? "warning" : cfg.getString("log.level");
  try {
    Poco::Logger::root().setChannel(formatted);
    Poco::Logger::root().setLevel(level);
  } catch (const Poco::Exception &) {
    throw ConfigError("config key log.level must be one of fatal, critical, error, warning, "
                      "notice, information, debug, trace; got '" +
                      level + "'");
  }
  // Loggers created before this call keep their old channel; re-point them.
  std::vector<std::string> names;
  Poco::Logger::names(names);
  for (const auto &n : names) {
    Poco::Logger::get(n).setChannel(formatted);
    Poco::Logger::get(n).setLevel(Poco::Logger::root().getLevel());
  }
  Poco::AutoPtr<Poco::AsyncChannel> async = new Poco::AsyncChannel(formatted);
  // Bounded: if the sink stalls, access lines are dropped (and counted)
  // instead of growing memory without limit under a request flood.
  async->setProperty("queueSize", "10000");
  Poco::Logger::get("access").setChannel(async);
}

} // namespace rdc::app
