// The probe fixture module proves every part of the host table end to end.
#include "harness/Accounts.h"
#include "harness/JsonChecks.h"
#include "harness/Poll.h"
#include "harness/RawHttp.h"

// The ABI version this build's host and SDK modules declare (RDC_ABI_MINOR):
// a minor bump must not need these expectations edited.
#include "../../plugins-api/rdconsole/module.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <limits>
#include <random>

using namespace harness;

namespace {
std::string fnv1a64Hex(const std::string &data) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string randomBytes(size_t n) {
  std::mt19937 gen(12345);
  std::string s(n, '\0');
  for (auto &c : s)
    c = static_cast<char>(gen() & 0xFF);
  return s;
}
} // namespace

TEST_CASE("probe: path params query decoding headers client IP and method reach the module") {
  TestServer s;
  s.start();
  auto r = s.http().get("/fixture/echo/first/second?q=a%20b%2Bc+d%C3%A9&other=1",
                        {{"x-probe-header", "hello header"}});
  INFO(r.describe());
  REQUIRE(r.status == 200);
  CHECK(r.header("Content-Type").value_or("") == kJsonContentType);
  auto j = r.json();
  CHECK(j["a"] == "first");
  CHECK(j["b"] == "second");
  CHECK(j["q"] == "a b+c d\xC3\xA9");
  CHECK(j["header"] == "hello header");
  CHECK(j["ip"] == "127.0.0.1");
  CHECK(j["method"] == "GET");
  CHECK(j["path"] == "/fixture/echo/first/second");
  CHECK(j["missing_param_status"] == 2); // RDC_NOT_FOUND

  auto none = s.http().get("/fixture/echo/x/y").json();
  CHECK(none["q"].is_null());
  CHECK(none["header"].is_null());

  // A GET route answers HEAD with the same headers and no body.
  auto head = parseResponse(
      rawExchange(s.host(), s.port(), rawRequest("HEAD", "/fixture/echo/x/y", "")), false);
  REQUIRE(head.has_value());
  CHECK(head->status == 200);
  CHECK(head->body.empty());

  // A path with a missing segment does not match.
  expectError(s.http().get("/fixture/echo/only-one"), 404);
}

TEST_CASE("probe: request bodies arrive intact") {
  TestServer s;
  s.start();
  std::string body = randomBytes(300 * 1024);
  auto r = s.http().post("/fixture/body", body, {{"Content-Type", "application/octet-stream"}});
  INFO(r.describe());
  REQUIRE(r.status == 200);
  CHECK(r.json()["length"] == body.size());
  CHECK(r.json()["fnv1a64"] == fnv1a64Hex(body));

  auto empty = s.http().post("/fixture/body", "");
  CHECK(empty.json()["length"] == 0);

  // The 4 MiB route limit wins over the 1 MiB server default.
  std::string big = randomBytes(3 * 1024 * 1024);
  auto b = s.http().post("/fixture/big", big, {{"Content-Type", "application/octet-stream"}});
  INFO(b.describe());
  REQUIRE(b.status == 200);
  CHECK(b.json()["fnv1a64"] == fnv1a64Hex(big));
  // Over the limits (sent over a raw socket that reads while it sends; see
  // BadInputTest for clients that send everything first).
  auto overBig = parseResponse(
      rawExchange(s.host(), s.port(),
                  rawRequest("POST", "/fixture/big", std::string(4 * 1024 * 1024 + 1, 'x'))));
  REQUIRE(overBig.has_value());
  expectError(*overBig, 413, "Request body too large (limit 4194304 bytes)");
  auto overDefault = parseResponse(rawExchange(
      s.host(), s.port(), rawRequest("POST", "/fixture/body", std::string(1024 * 1024 + 1, 'x'))));
  REQUIRE(overDefault.has_value());
  expectError(*overDefault, 413, "Request body too large (limit 1048576 bytes)");
}

TEST_CASE("probe: database round trip with migrations and transactions") {
  TestServer s;
  s.start();
  const std::string text = "grüße ✓ 日本語 🎉 \"quoted\" \\ back";
  auto r = s.http().post("/fixture/db", nlohmann::json{{"text", text}}.dump());
  INFO(r.describe());
  REQUIRE(r.status == 200);
  auto j = r.json();
  CHECK(j["min"] == std::numeric_limits<int64_t>::min());
  CHECK(j["max"] == std::numeric_limits<int64_t>::max());
  CHECK(j["text"] == text);
  CHECK(j["null_is_null"] == true);
  CHECK(j["null_columns"] == nlohmann::json::array({false, false, false, true, false}));
  CHECK(j["real"] == 0.5);
  CHECK(j["columns"] == 5);
  CHECK(j["more_rows"] == false);
  CHECK(j["after_reset_same_row"] == true);
  CHECK(j["duplicate"] == "conflict");
  CHECK(j["rows_with_tag"] == 1);
  CHECK(j["seed_rows"] == 1); // migration 2's second statement ran once

  auto rb = s.http().post("/fixture/db", R"({"rollback":true})");
  INFO(rb.describe());
  REQUIRE(rb.status == 200);
  CHECK(rb.json()["rows_inside_transaction"] == 1);
  CHECK(rb.json()["rows_after_rollback"] == 0);

  // A restart keeps the data and does not re-run migrations.
  REQUIRE(s.stop() == 0);
  s.start();
  auto again = s.http().post("/fixture/db", "{}");
  INFO(again.describe() << s.log());
  REQUIRE(again.status == 200);
  CHECK(again.json()["seed_rows"] == 1);
}

TEST_CASE("probe: module configuration comes from --set probe.greeting") {
  TestServer s(ServerOptions().set("probe.greeting=hello"));
  s.start();
  auto j = s.http().get("/fixture/config").json();
  CHECK(j["greeting"] == "hello");
  CHECK(j["unset_found"] == false);
}

TEST_CASE("probe: an unset module key reads as absent") {
  TestServer s;
  s.start();
  CHECK(s.http().get("/fixture/config").json()["greeting"].is_null());
}

TEST_CASE("probe: user and admin route levels") {
  TestServer s;
  s.start();
  addUser(s, "alice", "correct horse battery");
  addUser(s, "root2", "another long password", {"--admin"});
  std::string user = loginToken(s, "alice", "correct horse battery");
  std::string admin = loginToken(s, "root2", "another long password");

  expectError(s.http().get("/fixture/user"), 401, "Authentication required");
  expectError(s.http().get("/fixture/user", bearer("nonsense")), 401, "Invalid or expired token");
  auto u = s.http().get("/fixture/user", bearer(user));
  INFO(u.describe());
  REQUIRE(u.status == 200);
  auto uj = u.json();
  CHECK(uj["name"] == "alice");
  CHECK(uj["is_admin"] == false);
  CHECK(uj["token_user_id"] == uj["id"]);
  CHECK(uj["token_expires_in_future"] == true);

  expectError(s.http().get("/fixture/admin"), 401, "Authentication required");
  expectError(s.http().get("/fixture/admin", bearer(user)), 403, "Administrator rights required");
  auto a = s.http().get("/fixture/admin", bearer(admin));
  INFO(a.describe());
  CHECK(a.status == 200);
  CHECK(a.json()["name"] == "root2");

  // NONE routes see the user only when a valid token came along.
  CHECK(s.http().get("/fixture/optional-user").json()["user"].is_null());
  CHECK(s.http().get("/fixture/optional-user", bearer("nonsense")).json()["user"].is_null());
  CHECK(s.http().get("/fixture/optional-user", bearer(user)).json()["user"] == "alice");

  auto found = s.http().get("/fixture/find/root2");
  REQUIRE(found.status == 200);
  CHECK(found.json()["is_admin"] == true);
  expectError(s.http().get("/fixture/find/nobody"), 404, "No such user");
}

TEST_CASE("probe: a throwing handler gives a 500 JSON error and the server goes on") {
  TestServer s;
  s.start();
  expectError(s.http().get("/fixture/throw"), 500, "Internal server error");
  CHECK(s.http().get("/healthz").status == 200);
  INFO(s.log());
  CHECK(s.log().find("probe: deliberate failure") != std::string::npos);
}

TEST_CASE("probe: published events are delivered to subscribers") {
  TestServer s;
  s.start();
  REQUIRE(s.http().get("/fixture/events").json()["delivered"] == 0);
  for (int i = 0; i < 3; ++i)
    REQUIRE(s.http().post("/fixture/publish", "ping-" + std::to_string(i)).status == 200);
  nlohmann::json j;
  bool delivered = pollUntil(std::chrono::seconds(10), [&] {
    j = s.http().get("/fixture/events").json();
    return j["delivered"] == 3;
  });
  INFO(j.dump());
  CHECK(delivered);
  CHECK(j["last"] == "probe.ping:ping-2"); // delivered in publish order
}

TEST_CASE("probe: host table facts and registration after init is refused") {
  TestServer s;
  s.start();
  auto abi = s.http().get("/fixture/abi").json();
  CHECK(abi["abi_major"] == RDC_ABI_MAJOR);
  CHECK(abi["abi_minor"] == RDC_ABI_MINOR);
  CHECK(abi["struct_size"].get<uint64_t>() >= abi["module_struct_size"].get<uint64_t>());
  CHECK(abi["has_now_ms"] == true);
  CHECK(abi["random_ok"] == true);
  CHECK(abi["random_distinct"] == true);
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  CHECK(std::llabs(abi["now_ms"].get<int64_t>() - now) < 60000);

  auto late = s.http().get("/fixture/late-register").json();
  INFO(late.dump());
  CHECK(late["route_add"] == 7); // RDC_STATE
  CHECK(late["migration_add"] == 7);
  CHECK(late["subscribe"] == 7);
  CHECK_FALSE(late["route_add_error"].get<std::string>().empty());
  expectError(s.http().get("/fixture/late"), 404);
}
