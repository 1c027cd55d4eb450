#include "http/ReplyHead.h"

#include <doctest/doctest.h>

using namespace rdc::http;

namespace {
bool hasLine(const std::string &head, const std::string &line) {
  return head.find("\r\n" + line + "\r\n") != std::string::npos;
}
} // namespace

TEST_CASE("replyHead: status line with its reason, server fields, length and the blank line") {
  std::string h = replyHead(404, {{"Content-Type", "application/json"}}, 39, true, 1);
  CHECK(h.rfind("HTTP/1.1 404 Not Found\r\n", 0) == 0);
  CHECK(hasLine(h, "Server: rdconsole"));
  CHECK(h.find("\r\nDate: ") != std::string::npos);
  CHECK(h.find(" GMT\r\n") != std::string::npos);
  CHECK(hasLine(h, "Content-Type: application/json"));
  CHECK(hasLine(h, "Content-Length: 39"));
  CHECK(h.find("Connection:") == std::string::npos); // HTTP/1.1 keeps alive by default
  CHECK(h.size() >= 4);
  CHECK(h.substr(h.size() - 4) == "\r\n\r\n");
}

TEST_CASE("replyHead: Connection says close, or keep-alive to an HTTP/1.0 client") {
  CHECK(hasLine(replyHead(200, {}, 0, false, 1), "Connection: close"));
  CHECK(hasLine(replyHead(200, {}, 0, false, 0), "Connection: close"));
  CHECK(hasLine(replyHead(200, {}, 0, true, 0), "Connection: keep-alive"));
}

TEST_CASE("replyHead: a handler's header cannot split the reply or override the framing") {
  Headers headers{{"X-Evil", "a\r\nSet-Cookie: x=1"}, {"X-Nul", std::string("a\0b", 3)},
                  {"Content-Length", "999"},          {"transfer-encoding", "chunked"},
                  {"Connection", "keep-alive"},       {"X-Fine", "yes"}};
  std::string h = replyHead(200, headers, 5, false, 1);
  CHECK(h.find("Set-Cookie") == std::string::npos);
  CHECK(h.find("X-Nul") == std::string::npos);
  CHECK(h.find("999") == std::string::npos);
  CHECK(h.find("chunked") == std::string::npos);
  CHECK(hasLine(h, "Content-Length: 5"));
  CHECK(hasLine(h, "Connection: close"));
  CHECK(h.find("keep-alive") == std::string::npos);
  CHECK(hasLine(h, "X-Fine: yes"));
}
