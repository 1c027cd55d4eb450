// rdc::jsonDump and rdc::replyJson (the latter through a fake host table).
#include <rdconsole/json.hpp>

#include <doctest/doctest.h>

#include <string>

namespace {

struct Recorded {
  int status = 0;
  std::string body;
  int bodyCalls = 0;
};

rdc_status fakeStatus(rdc_exchange *ex, int32_t status) {
  reinterpret_cast<Recorded *>(ex)->status = status;
  return RDC_OK;
}
rdc_status fakeBody(rdc_exchange *ex, const char *data, size_t len) {
  auto *r = reinterpret_cast<Recorded *>(ex);
  r->body.assign(data, len);
  ++r->bodyCalls;
  return RDC_OK;
}

// Points rdc::g_api at a table with only the response calls for one test.
struct FakeHost {
  rdc_host_api table{};
  const rdc_host_api *saved = rdc::g_api;
  FakeHost() {
    table.struct_size = sizeof(table);
    table.resp_status = &fakeStatus;
    table.resp_body = &fakeBody;
    rdc::g_api = &table;
  }
  ~FakeHost() { rdc::g_api = saved; }
  FakeHost(const FakeHost &) = delete;
  FakeHost &operator=(const FakeHost &) = delete;
};

} // namespace

TEST_CASE("jsonDump is compact and keeps UTF-8 as UTF-8") {
  CHECK(rdc::jsonDump(nlohmann::json{{"a", 1}, {"b", "\xc3\xa9"}}) ==
        "{\"a\":1,\"b\":\"\xc3\xa9\"}");
  CHECK(rdc::jsonDump(nlohmann::json::array()) == "[]");
}

TEST_CASE("jsonDump replaces invalid UTF-8 instead of throwing") {
  const nlohmann::json j = std::string("a\xff"
                                       "b\xc3");
  std::string out;
  CHECK_NOTHROW(out = rdc::jsonDump(j));
  CHECK(out == "\"a\xef\xbf\xbd"
               "b\xef\xbf\xbd\"");
}

TEST_CASE("replyJson sets the status and the dumped body") {
  FakeHost host;
  Recorded rec;
  rdc::Exchange ex(reinterpret_cast<rdc_exchange *>(&rec));
  rdc::replyJson(ex, 201, nlohmann::json{{"name", "alice"}, {"ok", true}});
  CHECK(rec.status == 201);
  CHECK(rec.body == "{\"name\":\"alice\",\"ok\":true}");
  CHECK(rec.bodyCalls == 1);
}
