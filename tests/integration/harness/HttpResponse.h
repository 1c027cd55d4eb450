// One HTTP reply as the tests see it.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace harness {

struct HttpResponse {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // First header with this name (case-insensitive).
  std::optional<std::string> header(const std::string &name) const;
  // The body parsed as JSON; throws with the body in the message otherwise.
  nlohmann::json json() const;
  // A one-line description for failure messages.
  std::string describe() const;
};

// Parses a raw HTTP/1.1 reply (Content-Length, chunked, or read-to-close body).
// `bodyExpected` false for replies to HEAD.
std::optional<HttpResponse> parseResponse(const std::string &raw, bool bodyExpected = true);

} // namespace harness
