// The agent loop as a stock RustDesk service runs it (client-truth §4 S12,
// §2.24-2.26, §5.16-5.17): no auth, the sysinfo reply byte-exact, heartbeat
// replies that never carry "error" and carry "sysinfo" only while the server
// wants an upload; /api/sysinfo_ver for clients <= 1.4.0.
#include "harness/AgentClient.h"

#include <doctest/doctest.h>

using namespace harness;
using namespace harness::agent;
using nlohmann::json;

TEST_CASE("Agent S12: sysinfo first, then heartbeats answer exactly {}") {
  TestServer s(options());
  s.start();
  Device d = device(1);

  // Step 1: the upload, byte-exact (no quotes, no newline).
  json body = sysinfoBody(d);
  auto r = sysinfo(s, body);
  INFO("POST /api/sysinfo " << body.dump() << " -> " << r.describe());
  expectSysinfoUpdated(r);

  // Step 2, same tick: stored synchronously, so the very next heartbeat
  // already has nothing to ask.
  auto hb = heartbeat(s, heartbeatBody(d));
  expectHeartbeat(hb);
  CHECK(hb.body == "{}");

  // Step 3: with live connections, still {} (no disconnect queued).
  auto withConns = heartbeat(s, heartbeatBody(d, {5, 6}));
  expectHeartbeat(withConns);
  CHECK(withConns.body == "{}");
  auto again = heartbeat(s, heartbeatBody(d));
  expectHeartbeat(again);
  CHECK(again.body == "{}");
}

TEST_CASE("Agent S12: a heartbeat before any sysinfo asks for it, and stops asking after") {
  TestServer s(options());
  s.start();
  Device d = device(2);

  json first = beat(s, d);
  INFO("first heartbeat reply " << first.dump());
  CHECK(first.contains("sysinfo"));
  CHECK_FALSE(first.contains("disconnect"));
  // Still asking until the upload arrives (the client uploads on the next tick).
  CHECK(beat(s, d, {7}).contains("sysinfo"));

  upload(s, d);
  auto hb = heartbeat(s, heartbeatBody(d));
  expectHeartbeat(hb);
  CHECK(hb.body == "{}");
  auto hb2 = heartbeat(s, heartbeatBody(d, {7}));
  expectHeartbeat(hb2);
  CHECK(hb2.body == "{}");
}

TEST_CASE("Agent S12: a re-upload with the same uuid replaces the stored sysinfo") {
  TestServer s(options());
  s.start();
  Device d = device(3);
  upload(s, d);
  // The username changed (client-truth §2.26 "When sent"): a second upload.
  upload(s, d, {{"username", "bob"}, {"version", "1.4.10"}, {"hostname", "PC1-renamed"}});
  CHECK(heartbeat(s, heartbeatBody(d)).body == "{}");
  auto rows = list(s);
  REQUIRE(rows.count(d.id) == 1);
  INFO(rows[d.id].line);
  CHECK(rows[d.id].version == "1.4.10");
  CHECK(rows[d.id].hostname == "PC1-renamed");
}

TEST_CASE("Agent S12: unknown keys are ignored and optional fields may be absent or null") {
  TestServer s(options());
  s.start();
  Device d = device(4);
  // An older client: no ver, no modified_at, no conns.
  auto r = heartbeat(s, json{{"id", d.id}, {"uuid", d.uuid}});
  CHECK(expectHeartbeat(r).contains("sysinfo"));
  // Explicit nulls and keys this slice does not know.
  r = heartbeat(s, json{{"id", d.id},
                        {"uuid", d.uuid},
                        {"ver", nullptr},
                        {"modified_at", nullptr},
                        {"conns", nullptr},
                        {"future", {{"x", json::array({1, "two"})}}}});
  expectHeartbeat(r);
  // Extremes of the documented widths: modified_at i64, conns i32.
  r = heartbeat(s, json{{"id", d.id},
                        {"uuid", d.uuid},
                        {"ver", kVer},
                        {"modified_at", 9223372036854775807LL},
                        {"conns", json::array({0, 2147483647, -2147483648LL})}});
  expectHeartbeat(r);
  // Sysinfo with extra preset keys and without the optional username.
  json body = sysinfoBody(d, {{"preset-user-name", "alice"}, {"preset-device-group-name", "Eng"}});
  body.erase("username");
  expectSysinfoUpdated(sysinfo(s, body));
  CHECK(heartbeat(s, heartbeatBody(d)).body == "{}");
}

TEST_CASE("Agent S12: the request's Content-Type variants are all accepted") {
  TestServer s(options());
  s.start();
  Device d = device(5);
  // The Rust stack sends application/json; some requests add a charset (§5.9).
  auto r = s.http().request("POST", "/api/sysinfo", sysinfoBody(d).dump(),
                            {{"Content-Type", "application/json; charset=utf-8"}});
  expectSysinfoUpdated(r);
  r = s.http().request("POST", "/api/heartbeat", heartbeatBody(d).dump(),
                       {{"Content-Type", "application/json"}, {"Accept-Encoding", "gzip, zstd"}});
  expectHeartbeat(r);
  CHECK(r.body == "{}");
}

TEST_CASE("Agent sysinfo_ver: a stable opaque string, empty body or any body") {
  TestServer s(options());
  s.start();
  auto a = sysinfoVer(s); // <= 1.4.0 clients send no body
  INFO(a.describe());
  REQUIRE(a.status == 200);
  CHECK(a.header("Content-Type").value_or("") == kTextContentType);
  CHECK_FALSE(a.body.empty());
  CHECK(a.body.find('"') == std::string::npos); // compared raw by old clients: no JSON quoting
  CHECK(a.body.find('\n') == std::string::npos);
  auto b = sysinfoVer(s, "{}");
  auto c = sysinfoVer(s, "not even json");
  auto d = s.http().request("POST", "/api/sysinfo_ver", "", {{"Content-Type", "application/json"}});
  for (const auto *r : {&b, &c, &d}) {
    INFO(r->describe());
    CHECK(r->status == 200);
    CHECK(r->body == a.body);
  }
  // Stable across a restart with the same configuration: otherwise every old
  // client would re-upload after each restart.
  REQUIRE(s.stop() == 0);
  s.start();
  CHECK(sysinfoVer(s).body == a.body);
}

TEST_CASE("Agent sysinfo_ver: changes when agent-loop.sysinfo_version changes") {
  std::string v1, v2;
  {
    TestServer s(options());
    s.start();
    auto r = sysinfoVer(s);
    REQUIRE(r.status == 200);
    v1 = r.body;
  }
  {
    TestServer s(options({"agent-loop.sysinfo_version=2"}));
    s.start();
    auto r = sysinfoVer(s);
    INFO(r.describe());
    REQUIRE(r.status == 200);
    CHECK(r.header("Content-Type").value_or("") == kTextContentType);
    v2 = r.body;
    CHECK(sysinfoVer(s).body == v2);
  }
  INFO("version 1: [" << v1 << "] version 2: [" << v2 << "]");
  CHECK_FALSE(v2.empty());
  CHECK(v1 != v2);
}
