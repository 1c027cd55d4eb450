#include "http/Compression.h"

#include <Poco/InflatingStream.h>

#include <doctest/doctest.h>

#include <sstream>

using rdc::http::acceptsGzip;

TEST_CASE("compression: Accept-Encoding parsing") {
  for (const char *yes : {"gzip", "GZIP", "x-gzip", "deflate, gzip", "gzip;q=1", "gzip; q=0.5",
                          "gzip;q=0.001", "*", "*;q=0.1", "br, *", " gzip ", "gzip;level=1"})
    CHECK_MESSAGE(acceptsGzip(yes), yes);
  for (const char *no : {"", "identity", "deflate, br", "gzip;q=0", "gzip;q=0.0", "gzip; q=0.000",
                         "GZIP;Q=0", "*;q=0", "gzip;q=0, *", "*, gzip;q=0", "gzip;q=", "gzip;q=2",
                         "gzip;q=0.0001", "gzip;q=abc", "gzipx", "gzip-ish"})
    CHECK_MESSAGE(!acceptsGzip(no), no);
}

TEST_CASE("compression: gzipCompress round-trips") {
  for (std::string data : {std::string(), std::string("x"), std::string(100000, 'a'),
                           std::string("\0\x01\xff binary", 10)}) {
    std::string z = rdc::http::gzipCompress(data);
    REQUIRE(z.size() >= 18);
    CHECK(static_cast<unsigned char>(z[0]) == 0x1f); // gzip magic
    CHECK(static_cast<unsigned char>(z[1]) == 0x8b);
    std::istringstream in(z);
    Poco::InflatingInputStream inflate(in, Poco::InflatingStreamBuf::STREAM_GZIP);
    std::ostringstream out;
    out << inflate.rdbuf();
    CHECK(out.str() == data);
  }
}
