// The fallback listener: Poco's HTTPServer on a plain or TLS socket, one
// keep-alive connection per pool thread. Used for TLS and where epoll is not
// available (see HttpServer).
#pragma once

#include "http/Dispatcher.h"
#include "http/ServerOptions.h"

#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>

#include <chrono>
#include <cstdint>
#include <memory>

namespace rdc::http {

class PocoServer {
public:
  // Binds at once (throws Poco::Exception / std::runtime_error with a clear
  // message when the address is taken or the certificate is unusable).
  PocoServer(Dispatcher &dispatcher, const ServerOptions &opts);
  ~PocoServer();
  void start();
  uint16_t port() const { return port_; }
  void stop(std::chrono::milliseconds drainBound);

private:
  Dispatcher &dispatcher_;
  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  uint16_t port_ = 0;
  bool stopped_ = false;
};

} // namespace rdc::http
