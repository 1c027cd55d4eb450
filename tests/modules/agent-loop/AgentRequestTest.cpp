#include "agent_request.h"

#include <rdconsole/sdk.hpp>

#include <doctest/doctest.h>

#include <functional>

using namespace agent;

namespace {
int statusOf(const std::function<void()> &f) {
  try {
    f();
  } catch (const rdc::HttpError &e) {
    return e.status();
  }
  return 0;
}
} // namespace

TEST_CASE("a heartbeat as the client sends it") {
  Heartbeat hb = parseHeartbeat(
      R"({"id":"123456789","uuid":"ZjVi==","ver":1004090,"modified_at":0,"conns":[5,6],"x":1})");
  CHECK(hb.device.id == "123456789");
  CHECK(hb.device.uuid == "ZjVi==");
  CHECK(hb.ver == 1004090);
  CHECK(hb.modifiedAt == 0);
  CHECK(hb.conns == std::vector<int32_t>{5, 6});
  Heartbeat minimal = parseHeartbeat(R"({"id":"a","uuid":"b","conns":null})");
  CHECK(minimal.ver == 0);
  CHECK_FALSE(minimal.modifiedAt);
  CHECK(minimal.conns.empty());
}

TEST_CASE("heartbeat bad input is a 400") {
  for (const char *body : {"", "[]", "{", R"({"uuid":"b"})", R"({"id":5,"uuid":"b"})",
                           R"({"id":"","uuid":"b"})", R"({"id":"a"})", R"({"id":"a","uuid":""})",
                           R"({"id":"a","uuid":"b","ver":"1"})",
                           R"({"id":"a","uuid":"b","conns":"5"})",
                           R"({"id":"a","uuid":"b","conns":["5"]})",
                           R"({"id":"a","uuid":"b","conns":[2147483648]})",
                           R"({"id":"a","uuid":"b","conns":[1.5]})"})
    CHECK_MESSAGE(statusOf([&] { parseHeartbeat(body); }) == 400, body);
  std::string longId = R"({"id":")" + std::string(65, '1') + R"(","uuid":"b"})";
  CHECK(statusOf([&] { parseHeartbeat(longId); }) == 400);
  CHECK(parseHeartbeat(R"({"id":"a","uuid":"b","conns":[-2147483648,2147483647]})").conns.size() ==
        2);
}
