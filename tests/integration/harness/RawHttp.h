// A raw-socket sender for requests a well-behaved client library would not
// send: invalid bytes, lying Content-Length, oversize bodies sent without
// waiting for the reply, hand-made chunked bodies, HEAD with body checks.
#pragma once

#include "HttpResponse.h"

#include <chrono>
#include <string>

namespace harness {

// Sends `bytes` (ignoring send errors: the server may close early) and
// returns everything received until the server closes or `timeout` passes.
std::string rawExchange(const std::string &host, int port, const std::string &bytes,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Builds a complete HTTP/1.1 request with Connection: close.
std::string rawRequest(const std::string &method, const std::string &path, const std::string &body,
                       const std::string &extraHeaders = "");

// True when a plain TCP connection to host:port succeeds.
bool canConnect(const std::string &host, int port);

} // namespace harness
