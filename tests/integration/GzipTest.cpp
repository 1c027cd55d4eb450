// gzip of large replies (core/http/Dispatcher.cpp, http.gzip_min_bytes): the
// probe fixture's /fixture/large answers a JSON body of any size.
#include "harness/JsonChecks.h"
#include "harness/RawHttp.h"
#include "harness/TestServer.h"

#include <Poco/InflatingStream.h>

#include <doctest/doctest.h>

#include <sstream>

using namespace harness;

namespace {

std::string gunzip(const std::string &data) {
  std::istringstream in(data);
  Poco::InflatingInputStream z(in, Poco::InflatingStreamBuf::STREAM_GZIP);
  std::ostringstream out;
  out << z.rdbuf();
  return out.str();
}

std::string large(size_t bytes) {
  return "/fixture/large?bytes=" + std::to_string(bytes);
}

Headers accept(const std::string &value) {
  return {{"Accept-Encoding", value}};
}

} // namespace

TEST_CASE("gzip: a large reply is compressed for a client that accepts gzip") {
  TestServer s;
  s.start();
  auto plain = s.http().get(large(100000));
  INFO(plain.describe());
  REQUIRE(plain.status == 200);
  CHECK(plain.body.size() == 100000);
  CHECK_FALSE(plain.header("Content-Encoding"));
  // The reply varies with Accept-Encoding even when this one is not compressed.
  CHECK(plain.header("Vary").value_or("") == "Accept-Encoding");

  for (const char *value : {"gzip", "gzip, deflate, br", "br;q=1.0, GZIP;q=0.5", "*", "x-gzip",
                            "deflate, gzip;q=0.001"}) {
    CAPTURE(value);
    auto z = s.http().get(large(100000), accept(value));
    INFO(z.describe());
    REQUIRE(z.status == 200);
    CHECK(z.header("Content-Encoding").value_or("") == "gzip");
    CHECK(z.header("Vary").value_or("") == "Accept-Encoding");
    CHECK(z.header("Content-Type").value_or("") == kJsonContentType);
    CHECK(z.header("Content-Length").value_or("") == std::to_string(z.body.size()));
    CHECK(z.body.size() < plain.body.size() / 4);
    CHECK(gunzip(z.body) == plain.body);
  }
}

TEST_CASE(
    "gzip: refused codings and small or empty bodies and handler encodings stay as they are") {
  TestServer s;
  s.start();
  auto plain = s.http().get(large(5000));
  REQUIRE(plain.status == 200);
  for (const char *value : {"gzip;q=0", "gzip; q=0.000", "deflate, br", "identity", "*;q=0",
                            "gzip;q=0, *", "gzip;q=bogus", ""}) {
    CAPTURE(value);
    auto r = s.http().get(large(5000), accept(value));
    INFO(r.describe());
    CHECK(r.status == 200);
    CHECK_FALSE(r.header("Content-Encoding"));
    CHECK(r.body == plain.body);
  }
  // Below http.gzip_min_bytes (default 2048): sent as it is, no Vary.
  auto small = s.http().get(large(2047), accept("gzip"));
  CHECK(small.body.size() == 2047);
  CHECK_FALSE(small.header("Content-Encoding"));
  CHECK_FALSE(small.header("Vary"));
  auto atLimit = s.http().get(large(2048), accept("gzip"));
  CHECK(atLimit.header("Content-Encoding").value_or("") == "gzip");
  CHECK(gunzip(atLimit.body).size() == 2048);
  // Empty bodies are never compressed: a mutation's empty 200 stays empty.
  auto empty = s.http().post("/fixture/empty", "", accept("gzip"));
  INFO(empty.describe());
  CHECK(empty.status == 200);
  CHECK(empty.body.empty());
  CHECK(empty.header("Content-Length").value_or("") == "0");
  CHECK_FALSE(empty.header("Content-Encoding"));
  // A handler that set Content-Encoding itself is left alone.
  auto own = s.http().get(large(5000) + "&encoding=identity", accept("gzip"));
  CHECK(own.header("Content-Encoding").value_or("") == "identity");
  CHECK(own.body == plain.body);
  // Errors from bad input are plain small JSON.
  expectError(s.http().get("/fixture/large?bytes=x", accept("gzip")), 400);
}

TEST_CASE("gzip: HEAD sends the headers of the compressed GET without a body") {
  TestServer s;
  s.start();
  auto get = s.http().get(large(50000), accept("gzip"));
  REQUIRE(get.header("Content-Encoding").value_or("") == "gzip");
  std::string raw = rawExchange(s.host(), s.port(),
                                rawRequest("HEAD", large(50000), "", "Accept-Encoding: gzip\r\n"));
  auto head = parseResponse(raw, false);
  REQUIRE(head);
  INFO(raw);
  CHECK(head->status == 200);
  CHECK(head->header("Content-Encoding").value_or("") == "gzip");
  CHECK(head->header("Vary").value_or("") == "Accept-Encoding");
  CHECK(head->header("Content-Length").value_or("") == std::to_string(get.body.size()));
  CHECK(head->body.empty());
  // Nothing follows the headers on the wire.
  CHECK(raw.size() == raw.find("\r\n\r\n") + 4);
}

TEST_CASE("gzip: http.gzip_min_bytes sets the threshold and 0 turns compression off") {
  {
    TestServer s(ServerOptions().set("http.gzip_min_bytes=100"));
    s.start();
    auto r = s.http().get(large(200), accept("gzip"));
    CHECK(r.header("Content-Encoding").value_or("") == "gzip");
    CHECK(gunzip(r.body).size() == 200);
  }
  {
    TestServer s(ServerOptions().set("http.gzip_min_bytes=0"));
    s.start();
    auto r = s.http().get(large(100000), accept("gzip"));
    CHECK_FALSE(r.header("Content-Encoding"));
    CHECK_FALSE(r.header("Vary"));
    CHECK(r.body.size() == 100000);
  }
  {
    TestServer s(ServerOptions().set("http.gzip_min_bytes=-1"));
    s.launch();
    auto code = s.waitForExit(std::chrono::seconds(30));
    REQUIRE(code.has_value());
    CHECK(*code != 0);
    CHECK(s.log().find("http.gzip_min_bytes") != std::string::npos);
  }
}
