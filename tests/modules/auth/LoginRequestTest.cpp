// Validation of the POST /api/login body (modules/auth/login_request.cpp).
#include "HttpErrorCapture.h"
#include "login_request.h"

#include <rdconsole/json.hpp>

#include <doctest/doctest.h>

#include <string>

namespace {

auth::LoginRequest parse(const std::string &body) {
  return auth::parseLoginRequest(rdc::parseJsonObject(body));
}
CapturedError errorOf(const std::string &body) {
  return httpErrorOf([&] { (void)parse(body); });
}

} // namespace

TEST_CASE("the stock client's password login body") {
  const auto r = parse(R"({"username":"alice","password":"pw","id":"123456789",
    "uuid":"OWQ1YjM2ZTQ=","autoLogin":true,"type":"account",
    "deviceInfo":{"os":"linux","type":"client","name":"laptop"}})");
  CHECK(r.username == "alice");
  CHECK(r.password == "pw");
  CHECK(r.deviceId == "123456789");
  CHECK(r.deviceUuid == "OWQ1YjM2ZTQ=");
  CHECK(r.deviceOs == "linux");
  CHECK(r.deviceName == "laptop");
}

TEST_CASE("only username and password are required and null is absent") {
  auto r = parse(R"({"username":"a","password":""})");
  CHECK(r.username == "a");
  CHECK(r.password.empty());
  CHECK(r.deviceId.empty());
  CHECK(r.deviceUuid.empty());
  CHECK(r.deviceOs.empty());
  r = parse(R"({"username":"a","password":"p","type":null,"id":null,"uuid":null,
    "deviceInfo":null,"autoLogin":null})");
  CHECK(r.deviceId.empty());
  r = parse(R"({"username":"a","password":"p","deviceInfo":{"os":null,"name":"n"}})");
  CHECK(r.deviceOs.empty());
  CHECK(r.deviceName == "n");
}

TEST_CASE("login types") {
  CHECK(parse(R"({"type":"account","username":"a","password":"p"})").username == "a");
  auto err = errorOf(R"({"type":"email_code","username":"a","verificationCode":"123456"})");
  CHECK(err.status == 400);
  CHECK(err.message == "Verification codes are not enabled on this server");
  err = errorOf(R"({"type":"oidc/google","username":"a","password":"p"})");
  CHECK(err.status == 400);
  CHECK(err.message == "Unsupported login type 'oidc/google'");
  CHECK(errorOf(R"({"type":5,"username":"a","password":"p"})").message ==
        "Field 'type' must be a string");
}

TEST_CASE("missing or empty or mistyped or oversized fields") {
  struct Case {
    const char *body;
    const char *message;
  };
  const std::string name256(256, 'n'), name257(257, 'n');
  const std::string pw1025(1025, 'p');
  for (const Case &c : {
           Case{R"({"password":"p"})", "Field 'username' is required"},
           Case{R"({"username":null,"password":"p"})", "Field 'username' is required"},
           Case{R"({"username":"","password":"p"})", "Field 'username' must not be empty"},
           Case{R"({"username":5,"password":"p"})", "Field 'username' must be a string"},
           Case{R"({"username":"a"})", "Field 'password' is required"},
           Case{R"({"username":"a","password":["p"]})", "Field 'password' must be a string"},
           Case{R"({"username":"a","password":"p","id":123456789})", "Field 'id' must be a string"},
           Case{R"({"username":"a","password":"p","uuid":{}})", "Field 'uuid' must be a string"},
           Case{R"({"username":"a","password":"p","deviceInfo":"linux"})",
                "Field 'deviceInfo' must be an object"},
           Case{R"({"username":"a","password":"p","deviceInfo":{"os":1}})",
                "Field 'os' must be a string"},
           Case{R"({"username":"a","password":"p","deviceInfo":{"type":false}})",
                "Field 'type' must be a string"},
           Case{R"({"username":123456789012345678901234567890,"password":"p"})",
                "Field 'username' must be a string"},
       }) {
    CAPTURE(c.body);
    const auto err = errorOf(c.body);
    CHECK(err.status == 400);
    CHECK(err.message == c.message);
  }
  CHECK(parse(R"({"username":")" + name256 + R"(","password":"p"})").username == name256);
  CHECK(errorOf(R"({"username":")" + name257 + R"(","password":"p"})").message ==
        "Field 'username' is too long (max 256 bytes)");
  CHECK(errorOf(R"({"username":"a","password":")" + pw1025 + R"("})").message ==
        "Field 'password' is too long (max 1024 bytes)");
  CHECK(errorOf(R"({"username":"a","password":"p","uuid":")" + name257 + R"("})").message ==
        "Field 'uuid' is too long (max 256 bytes)");
}

TEST_CASE("unknown keys and any autoLogin value are ignored") {
  const auto r = parse(R"({"username":"a","password":"p","autoLogin":"yes",
    "mobile":123456789012345678901234567890,"extra":{"x":[1,2]}})");
  CHECK(r.username == "a");
}

TEST_CASE("an unrepresentable number anywhere refuses the body") {
  const auto err =
      httpErrorOf([] { (void)parse(R"({"username":"a","password":"p","autoLogin":1e999})"); });
  CHECK(err.status == 400);
  CHECK(err.message == "Request body is not valid JSON: number out of range");
}
