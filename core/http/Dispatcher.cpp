#include "http/Dispatcher.h"

#include "http/Compression.h"
#include "http/Exchange.h"
#include "http/Query.h"

#include <Poco/Logger.h>
#include <Poco/String.h>

#include <cstring>
#include <fmt/format.h>

namespace rdc::http {
namespace {

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

std::string bearerOf(const Headers &headers) {
  const std::string *h = findHeader(headers, "Authorization");
  if (!h)
    return {};
  std::string_view v = *h;
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

int64_t Dispatcher::bodyLimit(std::string_view method, std::string_view target) const {
  Match match;
  auto rawPath = splitTarget(target).first;
  if (router_.match(method, rawPath, match, nullptr) == MatchResult::Found &&
      match.target->maxBodyBytes > 0)
    return match.target->maxBodyBytes;
  return opts_.maxBodyBytes;
}

void Dispatcher::handle(Request &req, rdc_exchange &ex, bool &keepAlive) noexcept {
  {
    std::lock_guard lock(mu_);
    ++inflight_;
  }
  try {
    ex.host = &host_;
    ex.requestHeaders = &req.headers;
    ex.method = req.method;
    ex.clientIp = req.clientIp;
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
    if (!ex.contentTypeSet)
      ex.headers.emplace_back("Content-Type", kJsonType);
  } catch (...) {
  }

  if (opts_.accessLog) {
    try {
      auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - req.started)
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

void Dispatcher::maybeCompress(const Request &req, rdc_exchange &ex) const {
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
  for (const auto &[name, value] : req.headers)
    if (Poco::icompare(name, "Accept-Encoding") == 0)
      accepted += (accepted.empty() ? "" : ",") + value;
  if (!acceptsGzip(accepted))
    return;
  ex.responseBody = gzipCompress(ex.responseBody);
  ex.headers.emplace_back("Content-Encoding", "gzip");
}

void Dispatcher::serve(Request &req, rdc_exchange &ex, bool &keepAlive) {
  auto [rawPath, rawQuery] = splitTarget(req.target);
  auto decodedPath = percentDecode(rawPath, false);
  if (!decodedPath || rawPath.empty() || rawPath.front() != '/') {
    ex.path = std::string(rawPath.substr(0, 200));
    return setError(ex, 400, "Malformed request path");
  }
  ex.path = std::move(*decodedPath);

  // The body's framing first: whatever the route, a connection whose body was
  // not read to its end must never carry another request.
  switch (req.bodyState) {
  case BodyState::Complete:
    break;
  case BodyState::TooLarge:
    keepAlive = false;
    return setError(
        ex, 413,
        fmt::format("Request body too large (limit {} bytes)", bodyLimit(req.method, req.target)));
  case BodyState::Short:
    keepAlive = false;
    return setError(ex, 400, "Request body shorter than its Content-Length");
  case BodyState::Malformed:
    keepAlive = false;
    return setError(ex, 400, "Malformed chunked request body");
  case BodyState::Unsupported:
    // Only "chunked" is understood; guessing the length of anything else
    // would let its body be parsed as the next request (RFC 9112 §6.1).
    keepAlive = false;
    return setError(ex, 400, "Unsupported Transfer-Encoding");
  }

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
  // The listener already holds the whole body; a module reads it from here.
  ex.body = std::move(req.body);

  ex.bearer = bearerOf(req.headers);
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
