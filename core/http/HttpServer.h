// The listener the server runs: the epoll event server for plaintext on
// Linux, Poco's thread-per-connection server for TLS and elsewhere (or when
// http.engine = threads). Both hand every request to the same Dispatcher.
#pragma once

#include "http/Dispatcher.h"
#include "http/ServerOptions.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace rdc::http {

class EventServer;
class PocoServer;

class HttpServer {
public:
  // Binds at once; throws with a message naming the problem.
  HttpServer(Dispatcher &dispatcher, const ServerOptions &opts);
  ~HttpServer();
  void start();
  uint16_t port() const;
  bool tls() const { return tls_; }
  // "event" or "threads": which listener runs.
  std::string engine() const { return event_ ? "event" : "threads"; }
  // Stops accepting, lets running requests finish (bounded), then closes
  // every connection.
  void stop(std::chrono::milliseconds drainBound);

private:
  std::unique_ptr<EventServer> event_;
  std::unique_ptr<PocoServer> poco_;
  bool tls_ = false;
};

} // namespace rdc::http
