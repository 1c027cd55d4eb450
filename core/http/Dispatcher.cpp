#include "http/Dispatcher.h"

#include "http/Compression.h"
#include "http/Exchange.h"
#include "http/Query.h"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/String.h>

#include <cstring>
#include <fmt/format.h>

namespace rdc::http {
namespace {

using Poco::Net::HTTPResponse;

constexpr const char *kJsonType = "application/json; charset=utf-8";

void setError(rdc_exchange &ex, int32_t status, std::string_view message) {
  std::string body = "{\"error\":\"";
  for (char c : message) {
    if (c == '"' || c == '\\') {
      body += '\\';
      body += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      body += ' ';
    } else {
      body += c;
    }
  }
  body += "\"}";
  ex.status = status;
  ex.responseBody = std::move(body);
  ex.headers.clear();
  ex.contentTypeSet = false;
}

// Request text for log lines and error messages: every byte outside printable
// ASCII becomes \xNN (no forged log lines, no invalid UTF-8 in a reply), cut
// to `max` bytes.
std::string printable(std::string_view s, size_t max = 200) {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s.substr(0, max)) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
  if (s.size() > max)
    out += "...";
  return out;
}

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

std::string bearerOf(const Poco::Net::HTTPServerRequest &req) {
  auto it = req.find("Authorization");
  if (it == req.end())
    return {};
  std::string_view v = it->second;
  if (v.size() < 7 || Poco::icompare(std::string(v.substr(0, 7)), "Bearer ") != 0)
    return {};
  v.remove_prefix(7);
  while (!v.empty() && v.front() == ' ')
    v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
    v.remove_suffix(1);
  return std::string(v);
}

rdc_status healthHandler(rdc_exchange *ex, void *) {
  ex->responseBody = "{\"status\":\"ok\"}";
  return RDC_OK;
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

const RouteTarget kHealth{nullptr, "GET", "/healthz", RDC_AUTH_NONE, 0, &healthHandler, nullptr};

std::string routeOwner(const RouteTarget &t) {
  return t.module ? "module '" + t.module->name + "'" : std::string("core");
}

} // namespace

const RouteTarget *healthRoute() {
  return &kHealth;
}

Dispatcher::Dispatcher(modules::Host &host, const Router &router, DispatcherOptions opts)
    : host_(host), router_(router), opts_(opts) {}

void Dispatcher::beginDrain() {
  draining_ = true;
}

bool Dispatcher::waitIdle(std::chrono::milliseconds bound) {
  std::unique_lock lock(mu_);
  return idle_.wait_for(lock, bound, [this] { return inflight_ == 0; });
}

void Dispatcher::handle(Poco::Net::HTTPServerRequest &req,
                        Poco::Net::HTTPServerResponse &resp) noexcept {
  auto started = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    ++inflight_;
  }
  rdc_exchange ex;
  bool keepAlive = true; // false: the request body was not (fully) read
  try {
    ex.host = &host_;
    ex.request = &req;
    ex.method = req.getMethod();
    if (draining_) {
      setError(ex, 503, "Server is shutting down");
      keepAlive = false;
    } else {
      serve(req, ex, keepAlive);
    }
  } catch (const db::DbError &e) {
    bool transient =
        e.kind() == db::DbError::Kind::Busy || e.kind() == db::DbError::Kind::Unavailable;
    Poco::Logger::get("http").error(
        fmt::format("{} {} failed: {}", printable(ex.method), printable(ex.path), e.what()));
    if (transient)
      setError(ex, 503, "Service temporarily unavailable, try again shortly");
    else
      setError(ex, 500, "Internal server error");
  } catch (const std::exception &e) {
    Poco::Logger::get("http").error(
        fmt::format("{} {} failed: {}", printable(ex.method), printable(ex.path), e.what()));
    setError(ex, 500, "Internal server error");
  } catch (...) {
    setError(ex, 500, "Internal server error");
  }

  try {
    maybeCompress(req, ex);
  } catch (const std::exception &e) {
    // Compression is an optimisation: send the reply as it is.
    Poco::Logger::get("http").warning(std::string("could not compress a reply: ") + e.what());
  }

  try {
    resp.setStatusAndReason(
        static_cast<HTTPResponse::HTTPStatus>(ex.status),
        HTTPResponse::getReasonForStatus(static_cast<HTTPResponse::HTTPStatus>(ex.status)));
    if (!ex.contentTypeSet)
      resp.setContentType(kJsonType);
    for (const auto &[name, value] : ex.headers)
      resp.set(name, value);
    if (!keepAlive)
      resp.setKeepAlive(false);
    resp.setChunkedTransferEncoding(false);
    resp.setContentLength64(static_cast<Poco::Int64>(ex.responseBody.size()));
    // send() gives a header-only stream for HEAD (Content-Length still tells
    // the GET size). Flushed here, not when Poco destroys the response, so the
    // reply is on the wire before a lingering close.
    std::ostream &out = resp.send();
    if (ex.method != "HEAD")
      out.write(ex.responseBody.data(), static_cast<std::streamsize>(ex.responseBody.size()));
    out.flush();
  } catch (const std::exception &e) {
    Poco::Logger::get("http").debug(std::string("could not send the reply: ") + e.what());
  } catch (...) {
  }
  if (!keepAlive)
    lingeringClose(req);

  if (opts_.accessLog) {
    try {
      auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count();
      // The path only: query strings can carry codes and ids.
      Poco::Logger::get("access").information(
          fmt::format("{} \"{} {}\" {} {}B {:.1f}ms", ex.clientIp.empty() ? "-" : ex.clientIp,
                      printable(ex.method), ex.path.empty() ? "-" : printable(ex.path), ex.status,
                      ex.responseBody.size(), static_cast<double>(us) / 1000.0));
    } catch (...) {
    }
  }

  {
    std::lock_guard lock(mu_);
    --inflight_;
  }
  idle_.notify_all();
}

void Dispatcher::maybeCompress(const Poco::Net::HTTPServerRequest &req, rdc_exchange &ex) const {
  // Empty bodies never qualify (gzipMinBytes 0 means off): an empty 200
  // stays an empty 200, as clients of the address book expect.
  if (opts_.gzipMinBytes <= 0 || ex.responseBody.empty() ||
      static_cast<int64_t>(ex.responseBody.size()) < opts_.gzipMinBytes || ex.status == 204 ||
      ex.status == 304)
    return;
  std::pair<std::string, std::string> *vary = nullptr;
  for (auto &h : ex.headers) {
    if (Poco::icompare(h.first, "Content-Encoding") == 0)
      return; // the handler chose an encoding itself
    if (Poco::icompare(h.first, "Vary") == 0)
      vary = &h;
  }
  // The reply depends on Accept-Encoding whether or not this client gets
  // gzip: caches must not hand a compressed copy to a client without it.
  if (!vary)
    ex.headers.emplace_back("Vary", "Accept-Encoding");
  else if (Poco::toLower(vary->second).find("accept-encoding") == std::string::npos)
    vary->second += ", Accept-Encoding";

  std::string accepted;
  for (const auto &[name, value] : req)
    if (Poco::icompare(name, "Accept-Encoding") == 0)
      accepted += (accepted.empty() ? "" : ",") + value;
  if (!acceptsGzip(accepted))
    return;
  ex.responseBody = gzipCompress(ex.responseBody);
  ex.headers.emplace_back("Content-Encoding", "gzip");
}

void Dispatcher::serve(Poco::Net::HTTPServerRequest &req, rdc_exchange &ex, bool &keepAlive) {
  ex.clientIp = clientIpOf(req);
  auto [rawPath, rawQuery] = splitTarget(req.getURI());
  auto decodedPath = percentDecode(rawPath, false);
  if (!decodedPath || rawPath.empty() || rawPath.front() != '/') {
    ex.path = std::string(rawPath.substr(0, 200));
    return setError(ex, 400, "Malformed request path");
  }
  ex.path = std::move(*decodedPath);

  Match match;
  std::vector<std::string> allowed;
  switch (router_.match(ex.method, rawPath, match, &allowed)) {
  case MatchResult::NoPath:
    return setError(ex, 404,
                    "No such endpoint: " + printable(ex.method) + " " + printable(ex.path));
  case MatchResult::WrongMethod: {
    setError(ex, 405,
             "Method " + printable(ex.method) + " is not allowed on " + printable(ex.path));
    std::string allow;
    for (const auto &m : allowed)
      allow += (allow.empty() ? "" : ", ") + m;
    ex.headers.emplace_back("Allow", allow);
    return;
  }
  case MatchResult::Found:
    break;
  }
  const RouteTarget &target = *match.target;
  ex.params = std::move(match.params);

  ex.query = parseQuery(rawQuery); // empty for no query
  if (!ex.query)
    return setError(ex, 400, "Malformed query string");

  // Body. HTTP/1.1: no Content-Length and no chunking means no body (Poco
  // would otherwise read until the client closes; old clients send body-less
  // POSTs without Content-Length).
  int64_t limit = target.maxBodyBytes > 0 ? target.maxBodyBytes : opts_.maxBodyBytes;
  bool chunked = req.getChunkedTransferEncoding();
  if (!chunked && req.has("Transfer-Encoding")) {
    // Only "chunked" is understood; guessing the length of anything else
    // would let its body be parsed as the next request (RFC 9112 §6.1).
    keepAlive = false;
    return setError(ex, 400, "Unsupported Transfer-Encoding");
  }
  if (chunked || req.hasContentLength()) {
    if (!chunked && req.getContentLength64() > limit) {
      keepAlive = false; // the unread body makes the connection unusable
      return setError(ex, 413, fmt::format("Request body too large (limit {} bytes)", limit));
    }
    std::istream &in = req.stream();
    char buf[16384];
    while (in) {
      in.read(buf, sizeof buf);
      std::streamsize got = in.gcount();
      if (got <= 0)
        break;
      ex.body.append(buf, static_cast<size_t>(got));
      if (static_cast<int64_t>(ex.body.size()) > limit) {
        keepAlive = false;
        ex.body.clear();
        return setError(ex, 413, fmt::format("Request body too large (limit {} bytes)", limit));
      }
    }
    // Poco's chunked reader ends a malformed body as if it were complete, so
    // whatever follows must never be parsed as the next request: close.
    if (chunked)
      keepAlive = false;
    if (!chunked && static_cast<int64_t>(ex.body.size()) != req.getContentLength64()) {
      keepAlive = false;
      return setError(ex, 400, "Request body shorter than its Content-Length");
    }
  }

  ex.bearer = bearerOf(req);
  if (target.authLevel >= RDC_AUTH_USER) {
    if (ex.bearer.empty()) {
      setError(ex, 401, "Authentication required");
      ex.headers.emplace_back("WWW-Authenticate", "Bearer");
      return;
    }
    ex.principalResolved = true;
    ex.principal = host_.tokens.verify(ex.bearer);
    if (!ex.principal) {
      setError(ex, 401, "Invalid or expired token");
      ex.headers.emplace_back("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      return;
    }
    if (target.authLevel >= RDC_AUTH_ADMIN && !ex.principal->user.isAdmin)
      return setError(ex, 403, "Administrator rights required");
  }

  rdc_status s = RDC_ERROR;
  try {
    s = target.handler(&ex, target.userData);
  } catch (...) {
    s = RDC_ERROR; // a module broke the no-exceptions rule
  }
  if (s != RDC_OK && ex.status < 400) {
    Poco::Logger::get("http").error(fmt::format("{} handler for {} {} failed (status {}): {}",
                                                routeOwner(target), target.method, target.pattern,
                                                s, modules::hostApi()->last_error()));
    setError(ex, 500, "Internal server error");
  }
}

} // namespace rdc::http
