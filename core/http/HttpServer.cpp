#include "http/HttpServer.h"

#include "http/EventServer.h"
#include "http/PocoServer.h"

namespace rdc::http {

HttpServer::HttpServer(Dispatcher &dispatcher, const ServerOptions &o) {
  tls_ = !o.tlsCertificate.empty() && !o.tlsPrivateKey.empty();
#ifdef __linux__
  if (!tls_ && o.engine == "event") {
    event_ = std::make_unique<EventServer>(dispatcher, o);
    return;
  }
#endif
  poco_ = std::make_unique<PocoServer>(dispatcher, o);
}

HttpServer::~HttpServer() = default;

void HttpServer::start() {
  if (event_)
    event_->start();
  else
    poco_->start();
}

uint16_t HttpServer::port() const {
  return event_ ? event_->port() : poco_->port();
}

void HttpServer::stop(std::chrono::milliseconds drainBound) {
  if (event_)
    event_->stop(drainBound);
  else
    poco_->stop(drainBound);
}

} // namespace rdc::http
