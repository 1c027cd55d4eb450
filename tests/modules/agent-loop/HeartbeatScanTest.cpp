// The heartbeat scanner against the general parser: for every body, the
// scanner either gives exactly what parseHeartbeatJson gives, or steps aside.
#include "heartbeat_scan.h"

#include <rdconsole/sdk.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace agent;

namespace {

bool sameHeartbeat(const Heartbeat &a, const Heartbeat &b) {
  return a.device.id == b.device.id && a.device.uuid == b.device.uuid && a.ver == b.ver &&
         a.modifiedAt == b.modifiedAt && a.conns == b.conns;
}

// Checks the contract on one body; returns whether the scanner read it.
bool scannedLikeTheParser(const std::string &body) {
  std::optional<Heartbeat> scanned = scanPlainHeartbeat(body);
  if (!scanned)
    return false;
  INFO("body: " << body);
  Heartbeat parsed;
  try {
    parsed = parseHeartbeatJson(body);
  } catch (const rdc::HttpError &e) {
    FAIL("the scanner accepted a body the parser refuses: " << e.what());
  }
  CHECK(sameHeartbeat(*scanned, parsed));
  return true;
}

// Real client bodies (client-truth §2.24), with and without conns, and the
// 48-character uuid of a Windows client.
const std::vector<std::string> kClientBodies = {
    R"({"id":"123456789","uuid":"ZjViYzQ2ZTgtYjM1Ny00YjY4LWE0ZjMtOTg3NjU0MzIxMGFi","ver":1004090,"modified_at":0})",
    R"({"id":"123456789","uuid":"MTIzNDU2Nzg5MGFiY2RlZjEyMzQ1Njc4OTBhYmNkZWYK","ver":1004090,"conns":[5,-7,2147483647],"modified_at":1700000000})",
    "{ \"id\" : \"my-pc_01\" ,\n\t\"uuid\":\"dQ==\", \"ver\":-0, \"conns\":[ ], "
    "\"modified_at\":-12 }\r\n",
};

} // namespace

TEST_CASE("the client's heartbeat bodies are scanned to what the JSON parser reads") {
  for (const std::string &body : kClientBodies)
    CHECK(scannedLikeTheParser(body));
  Heartbeat hb = parseHeartbeat(kClientBodies[1]);
  CHECK(hb.device.id == "123456789");
  CHECK(hb.ver == 1004090);
  CHECK(hb.modifiedAt == 1700000000);
  CHECK(hb.conns == std::vector<int32_t>{5, -7, 2147483647});
}

TEST_CASE("bodies outside the plain form are left to the JSON parser, which decides") {
  const char *const others[] = {
      R"({"id":"1","uuid":"u","extra":1})",                 // an unknown key
      R"({"id":"1","uuid":"u\u0041"})",                     // an escape
      "{\"id\":\"1\",\"uuid\":\"\xc3\xa9\"}",               // non-ASCII
      "{\"id\":\"1\",\"uuid\":\"\xff\"}",                   // not UTF-8
      R"({"id":"1","id":"2","uuid":"u"})",                  // a repeated key
      R"({"id":"1","uuid":"u","ver":1.0})",                 // a fraction
      R"({"id":"1","uuid":"u","ver":1e3})",                 // an exponent
      R"({"id":"1","uuid":"u","ver":01})",                  // a leading zero
      R"({"id":"1","uuid":"u","ver":9223372036854775807})", // 19 digits
      R"({"id":"1","uuid":"u","ver":null})",                // null
      R"({"id":"1","uuid":"u","conns":[2147483648]})",      // beyond int32
      R"({"id":"1","uuid":"u","conns":null})",
      R"({"id":"","uuid":"u"})",   // empty id
      R"({"id":1,"uuid":"u"})",    // wrong type
      R"({"uuid":"u"})",           // no id
      R"({"id":"1","uuid":"u",})", // a trailing comma
      R"({"id":"1","uuid":"u"} x)",
      R"([{"id":"1","uuid":"u"}])",
      "{}",
      "",
  };
  for (const char *body : others) {
    INFO("body: " << body);
    CHECK_FALSE(scanPlainHeartbeat(body).has_value());
  }
  // The long forms still parse, through the JSON parser.
  Heartbeat hb = parseHeartbeat(R"({"id":"1","uuid":"u\u0041","ver":9223372036854775807})");
  CHECK(hb.device.uuid == "uA");
  CHECK(hb.ver == 9223372036854775807);
  CHECK_THROWS_WITH(parseHeartbeat(R"({"id":"1","uuid":"u","ver":01})"),
                    doctest::Contains("not valid JSON"));
  CHECK_THROWS_WITH(parseHeartbeat(R"({"id":"","uuid":"u"})"), "Field 'id' must not be empty");
}

TEST_CASE("every one-byte change or deletion of a client body is scanned as the parser reads it, "
          "or left to it") {
  const char replacements[] = {'"', ',', ':', '{',  '}', '[',  ']', '-',    '0',
                               '9', 'e', '.', '\\', ' ', '\n', 'x', '\x80', '\0'};
  size_t scanned = 0, total = 0;
  for (const std::string &seed : kClientBodies) {
    for (size_t i = 0; i < seed.size(); ++i) {
      std::string deleted = seed;
      deleted.erase(i, 1);
      scanned += scannedLikeTheParser(deleted);
      ++total;
      for (char r : replacements) {
        std::string changed = seed;
        changed[i] = r;
        scanned += scannedLikeTheParser(changed);
        ++total;
      }
    }
  }
  // Both outcomes occur: the scanner reads many variants and leaves many.
  CHECK(scanned > total / 10);
  CHECK(scanned < total);
}
