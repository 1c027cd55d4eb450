// The one request handler behind both listeners (the event server and the
// Poco fallback): drain gate, routing, body limits, bearer authentication,
// the module call, the JSON error envelope, gzip of large replies and the
// access log. It knows nothing of sockets and never throws.
#pragma once

#include "http/RequestParser.h"
#include "http/RouteTarget.h"
#include "http/Router.h"
#include "modules/Host.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace rdc::http {

struct DispatcherOptions {
  int64_t maxBodyBytes = 1048576;
  bool accessLog = true;
  // Replies of at least this many bytes are gzip-compressed for clients that
  // accept it (http.gzip_min_bytes); 0 = never.
  int64_t gzipMinBytes = 2048;
};

// How reading the request body ended (the listener reads it, up to
// Dispatcher::bodyLimit, before handing the request over).
enum class BodyState {
  Complete,
  TooLarge,    // over the route's limit: nothing was kept, the rest is unread
  Short,       // the connection ended before Content-Length bytes arrived
  Malformed,   // a chunked body that does not parse
  Unsupported, // a Transfer-Encoding other than chunked: the body was not read
};

struct Request {
  std::string method;
  std::string target; // raw request-target
  Headers headers;
  std::string clientIp;
  std::string body;
  BodyState bodyState = BodyState::Complete;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

class Dispatcher {
public:
  Dispatcher(modules::Host &host, const Router &router, DispatcherOptions opts);

  // The largest body the route behind method + target accepts.
  int64_t bodyLimit(std::string_view method, std::string_view target) const;

  // Runs one request to its reply, left in `ex`: status, headers (always with
  // Content-Type) and body. `keepAlive` is cleared when the connection cannot
  // carry another request (part of the body was not read). Takes the body.
  void handle(Request &req, rdc_exchange &ex, bool &keepAlive) noexcept;

  // After beginDrain() new requests get 503; waitIdle() waits (bounded) for
  // the requests already running. True when none is left.
  void beginDrain();
  bool waitIdle(std::chrono::milliseconds bound);

private:
  void serve(Request &req, rdc_exchange &ex, bool &keepAlive);
  void maybeCompress(const Request &req, rdc_exchange &ex) const;
  modules::Host &host_;
  const Router &router_;
  DispatcherOptions opts_;
  std::atomic<bool> draining_{false};
  std::mutex mu_;
  std::condition_variable idle_;
  int inflight_ = 0;
};

// Core routes (no module): GET /healthz.
const RouteTarget *healthRoute();

} // namespace rdc::http
