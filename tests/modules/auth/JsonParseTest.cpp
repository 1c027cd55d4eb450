// rdc::parseJsonObject: what a module sees for every kind of request body.
#include "HttpErrorCapture.h"

#include <rdconsole/json.hpp>

#include <doctest/doctest.h>

#include <string>

namespace {

const std::string kNotObject = "Request body must be a JSON object";
const std::string kNotJson = "Request body is not valid JSON: ";

CapturedError parseError(const std::string &body, bool allowEmpty = false) {
  return httpErrorOf([&] { (void)rdc::parseJsonObject(body, allowEmpty); });
}

bool isPlainAscii(const std::string &s) {
  for (unsigned char c : s)
    if (c < 0x20 || c >= 0x7f)
      return false;
  return true;
}

std::string nested(int levels) {
  return "{\"a\":" + std::string(levels - 1, '[') + std::string(levels - 1, ']') + "}";
}

} // namespace

TEST_CASE("a JSON object body parses into that object") {
  const auto j = rdc::parseJsonObject(R"({"username":"alice","n":1})");
  CHECK(j.at("username") == "alice");
  CHECK(j.at("n") == 1);
}

TEST_CASE("an empty or whitespace body is refused unless allowed") {
  for (const std::string body : {"", " ", "\r\n\t "}) {
    CAPTURE(body);
    const auto err = parseError(body);
    CHECK(err.status == 400);
    CHECK(err.message == kNotObject);
    const auto j = rdc::parseJsonObject(body, true);
    CHECK(j.is_object());
    CHECK(j.empty());
  }
}

TEST_CASE("JSON that is not an object is refused even when empty is allowed") {
  for (const std::string body : {"[]", "[1,2]", "\"text\"", "null", "5", "true"}) {
    CAPTURE(body);
    CHECK(parseError(body).message == kNotObject);
    CHECK(parseError(body, true).message == kNotObject);
    CHECK(parseError(body).status == 400);
  }
}

TEST_CASE("malformed JSON names a short reason and position") {
  const auto err = parseError("{");
  CHECK(err.status == 400);
  CHECK(err.message == kNotJson + "syntax error while parsing object key - unexpected "
                                  "end of input; expected string literal (line 1, "
                                  "column 2)");
  CHECK(parseError("{\"a\":1,}").message.rfind(kNotJson, 0) == 0);
  CHECK(parseError("{} trailing").message.rfind(kNotJson, 0) == 0);
  CHECK(parseError("{'a':1}").message.rfind(kNotJson, 0) == 0);
}

TEST_CASE("the error message never echoes the raw body") {
  const auto err = parseError("secretpassword123");
  CHECK(err.message == kNotJson + "syntax error while parsing value - invalid literal (line 1, "
                                  "column 1)");
  CHECK(err.message.find("secret") == std::string::npos);
}

TEST_CASE("invalid UTF-8 is refused with an ASCII-only message") {
  for (const std::string &body :
       {std::string("{\"a\":\"\xff\"}"), std::string("{\"a\":\"\xc0\xaf\"}"),
        std::string("{\"a\":\"\xed\xa0\x80\"}"), std::string("{\"a\":\"x\xc3\"}"),
        std::string("{\"\xfe\":1}")}) {
    CAPTURE(body);
    const auto err = parseError(body);
    CHECK(err.status == 400);
    CHECK(err.message.rfind(kNotJson, 0) == 0);
    CHECK(err.message.find("ill-formed UTF-8") != std::string::npos);
    CHECK(isPlainAscii(err.message));
  }
  // Valid multi-byte UTF-8 is fine.
  CHECK(rdc::parseJsonObject("{\"a\":\"\xc3\xa9\xe2\x82\xac\"}").at("a") == "\xc3\xa9\xe2\x82\xac");
}

TEST_CASE("numbers beyond double range are refused but big integers parse") {
  for (const std::string n : {"1e999", "-1e999", "1E400"}) {
    CAPTURE(n);
    const auto err = parseError("{\"a\":" + n + "}");
    CHECK(err.status == 400);
    CHECK(err.message == kNotJson + "number out of range");
  }
  // Representable (approximately) as a double: parses; the typed readers
  // refuse it as an integer (see JsonFieldsTest).
  const auto j = rdc::parseJsonObject("{\"a\":123456789012345678901234567890}");
  CHECK(j.at("a").is_number_float());
}

TEST_CASE("nesting deeper than kMaxJsonDepth is refused before parsing") {
  CHECK(rdc::parseJsonObject(nested(rdc::kMaxJsonDepth)).is_object());
  const auto err = parseError(nested(rdc::kMaxJsonDepth + 1));
  CHECK(err.status == 400);
  CHECK(err.message == "Request body is nested too deeply (max 64 levels)");
  // A hostile 1 MB of '[' is refused without recursion or a crash.
  CHECK(parseError(std::string(1 << 20, '[')).message ==
        "Request body is nested too deeply (max 64 levels)");
}

TEST_CASE("brackets inside strings do not count as nesting") {
  const std::string deepText(1000, '[');
  const auto j = rdc::parseJsonObject("{\"a\":\"" + deepText + "\\\"" + deepText + "\"}");
  CHECK(j.at("a") == deepText + "\"" + deepText);
}
