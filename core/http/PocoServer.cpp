#include "http/PocoServer.h"

#include "http/Exchange.h"

#include <Poco/Logger.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <filesystem>
#include <fmt/format.h>
#include <stdexcept>

namespace rdc::http {
namespace {

// Maps "::ffff:1.2.3.4" to "1.2.3.4" so IPv4 clients look the same whether
// the listener is IPv4 or dual-stack.
std::string clientIpOf(const Poco::Net::HTTPServerRequest &req) {
  Poco::Net::IPAddress ip = req.clientAddress().host();
  if (ip.family() == Poco::Net::IPAddress::IPv6 && ip.isIPv4Mapped()) {
    const auto *b = static_cast<const unsigned char *>(ip.addr());
    return fmt::format("{}.{}.{}.{}", b[12], b[13], b[14], b[15]);
  }
  return ip.toString();
}

// Reads the body up to `limit`. HTTP/1.1: no Content-Length and no chunking
// means no body (Poco would otherwise read until the client closes; old
// clients send body-less POSTs without Content-Length).
void readBody(Poco::Net::HTTPServerRequest &req, int64_t limit, Request &r) {
  bool chunked = req.getChunkedTransferEncoding();
  if (!chunked && req.has("Transfer-Encoding")) {
    r.bodyState = BodyState::Unsupported;
    return;
  }
  if (!chunked && !req.hasContentLength())
    return;
  if (!chunked && req.getContentLength64() > limit) {
    r.bodyState = BodyState::TooLarge;
    return;
  }
  std::istream &in = req.stream();
  char buf[16384];
  while (in) {
    in.read(buf, sizeof buf);
    std::streamsize got = in.gcount();
    if (got <= 0)
      break;
    r.body.append(buf, static_cast<size_t>(got));
    if (static_cast<int64_t>(r.body.size()) > limit) {
      r.body.clear();
      r.bodyState = BodyState::TooLarge;
      return;
    }
  }
  if (!chunked && static_cast<int64_t>(r.body.size()) != req.getContentLength64())
    r.bodyState = BodyState::Short;
}

// After refusing a request whose body was not read: send FIN, then read and
// discard what the client is still sending (bounded in bytes and time). Closing
// with unread data would make the kernel send RST, which can destroy the
// reply before the client reads it (the "lingering close" of Apache/nginx).
void lingeringClose(Poco::Net::HTTPServerRequest &req) noexcept {
  try {
    auto *impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl *>(&req);
    if (!impl)
      return;
    Poco::Net::StreamSocket &s = impl->socket();
    s.shutdownSend();
    s.setReceiveTimeout(Poco::Timespan(0, 250 * 1000));
    char buf[16384];
    size_t total = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (total < (size_t{64} << 20) && std::chrono::steady_clock::now() < deadline) {
      int n = s.receiveBytes(buf, sizeof buf);
      if (n <= 0)
        break;
      total += static_cast<size_t>(n);
    }
  } catch (...) {
    // The client went away or timed out: nothing left to protect.
  }
}

class Handler : public Poco::Net::HTTPRequestHandler {
public:
  explicit Handler(Dispatcher &d) : d_(d) {}
  void handleRequest(Poco::Net::HTTPServerRequest &req,
                     Poco::Net::HTTPServerResponse &resp) override {
    Request r;
    rdc_exchange ex;
    bool keepAlive = true;
    bool chunked = false;
    try {
      r.method = req.getMethod();
      r.target = req.getURI();
      for (const auto &[name, value] : req)
        r.headers.emplace_back(name, value);
      r.clientIp = clientIpOf(req);
      chunked = req.getChunkedTransferEncoding();
      readBody(req, d_.bodyLimit(r.method, r.target), r);
    } catch (const std::exception &) {
      // A broken chunked body or a reset connection while reading.
      r.body.clear();
      r.bodyState = BodyState::Malformed;
    }
    d_.handle(r, ex, keepAlive);
    // Poco's chunked reader ends a malformed body as if it were complete, so
    // whatever follows must never be parsed as the next request: close.
    if (chunked)
      keepAlive = false;
    try {
      using Poco::Net::HTTPResponse;
      auto status = static_cast<HTTPResponse::HTTPStatus>(ex.status);
      resp.setStatusAndReason(status, HTTPResponse::getReasonForStatus(status));
      for (const auto &[name, value] : ex.headers)
        resp.set(name, value);
      if (!keepAlive)
        resp.setKeepAlive(false);
      resp.setChunkedTransferEncoding(false);
      resp.setContentLength64(static_cast<Poco::Int64>(ex.responseBody.size()));
      // send() gives a header-only stream for HEAD (Content-Length still tells
      // the GET size). Flushed here, not when Poco destroys the response, so
      // the reply is on the wire before a lingering close.
      std::ostream &out = resp.send();
      if (r.method != "HEAD")
        out.write(ex.responseBody.data(), static_cast<std::streamsize>(ex.responseBody.size()));
      out.flush();
    } catch (const std::exception &e) {
      Poco::Logger::get("http").debug(std::string("could not send the reply: ") + e.what());
    }
    if (!keepAlive)
      lingeringClose(req);
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

PocoServer::PocoServer(Dispatcher &dispatcher, const ServerOptions &o) : dispatcher_(dispatcher) {
  Poco::Net::SocketAddress addr(o.bind, o.port);
  bool tls = !o.tlsCertificate.empty() && !o.tlsPrivateKey.empty();
  std::unique_ptr<Poco::Net::ServerSocket> socket;
  if (tls)
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

PocoServer::~PocoServer() {
  if (!stopped_)
    stop(std::chrono::milliseconds(0));
}

void PocoServer::start() {
  server_->start();
}

void PocoServer::stop(std::chrono::milliseconds drainBound) {
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
