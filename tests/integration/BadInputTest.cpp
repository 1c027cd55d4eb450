// Bad input gets a clear 4xx JSON error, changes nothing, and the server keeps answering.
#include "harness/Accounts.h"
#include "harness/JsonChecks.h"
#include "harness/RawHttp.h"

#include <doctest/doctest.h>

using namespace harness;

namespace {
const char *const kPassword = "correct horse battery";

// After bad input the server still answers, and alice can still log in (so
// nothing counted as a failed login or changed her account).
void expectUnharmed(const TestServer &s) {
  CHECK(s.http().get("/healthz").status == 200);
  auto r = login(s, "alice", kPassword);
  INFO(r.describe());
  CHECK(r.status == 200);
}
} // namespace

TEST_CASE("routing: unknown path answers 404 JSON and wrong method 405 with Allow") {
  TestServer s;
  s.start();
  expectError(s.http().get("/no/such/path"), 404, "No such endpoint: GET /no/such/path");
  expectError(s.http().post("/api/no-such", "{}"), 404, "No such endpoint: POST /api/no-such");

  auto r = s.http().get("/api/login");
  expectError(r, 405);
  INFO(r.describe());
  REQUIRE(r.header("Allow").has_value());
  CHECK(r.header("Allow")->find("POST") != std::string::npos);

  auto r2 = s.http().post("/api/login-options", "{}");
  expectError(r2, 405);
  REQUIRE(r2.header("Allow").has_value());
  CHECK(r2.header("Allow")->find("GET") != std::string::npos);

  auto health = s.http().get("/healthz");
  CHECK(health.status == 200);
  CHECK(health.json() == nlohmann::json{{"status", "ok"}});
}

TEST_CASE("limits: bodies over the limit answer 413 JSON") {
  TestServer s(ServerOptions().set("http.max_body_bytes=1024"));
  s.start();
  addUser(s, "alice", kPassword);

  // Over-limit bodies go through a raw socket that reads while it sends: the
  // limits are the subject here, not clients that send everything first
  // (that case has its own test below).
  auto postRaw = [&](const std::string &path, const std::string &body) {
    std::string raw = rawExchange(s.host(), s.port(), rawRequest("POST", path, body));
    auto r = parseResponse(raw);
    REQUIRE_MESSAGE(r.has_value(), "no parsable reply (" << raw.size() << " bytes): " << raw);
    return *r;
  };

  // A route with the server default limit.
  expectError(postRaw("/fixture/body", std::string(2000, 'x')), 413,
              "Request body too large (limit 1024 bytes)");
  auto ok = s.http().post("/fixture/body", std::string(1000, 'x'));
  CHECK(ok.status == 200);
  CHECK(ok.json()["length"] == 1000);

  // /api/login has its own 64 KiB limit.
  std::string padded = loginBody("alice", kPassword);
  padded.insert(1, "\"pad\":\"" + std::string(70000, 'p') + "\",");
  expectError(postRaw("/api/login", padded), 413, "Request body too large (limit 65536 bytes)");

  // A lying client: 2 MB sent straight away without waiting for the reply.
  std::string raw = rawExchange(
      s.host(), s.port(), rawRequest("POST", "/fixture/body", std::string(2 * 1024 * 1024, 'y')));
  auto r = parseResponse(raw);
  REQUIRE_MESSAGE(r.has_value(),
                  "no parsable reply to an oversize body; got " << raw.size() << " bytes: " << raw);
  expectError(*r, 413);

  // Chunked bodies are counted too.
  std::string chunked = "POST /fixture/body HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 4; ++i)
    chunked += "200\r\n" + std::string(512, 'z') + "\r\n";
  chunked += "0\r\n\r\n";
  auto rc = parseResponse(rawExchange(s.host(), s.port(), chunked));
  REQUIRE(rc.has_value());
  expectError(*rc, 413);

  expectUnharmed(s);
}

TEST_CASE("login: malformed bodies answer 400 with a clear error") {
  TestServer s;
  s.start();
  addUser(s, "alice", kPassword);
  auto post = [&](const std::string &body) { return s.http().post("/api/login", body); };

  INFO("empty body");
  std::string msg = expectError(post(""), 400);
  CHECK((msg == "Request body must be a JSON object" ||
         msg.rfind("Request body is not valid JSON", 0) == 0));

  for (const char *notObject : {"[]", "\"alice\"", "42", "null", "true"}) {
    INFO("body " << notObject);
    expectError(post(notObject), 400, "Request body must be a JSON object");
  }
  for (const char *broken : {"{", "{\"username\":", "not json", "{\"username\":\"alice\",}"}) {
    INFO("body " << broken);
    std::string m = expectError(post(broken), 400);
    CHECK(m.rfind("Request body is not valid JSON", 0) == 0);
  }
}

TEST_CASE("login: wrong field types and missing fields answer 400 naming the field") {
  TestServer s;
  s.start();
  addUser(s, "alice", kPassword);
  auto post = [&](const nlohmann::json &j) { return s.http().post("/api/login", j.dump()); };
  auto base = nlohmann::json::parse(loginBody("alice", kPassword));

  auto with = [&](const char *key, nlohmann::json v) {
    auto j = base;
    j[key] = std::move(v);
    return j;
  };
  auto without = [&](const char *key) {
    auto j = base;
    j.erase(key);
    return j;
  };

  expectError(post(with("username", 1)), 400, "Field 'username' must be a string");
  expectError(post(with("password", 5)), 400, "Field 'password' must be a string");
  expectError(post(with("id", 123456789)), 400, "Field 'id' must be a string");
  expectError(post(with("uuid", nlohmann::json::array())), 400, "Field 'uuid' must be a string");
  expectError(post(with("type", 7)), 400, "Field 'type' must be a string");
  std::string m = expectError(post(with("deviceInfo", "linux")), 400);
  CHECK(m.rfind("Field 'deviceInfo' must be a", 0) == 0);
  m = expectError(post(with("deviceInfo", {{"os", 5}})), 400);
  CHECK(m.find("os") != std::string::npos);
  expectError(post(without("username")), 400, "Field 'username' is required");
  expectError(post(without("password")), 400, "Field 'password' is required");
  // null counts as absent.
  expectError(post(with("username", nullptr)), 400, "Field 'username' is required");
  expectError(post(with("username", "")), 400);
  expectError(post(with("username", std::string(300, 'a'))), 400);
  expectError(post(with("password", std::string(1100, 'a'))), 400);
  expectError(post(with("id", std::string(300, '1'))), 400);

  // Unknown keys are ignored and null optional fields are absent.
  auto extra = base;
  extra["somethingNew"] = {{"x", 1}};
  extra["id"] = nullptr;
  CHECK(post(extra).status == 200);

  expectUnharmed(s);
}

TEST_CASE("login: huge numbers answer 400 and never crash") {
  TestServer s;
  s.start();
  addUser(s, "alice", kPassword);
  auto post = [&](const std::string &body) { return s.http().post("/api/login", body); };
  expectError(post(R"({"username":1e999,"password":"x"})"), 400);
  expectError(post(R"({"username":"alice","password":123456789012345678901234567890})"), 400);
  expectError(post(R"({"username":"alice","password":"x","id":123456789012345678901234567890})"),
              400);
  expectError(post(R"({"username":"alice","password":"x","deviceInfo":{"os":-1e999}})"), 400);
  expectError(post("1e999"), 400);
  expectUnharmed(s);
}

TEST_CASE("login: invalid UTF-8 in the body answers 400") {
  TestServer s;
  s.start();
  addUser(s, "alice", kPassword);
  // Raw bytes through a raw socket: 0xC3 0x28 (bad continuation) and 0xFF.
  for (std::string bad :
       {std::string("\xC3\x28"), std::string("\xFF"), std::string("\xED\xA0\x80")}) {
    std::string body = "{\"username\":\"al" + bad + "ice\",\"password\":\"" + kPassword + "\"}";
    auto r = parseResponse(rawExchange(s.host(), s.port(), rawRequest("POST", "/api/login", body)));
    REQUIRE(r.has_value());
    expectError(*r, 400);
    body = "{\"username\":\"alice\",\"password\":\"x" + bad + "\"}";
    r = parseResponse(rawExchange(s.host(), s.port(), rawRequest("POST", "/api/login", body)));
    REQUIRE(r.has_value());
    expectError(*r, 400);
  }
  expectUnharmed(s);
}

TEST_CASE("http: malformed requests get a 4xx and the server keeps answering") {
  TestServer s;
  s.start();
  addUser(s, "alice", kPassword);
  const std::string garbage[] = {
      "GARBAGE\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
      "POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
      "POST /api/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n",
      "GET /\xFF\xFE HTTP/1.1\r\nHost: x\r\n\r\n",
  };
  for (const auto &g : garbage) {
    std::string raw = rawExchange(s.host(), s.port(), g, std::chrono::seconds(20));
    auto r = parseResponse(raw);
    INFO("request: " << g << " reply: " << raw);
    // Closing the connection is acceptable; a reply must not be a 5xx.
    if (r)
      CHECK((r->status >= 400 && r->status < 500));
  }
  expectUnharmed(s);
}

TEST_CASE("limits: a client that sends the whole oversize body before reading still gets 413") {
  // Simple clients (Poco, Dart's IOClient) write the complete body and only
  // then read the reply. Closing the connection right after the 413 without
  // draining the rest makes the kernel reset it, and such a client sees an
  // I/O error instead of the 413.
  TestServer s;
  s.start();
  HttpResponse r;
  std::string failure;
  try {
    r = s.http().post("/fixture/body", std::string(1024 * 1024 + 1, 'x'));
  } catch (const std::exception &e) {
    failure = e.what();
  }
  INFO("client error: " << failure);
  REQUIRE(failure.empty());
  expectError(r, 413, "Request body too large (limit 1048576 bytes)");
  CHECK(s.http().get("/healthz").status == 200);
}

TEST_CASE("http: a malformed chunked body is rejected and its rest is never run as a request") {
  TestServer s;
  s.start();
  // The chunk after the first one has an invalid size line whose tail is a
  // complete request. A server that stops at the bad size line and keeps the
  // connection open would run that tail as a second request (desync).
  std::string attack = "POST /api/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                       "Content-Type: application/json\r\n\r\n"
                       "5\r\n{\"a\":\r\n"
                       "ZGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  std::string raw = rawExchange(s.host(), s.port(), attack);
  INFO("reply stream: " << raw);
  auto r = parseResponse(raw);
  REQUIRE(r.has_value());
  CHECK(r->status == 400);
  CHECK(raw.find("{\"status\":\"ok\"}") == std::string::npos);
  size_t responses = 0;
  for (size_t pos = raw.find("HTTP/1."); pos != std::string::npos;
       pos = raw.find("HTTP/1.", pos + 1))
    ++responses;
  CHECK(responses == 1);
}
