// The server: Poco ServerApplication (daemon on Unix, service on Windows)
// that wires runtime, modules, events and the HTTP listener, then waits for
// a termination request and shuts down in order.
#pragma once

#include "app/Config.h"

#include <Poco/Util/ServerApplication.h>

#include <filesystem>

namespace rdc::app {

class ServerApp : public Poco::Util::ServerApplication {
public:
  ServerApp(const Config &cfg, std::filesystem::path exeDir);

protected:
  int main(const std::vector<std::string> &args) override;

private:
  int serve();
  const Config &cfg_;
  std::filesystem::path exeDir_;
};

} // namespace rdc::app
