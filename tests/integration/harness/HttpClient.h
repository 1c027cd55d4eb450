// A small HTTP(S) client over Poco for the tests: one connection per request.
#pragma once

#include "HttpResponse.h"

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace harness {

using Headers = std::vector<std::pair<std::string, std::string>>;

Headers bearer(const std::string &token);

class HttpClient {
public:
  HttpClient(std::string host, int port, bool tls);

  // A POST/PUT/PATCH/DELETE with a non-empty body gets Content-Type
  // "application/json; charset=utf-8" unless `headers` names one.
  HttpResponse request(const std::string &method, const std::string &path,
                       const std::string &body = "", const Headers &headers = {},
                       bool chunked = false) const;
  HttpResponse get(const std::string &path, const Headers &headers = {}) const {
    return request("GET", path, "", headers);
  }
  HttpResponse post(const std::string &path, const std::string &body,
                    const Headers &headers = {}) const {
    return request("POST", path, body, headers);
  }

  // The whole exchange fails (throws) after this long without progress.
  HttpClient &timeout(std::chrono::seconds t) {
    timeout_ = t;
    return *this;
  }

  const std::string &host() const { return host_; }
  int port() const { return port_; }

private:
  std::string host_;
  int port_;
  bool tls_;
  std::chrono::seconds timeout_{30};
};

} // namespace harness
