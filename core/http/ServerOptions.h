// Listener settings shared by the event server and the Poco fallback
// (http.* in the configuration).
#pragma once

#include <cstdint>
#include <string>

namespace rdc::http {

struct ServerOptions {
  std::string bind = "0.0.0.0";
  uint16_t port = 21114; // 0 = ephemeral
  // "event" (epoll, Linux, plaintext) or "threads" (Poco, one thread per
  // connection; always used for TLS).
  std::string engine = "event";
  // Event server: threads serving at once (0 = one per CPU core), and reserve
  // threads that stand in for threads blocked in a slow request. Idle
  // connections need no thread.
  int workers = 0;
  int reserveWorkers = 64;
  int maxConnections = 10000;
  // Poco fallback (TLS, non-Linux): one keep-alive connection per thread.
  int maxThreads = 512;
  int maxQueued = 2048;
  int readTimeoutMs = 15000;
  int keepAliveTimeoutMs = 5000;
  int maxKeepAliveRequests = 1000;
  std::string tlsCertificate; // PEM; TLS when both are set
  std::string tlsPrivateKey;
};

} // namespace rdc::http
