// Bad input on the agent endpoints: a clear 4xx {"error":...} (never a 5xx,
// which the client's hbbs proxy would replay, client-truth §1.1), and nothing
// registered, pinned or stored afterwards.
#include "harness/AgentClient.h"
#include "harness/RawHttp.h"

#include <doctest/doctest.h>

using namespace harness;
using namespace harness::agent;
using nlohmann::json;

namespace {

struct Bad {
  std::string what;
  std::string body; // raw bytes
  std::string id;   // the id it names, if any ("" = none usable)
};

std::string str(const json &j) {
  return j.dump();
}

const std::string kUuid = device(0).uuid;

// Cases both endpoints share: the envelope and the id/uuid rules.
std::vector<Bad> commonCases() {
  std::string id65(65, '7');
  return {
      {"empty body", "", ""},
      {"not JSON", "id=1&uuid=2", ""},
      {"truncated JSON", R"({"id":"800000001","uuid":")" + kUuid, "800000001"},
      {"a JSON array", str(json::array({{{"id", "800000002"}, {"uuid", kUuid}}})), "800000002"},
      {"a JSON string", R"("800000003")", "800000003"},
      {"JSON null", "null", ""},
      {"a number", "42", ""},
      {"id missing", str({{"uuid", kUuid}}), ""},
      {"id a number", str({{"id", 800000004}, {"uuid", kUuid}}), "800000004"},
      {"id null", str({{"id", nullptr}, {"uuid", kUuid}}), ""},
      {"id an array", str({{"id", json::array({"800000005"})}, {"uuid", kUuid}}), "800000005"},
      {"id empty", str({{"id", ""}, {"uuid", kUuid}}), ""},
      {"id 65 bytes", str({{"id", id65}, {"uuid", kUuid}}), id65},
      {"uuid missing", str({{"id", "800000006"}}), "800000006"},
      {"uuid empty", str({{"id", "800000007"}, {"uuid", ""}}), "800000007"},
      {"uuid a number", str({{"id", "800000008"}, {"uuid", 12345}}), "800000008"},
      {"uuid 257 bytes", str({{"id", "800000009"}, {"uuid", std::string(257, 'A')}}), "800000009"},
      {"invalid UTF-8 in the id",
       "{\"id\":\"80000\xff"
       "0010\",\"uuid\":\"" +
           kUuid + "\"}",
       ""},
      {"invalid UTF-8 in the uuid", "{\"id\":\"800000011\",\"uuid\":\"ab\xc3\x28\"}", "800000011"},
      {"invalid UTF-8 in another key",
       "{\"id\":\"800000012\",\"uuid\":\"" + kUuid + "\",\"hostname\":\"\xed\xa0\x80\"}",
       "800000012"},
  };
}

std::vector<Bad> heartbeatCases() {
  auto c = commonCases();
  auto hb = [](const std::string &id, const json &extra) {
    json j = {{"id", id}, {"uuid", kUuid}};
    for (const auto &[k, v] : extra.items())
      j[k] = v;
    return j.dump();
  };
  std::vector<Bad> more = {
      {"ver as a string", hb("800000020", {{"ver", "1004090"}}), "800000020"},
      {"ver a fraction", hb("800000021", {{"ver", 1.5}}), "800000021"},
      {"ver a bool", hb("800000022", {{"ver", true}}), "800000022"},
      {"modified_at as a string", hb("800000023", {{"modified_at", "0"}}), "800000023"},
      {"conns a string", hb("800000024", {{"conns", "5"}}), "800000024"},
      {"conns an object", hb("800000025", {{"conns", {{"a", 5}}}}), "800000025"},
      {"conns a number", hb("800000026", {{"conns", 5}}), "800000026"},
      {"conns with strings", hb("800000027", {{"conns", json::array({5, "6"})}}), "800000027"},
      {"conns with a fraction", hb("800000028", {{"conns", json::array({5.5})}}), "800000028"},
      {"conns with null", hb("800000029", {{"conns", json::array({nullptr})}}), "800000029"},
      {"conns beyond i32", hb("800000030", {{"conns", json::array({2147483648LL})}}), "800000030"},
      {"conns below i32", hb("800000031", {{"conns", json::array({-2147483649LL})}}), "800000031"},
  };
  c.insert(c.end(), more.begin(), more.end());
  return c;
}

// Every bad request: 400 with an error, then the id (if usable) is still
// free: not listed, and a good request with ANOTHER uuid is accepted (the bad
// one pinned nothing).
void runCases(const TestServer &s, const std::string &path, const std::vector<Bad> &cases) {
  for (const auto &c : cases) {
    auto r = s.http().request("POST", path, c.body, {{"Content-Type", "application/json"}});
    INFO("POST " << path << " (" << c.what << ") body [" << c.body << "] -> " << r.describe());
    expectError(r, 400);
  }
  std::string out = cliOk(s, {"list"});
  INFO("devices list after the bad requests:\n" << out);
  CHECK(list(s).empty());
  for (const auto &c : cases)
    if (!c.id.empty() && c.id.size() <= 64) {
      INFO(c.what << ": " << c.id);
      CHECK(out.find(c.id) == std::string::npos);
      Device other{c.id, otherUuid(std::stoi(c.id.substr(c.id.size() - 4)))};
      expectHeartbeat(heartbeat(s, heartbeatBody(other)));
    }
}

} // namespace

TEST_CASE("Agent bad input: heartbeat refuses each malformed body with 400 and registers nothing") {
  TestServer s(options({"agent-loop.max_requests_per_device=1000000"}));
  s.start();
  runCases(s, "/api/heartbeat", heartbeatCases());
}

TEST_CASE("Agent bad input: sysinfo refuses each malformed body with 400 and stores nothing") {
  TestServer s(options({"agent-loop.max_requests_per_device=1000000"}));
  s.start();
  runCases(s, "/api/sysinfo", commonCases());
}

TEST_CASE("Agent bad input: the id and uuid limits are inclusive (64 and 256 bytes)") {
  TestServer s(options());
  s.start();
  Device d{std::string(64, '8'), std::string(256, 'Q')};
  CHECK(beat(s, d).contains("sysinfo"));
  upload(s, d);
  CHECK(heartbeat(s, heartbeatBody(d)).body == "{}");
  CHECK(cliOk(s, {"list"}).find(d.id) != std::string::npos);
}

TEST_CASE("Agent bad input: sysinfo over agent-loop.max_sysinfo_bytes is 413, under it is stored") {
  TestServer s(options());
  s.start();
  Device big = device(40), fits = device(41);
  json body = sysinfoBody(big, {{"cpu", std::string(100 * 1024, 'x')}});
  std::string raw = rawExchange(
      s.host(), s.port(),
      rawRequest("POST", "/api/sysinfo", body.dump(), "Content-Type: application/json\r\n"));
  auto r = parseResponse(raw);
  REQUIRE_MESSAGE(r.has_value(),
                  "no HTTP reply to a 100 KB sysinfo: [" << raw.substr(0, 300) << "]");
  INFO("POST /api/sysinfo with " << body.dump().size() << " bytes -> " << r->describe());
  expectError(*r, 413);
  // Nothing stored, nothing pinned: the device still gets asked for its sysinfo.
  CHECK(cliOk(s, {"list"}).find(big.id) == std::string::npos);
  CHECK(beat(s, big).contains("sysinfo"));

  // 60 KB is within the default 64 KiB cap.
  upload(s, fits, {{"cpu", std::string(60 * 1024, 'y')}});
  CHECK(heartbeat(s, heartbeatBody(fits)).body == "{}");
}

TEST_CASE("Agent bad input: a lowered max_sysinfo_bytes applies") {
  TestServer s(options({"agent-loop.max_sysinfo_bytes=1024"}));
  s.start();
  Device d = device(42);
  auto r = sysinfo(s, sysinfoBody(d, {{"cpu", std::string(2000, 'x')}}));
  expectError(r, 413);
  upload(s, d); // the normal body is well under 1 KiB
}

TEST_CASE("Agent bad input: no 5xx and no hang for odd but well-formed requests") {
  TestServer s(options());
  s.start();
  Device d = device(43);
  // A chunked body (no Content-Length) is still one heartbeat.
  auto r = s.http().request("POST", "/api/heartbeat", heartbeatBody(d).dump(),
                            {{"Content-Type", "application/json"}}, true);
  INFO(r.describe());
  expectHeartbeat(r);
  // No Content-Type at all.
  r = s.http().request("POST", "/api/heartbeat", heartbeatBody(d).dump(), {{"Content-Type", ""}});
  INFO(r.describe());
  CHECK(r.status < 500);
  // Deeply nested unknown key.
  std::string deep = std::string(1000, '[') + std::string(1000, ']');
  r = post(s, "/api/heartbeat",
           R"({"id":")" + d.id + R"(","uuid":")" + d.uuid + R"(","x":)" + deep + "}");
  INFO(r.describe());
  CHECK(r.status < 500);
  // The server is fine afterwards.
  expectHeartbeat(heartbeat(s, heartbeatBody(d)));
}
