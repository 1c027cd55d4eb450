#include "HttpResponse.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace harness {
namespace {

bool iequals(const std::string &a, const std::string &b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// Decodes a chunked body; nullopt when incomplete or malformed.
std::optional<std::string> dechunk(const std::string &in) {
  std::string out;
  size_t pos = 0;
  for (;;) {
    size_t eol = in.find("\r\n", pos);
    if (eol == std::string::npos)
      return std::nullopt;
    size_t len = 0;
    try {
      len = std::stoul(in.substr(pos, eol - pos), nullptr, 16);
    } catch (const std::exception &) {
      return std::nullopt;
    }
    pos = eol + 2;
    if (len == 0)
      return out;
    if (pos + len > in.size())
      return std::nullopt;
    out.append(in, pos, len);
    pos += len + 2;
  }
}

} // namespace

std::optional<std::string> HttpResponse::header(const std::string &name) const {
  for (const auto &[k, v] : headers)
    if (iequals(k, name))
      return v;
  return std::nullopt;
}

nlohmann::json HttpResponse::json() const {
  try {
    return nlohmann::json::parse(body);
  } catch (const std::exception &e) {
    throw std::runtime_error("reply body is not JSON (" + std::string(e.what()) +
                             "): " + describe());
  }
}

std::string HttpResponse::describe() const {
  std::string b = body.size() > 400 ? body.substr(0, 400) + "..." : body;
  return "HTTP " + std::to_string(status) + " " + reason + " body=[" + b + "]";
}

std::optional<HttpResponse> parseResponse(const std::string &raw, bool bodyExpected) {
  size_t headEnd = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.", 0) != 0 || headEnd == std::string::npos)
    return std::nullopt;
  HttpResponse r;
  size_t lineEnd = raw.find("\r\n");
  std::string statusLine = raw.substr(0, lineEnd);
  size_t sp1 = statusLine.find(' ');
  if (sp1 == std::string::npos)
    return std::nullopt;
  size_t sp2 = statusLine.find(' ', sp1 + 1);
  try {
    r.status = std::stoi(statusLine.substr(sp1 + 1, sp2 - sp1 - 1));
  } catch (const std::exception &) {
    return std::nullopt;
  }
  r.reason = sp2 == std::string::npos ? "" : statusLine.substr(sp2 + 1);
  size_t pos = lineEnd + 2;
  while (pos < headEnd) {
    size_t eol = raw.find("\r\n", pos);
    std::string line = raw.substr(pos, eol - pos);
    size_t colon = line.find(':');
    if (colon != std::string::npos)
      r.headers.emplace_back(line.substr(0, colon), trim(line.substr(colon + 1)));
    pos = eol + 2;
  }
  std::string rest = raw.substr(headEnd + 4);
  if (!bodyExpected) {
    r.body = rest; // a correct server sends nothing here; tests check that
    return r;
  }
  auto te = r.header("Transfer-Encoding");
  if (te && te->find("chunked") != std::string::npos) {
    auto decoded = dechunk(rest);
    if (!decoded)
      return std::nullopt;
    r.body = *decoded;
  } else if (auto cl = r.header("Content-Length")) {
    size_t n = std::stoul(*cl);
    if (rest.size() < n)
      return std::nullopt;
    r.body = rest.substr(0, n);
  } else {
    r.body = rest;
  }
  return r;
}

} // namespace harness
