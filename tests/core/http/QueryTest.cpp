#include "http/Query.h"

#include <doctest/doctest.h>

using namespace rdc::http;

TEST_CASE("percentDecode handles escapes, plus and malformed input") {
  CHECK(percentDecode("ZjVi%2B%2F%3D%3D", false).value() == "ZjVi+/==");
  CHECK(percentDecode("a+b", true).value() == "a b");
  CHECK(percentDecode("a+b", false).value() == "a+b");
  CHECK(percentDecode("%e4%BD%A0", false).value() == "\xe4\xbd\xa0");
  CHECK_FALSE(percentDecode("%", false));
  CHECK_FALSE(percentDecode("%4", false));
  CHECK_FALSE(percentDecode("%zz", false));
  CHECK_FALSE(percentDecode("%00", false));
  CHECK_FALSE(percentDecode(std::string_view("a\0b", 3), false));
}

TEST_CASE("parseQuery decodes the RustDesk auth-query uuid and pagination") {
  auto q = parseQuery("code=C&id=123456789&uuid=ZjVi%2B%2F%3D%3D&accessible=&status=1&flag");
  REQUIRE(q);
  REQUIRE(q->size() == 6);
  CHECK((*q)[2] == std::pair<std::string, std::string>{"uuid", "ZjVi+/=="});
  CHECK((*q)[3] == std::pair<std::string, std::string>{"accessible", ""});
  CHECK((*q)[5] == std::pair<std::string, std::string>{"flag", ""});
  CHECK(parseQuery("")->empty());
  CHECK(parseQuery("&&a=1&")->size() == 1);
  CHECK_FALSE(parseQuery("a=%G1"));
}

TEST_CASE("splitTarget separates path, query and drops a fragment") {
  auto [p, q] = splitTarget("/api/ab/peers?current=1&pageSize=100&ab=x#frag");
  CHECK(p == "/api/ab/peers");
  CHECK(q == "current=1&pageSize=100&ab=x");
  auto [p2, q2] = splitTarget("/healthz");
  CHECK(p2 == "/healthz");
  CHECK(q2.empty());
}
