// The listener: Poco's HTTPServer on a plain or TLS socket, a thread pool
// sized for one keep-alive connection per thread, and a graceful stop.
#pragma once

#include "http/Dispatcher.h"

#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace rdc::http {

struct ServerOptions {
  std::string bind = "0.0.0.0";
  uint16_t port = 21114; // 0 = ephemeral
  int maxThreads = 512;
  int maxQueued = 2048;
  int readTimeoutMs = 15000;
  int keepAliveTimeoutMs = 5000;
  int maxKeepAliveRequests = 1000;
  std::string tlsCertificate; // PEM; TLS when both are set
  std::string tlsPrivateKey;
};

class HttpServer {
public:
  // Binds at once (throws Poco::Exception / std::runtime_error with a clear
  // message when the address is taken or the certificate is unusable).
  HttpServer(Dispatcher &dispatcher, const ServerOptions &opts);
  ~HttpServer();
  void start();
  uint16_t port() const { return port_; }
  bool tls() const { return tls_; }
  // Stops accepting, lets running requests finish (bounded), then closes
  // every connection.
  void stop(std::chrono::milliseconds drainBound);

private:
  Dispatcher &dispatcher_;
  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  uint16_t port_ = 0;
  bool tls_ = false;
  bool stopped_ = false;
};

} // namespace rdc::http
