// The typed field readers of rdconsole/json.hpp: null = absent, exact types,
// exact integer bounds, byte-length limits, and the messages a client sees.
#include "HttpErrorCapture.h"

#include <rdconsole/json.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>

using nlohmann::json;

namespace {
json body(const std::string &text) {
  return rdc::parseJsonObject(text);
}
json field(const std::string &valueText) {
  return body("{\"k\":" + valueText + "}");
}
} // namespace

TEST_CASE("optString") {
  CHECK_FALSE(rdc::optString(body("{}"), "k", 10).has_value());
  CHECK_FALSE(rdc::optString(field("null"), "k", 10).has_value());
  CHECK(rdc::optString(field("\"abc\""), "k", 10) == "abc");
  CHECK(rdc::optString(field("\"\""), "k", 10) == "");
  CHECK(rdc::optString(field("\"abc\""), "k", 3) == "abc");
  for (const std::string wrong : {"5", "true", "[]", "{}", "1.5"}) {
    CAPTURE(wrong);
    const auto err = httpErrorOf([&] { (void)rdc::optString(field(wrong), "k", 10); });
    CHECK(err.status == 400);
    CHECK(err.message == "Field 'k' must be a string");
  }
  const auto err = httpErrorOf([] { (void)rdc::optString(field("\"abcd\""), "k", 3); });
  CHECK(err.status == 400);
  CHECK(err.message == "Field 'k' is too long (max 3 bytes)");
  // The limit is in bytes: "é" is two.
  CHECK(httpErrorOf([] { (void)rdc::optString(field("\"\xc3\xa9\""), "k", 1); }).message ==
        "Field 'k' is too long (max 1 bytes)");
}

TEST_CASE("requireString") {
  CHECK(rdc::requireString(field("\"x\""), "k", 10) == "x");
  for (const std::string text : {"{}", "{\"k\":null}", "{\"other\":\"x\"}"}) {
    CAPTURE(text);
    const auto err = httpErrorOf([&] { (void)rdc::requireString(body(text), "k", 10); });
    CHECK(err.status == 400);
    CHECK(err.message == "Field 'k' is required");
  }
  CHECK(httpErrorOf([] { (void)rdc::requireString(field("7"), "k", 10); }).message ==
        "Field 'k' must be a string");
}

TEST_CASE("optObject") {
  CHECK(rdc::optObject(body("{}"), "k") == nullptr);
  CHECK(rdc::optObject(field("null"), "k") == nullptr);
  const json j = field("{\"os\":\"linux\"}");
  const json *inner = rdc::optObject(j, "k");
  REQUIRE(inner != nullptr);
  CHECK(inner->at("os") == "linux");
  for (const std::string wrong : {"[]", "\"x\"", "0", "false"}) {
    CAPTURE(wrong);
    CHECK(httpErrorOf([&] { (void)rdc::optObject(field(wrong), "k"); }).message ==
          "Field 'k' must be an object");
  }
}

TEST_CASE("optInt64 accepts exactly the int64 range of JSON integers") {
  const std::string msg = "Field 'k' must be an integer between "
                          "-9223372036854775808 and 9223372036854775807";
  CHECK_FALSE(rdc::optInt64(body("{}"), "k").has_value());
  CHECK_FALSE(rdc::optInt64(field("null"), "k").has_value());
  CHECK(rdc::optInt64(field("0"), "k") == 0);
  CHECK(rdc::optInt64(field("-5"), "k") == -5);
  CHECK(rdc::optInt64(field("9223372036854775807"), "k") == std::numeric_limits<int64_t>::max());
  CHECK(rdc::optInt64(field("-9223372036854775808"), "k") == std::numeric_limits<int64_t>::min());
  for (const std::string wrong :
       {"9223372036854775808", "18446744073709551615", "-9223372036854775809",
        "123456789012345678901234567890", "1.5", "5.0", "1e3", "\"5\"", "true", "[]"}) {
    CAPTURE(wrong);
    const auto err = httpErrorOf([&] { (void)rdc::optInt64(field(wrong), "k"); });
    CHECK(err.status == 400);
    CHECK(err.message == msg);
  }
}

TEST_CASE("optUint64 accepts the full u64 range (RustDesk session_id)") {
  const std::string msg = "Field 'k' must be an integer between 0 and 18446744073709551615";
  CHECK_FALSE(rdc::optUint64(field("null"), "k").has_value());
  CHECK(rdc::optUint64(field("0"), "k") == 0u);
  CHECK(rdc::optUint64(field("18446744073709551615"), "k") == std::numeric_limits<uint64_t>::max());
  CHECK(rdc::optUint64(field("9223372036854775808"), "k") == uint64_t{9223372036854775808u});
  // A value built in code is a signed integer; non-negative ones are fine.
  CHECK(rdc::optUint64(json{{"k", 42}}, "k") == 42u);
  for (const std::string wrong : {"-1", "18446744073709551616", "123456789012345678901234567890",
                                  "1e3", "2.5", "\"1\"", "false"}) {
    CAPTURE(wrong);
    const auto err = httpErrorOf([&] { (void)rdc::optUint64(field(wrong), "k"); });
    CHECK(err.status == 400);
    CHECK(err.message == msg);
  }
}

TEST_CASE("optBool") {
  CHECK_FALSE(rdc::optBool(field("null"), "k").has_value());
  CHECK(rdc::optBool(field("true"), "k") == true);
  CHECK(rdc::optBool(field("false"), "k") == false);
  for (const std::string wrong : {"1", "0", "\"true\"", "{}"}) {
    CAPTURE(wrong);
    CHECK(httpErrorOf([&] { (void)rdc::optBool(field(wrong), "k"); }).message ==
          "Field 'k' must be a boolean");
  }
}

TEST_CASE("readers treat a non-object as having no fields") {
  const json arr = json::array({1, 2});
  CHECK_FALSE(rdc::optString(arr, "k", 10).has_value());
  CHECK(rdc::optObject(arr, "k") == nullptr);
  CHECK(httpErrorOf([&] { (void)rdc::requireString(arr, "k", 10); }).message ==
        "Field 'k' is required");
}
