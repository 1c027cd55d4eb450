#include "http/HttpServer.h"

#include <Poco/Logger.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <filesystem>
#include <stdexcept>

namespace rdc::http {
namespace {

class Handler : public Poco::Net::HTTPRequestHandler {
public:
  explicit Handler(Dispatcher &d) : d_(d) {}
  void handleRequest(Poco::Net::HTTPServerRequest &req,
                     Poco::Net::HTTPServerResponse &resp) override {
    d_.handle(req, resp);
  }

private:
  Dispatcher &d_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
  explicit Factory(Dispatcher &d) : d_(d) {}
  Poco::Net::HTTPRequestHandler *
  createRequestHandler(const Poco::Net::HTTPServerRequest &) override {
    return new Handler(d_);
  }

private:
  Dispatcher &d_;
};

Poco::Net::Context::Ptr tlsContext(const ServerOptions &o) {
  for (const auto &f : {o.tlsCertificate, o.tlsPrivateKey})
    if (!std::filesystem::is_regular_file(f))
      throw std::runtime_error("TLS file not found: " + f);
  Poco::Net::initializeSSL();
  Poco::Net::Context::Ptr ctx = new Poco::Net::Context(
      Poco::Net::Context::TLS_SERVER_USE, o.tlsPrivateKey, o.tlsCertificate, "",
      Poco::Net::Context::VERIFY_NONE, 9, false, "HIGH:!aNULL:!MD5:!RC4:!3DES");
  ctx->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
                        Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);
  return ctx;
}

} // namespace

HttpServer::HttpServer(Dispatcher &dispatcher, const ServerOptions &o) : dispatcher_(dispatcher) {
  Poco::Net::SocketAddress addr(o.bind, o.port);
  tls_ = !o.tlsCertificate.empty() && !o.tlsPrivateKey.empty();
  std::unique_ptr<Poco::Net::ServerSocket> socket;
  if (tls_)
    socket = std::make_unique<Poco::Net::SecureServerSocket>(tlsContext(o));
  else
    socket = std::make_unique<Poco::Net::ServerSocket>();
  // Poco's bind-in-constructor sets SO_REUSEPORT, which lets a second
  // rdconsole on the same port start silently and take half the traffic.
  socket->bind(addr, /*reuseAddress*/ true, /*reusePort*/ false);
  socket->listen(1024);
  port_ = socket->address().port();

  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(o.maxThreads);
  params->setMaxQueued(o.maxQueued);
  params->setTimeout(Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(o.readTimeoutMs) * 1000));
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(
      Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(o.keepAliveTimeoutMs) * 1000));
  params->setMaxKeepAliveRequests(o.maxKeepAliveRequests);
  params->setServerName("rdconsole");

  // Poco serves one connection per pool thread, so the pool's capacity must
  // match maxThreads; a 1 MiB stack (virtual until touched) keeps 512 threads cheap.
  pool_ = std::make_unique<Poco::ThreadPool>(2, o.maxThreads, 60, 1024 * 1024);
  server_ =
      std::make_unique<Poco::Net::HTTPServer>(new Factory(dispatcher_), *pool_, *socket, params);
}

HttpServer::~HttpServer() {
  if (!stopped_)
    stop(std::chrono::milliseconds(0));
}

void HttpServer::start() {
  server_->start();
}

void HttpServer::stop(std::chrono::milliseconds drainBound) {
  if (stopped_)
    return;
  stopped_ = true;
  dispatcher_.beginDrain();
  server_->stop(); // no new connections
  bool idle = dispatcher_.waitIdle(drainBound);
  if (!idle)
    Poco::Logger::get("http").warning("requests still running after the drain timeout; closing");
  // Closes idle keep-alive connections; waits for a running request unless
  // the drain timed out.
  server_->stopAll(!idle);
  pool_->joinAll();
}

} // namespace rdc::http
