// The one request handler behind the Poco server: drain gate, routing,
// body limits, bearer authentication, the module call, the JSON error
// envelope, gzip of large replies and the access log. It never lets an exception reach Poco.
#pragma once

#include "http/RouteTarget.h"
#include "http/Router.h"
#include "modules/Host.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

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

class Dispatcher {
public:
  Dispatcher(modules::Host &host, const Router &router, DispatcherOptions opts);
  void handle(Poco::Net::HTTPServerRequest &req, Poco::Net::HTTPServerResponse &resp) noexcept;

  // After beginDrain() new requests get 503; waitIdle() waits (bounded) for
  // the requests already running. True when none is left.
  void beginDrain();
  bool waitIdle(std::chrono::milliseconds bound);

private:
  void serve(Poco::Net::HTTPServerRequest &req, rdc_exchange &ex, bool &keepAlive);
  void maybeCompress(const Poco::Net::HTTPServerRequest &req, rdc_exchange &ex) const;
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
