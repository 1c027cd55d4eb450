// Bad input on every address-book endpoint: a clear 4xx {"error":...}, never
// a 5xx, and the book exactly as it was.
#include "harness/AbClient.h"
#include "harness/RawHttp.h"

#include <doctest/doctest.h>

#include <memory>

using namespace harness;
using namespace harness::ab;
using nlohmann::json;

namespace {

// A running server with alice's personal book holding tag t1 and peer p1-peer.
struct Seeded {
  TestServer s{options()};
  std::unique_ptr<AbClient> c;
  std::string P;
  json before;

  Seeded() {
    s.start();
    c = std::make_unique<AbClient>(s, userToken(s, "alice"));
    P = c->personalGuid();
    expectOk(c->addTag(P, "t1", 4294198070LL));
    expectOk(c->addPeer(P, {{"id", "p1-peer"},
                            {"alias", "a1"},
                            {"tags", {"t1"}},
                            {"note", "n1"},
                            {"hash", "aGFzaA=="}}));
    before = c->snapshot(P, Kind::Personal);
  }

  // `r` is `status` with an error JSON, and the book did not change.
  void refused(const HttpResponse &r, int status = 400) {
    expectError(r, status);
    CHECK(c->snapshot(P, Kind::Personal) == before);
  }
  void refusedRaw(const std::string &method, const std::string &path, const std::string &body,
                  int status = 400) {
    INFO(method << " " << path << " body=[" << body.substr(0, 200) << "]");
    refused(c->call(method, path, body), status);
  }
};

// The same JSON object with one key set to `v`.
json with(json j, const std::string &key, json v) {
  j[key] = std::move(v);
  return j;
}

std::string hex(const std::string &bytes) {
  static const char *digits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : bytes) {
    out += digits[ch >> 4];
    out += digits[ch & 15];
    out += ' ';
  }
  return out;
}

const char *const kNotJson[] = {"", "{", "not json", "{\"id\":\"p9\",}", "[", "\"just a string\""};

} // namespace

TEST_CASE("Ab bad input: peer add refuses malformed JSON, wrong types and missing id") {
  Seeded f;
  const std::string path = "/api/ab/peer/add/" + f.P;
  for (const char *body : kNotJson)
    f.refusedRaw("POST", path, body);
  for (const char *body : {"[]", "42", "null", "true", "[{\"id\":\"p9\"}]"})
    f.refusedRaw("POST", path, body);

  const json ok = {{"id", "p9-peer"}, {"alias", "x"}, {"tags", {"t1"}}};
  const std::vector<json> bad = {
      json{{"alias", "x"}},      // no id
      with(ok, "id", nullptr),   // null id = absent
      with(ok, "id", 123456789), // id must be a string
      with(ok, "id", ""),        // empty id
      with(ok, "id", json::array({"p9"})),
      with(ok, "tags", "t1"),                                // tags not an array
      with(ok, "tags", {1, 2}),                              // tag not a string
      with(ok, "tags", json::array({json{{"name", "t1"}}})), // tag not a string
      with(ok, "alias", 5),
      with(ok, "note", json::object()),
      with(ok, "username", true),
      with(ok, "hostname", 1.5),
      with(ok, "platform", json::array()),
      with(ok, "hash", 7), // (password is ignored in a personal book; see the shared test)
      with(ok, "same_server", "yes"), // a bool or null
      with(ok, "same_server", 1),
  };
  for (const auto &b : bad) {
    INFO("body " << b.dump());
    f.refused(f.c->addPeer(f.P, b));
  }
  // A NUL inside a string (escaped in JSON) is refused, not truncated.
  f.refusedRaw("POST", path, R"({"id":"p9\u0000x"})");
  f.refusedRaw("POST", path, R"({"id":"p9-peer","alias":"a\u0000b"})");
  f.refusedRaw("PUT", "/api/ab/peer/update/" + f.P, R"({"id":"p1-peer","note":"\u0000"})");
  f.refusedRaw("POST", "/api/ab/tag/add/" + f.P, R"({"name":"t\u0000","color":1})");
  // Numbers that do not fit anything are still a 400.
  f.refusedRaw("POST", path, R"({"id":1e999})");
  f.refusedRaw("POST", path, R"({"id":"p9-peer","alias":123456789012345678901234567890})");
  // An unknown book.
  expectError(f.c->addPeer("no-such-book", ok), 404, "Address book not found");
  CHECK(f.c->snapshot(f.P, Kind::Personal) == f.before);
}

TEST_CASE("Ab bad input: peer update refuses the same, and an unknown id is 404") {
  Seeded f;
  const std::string path = "/api/ab/peer/update/" + f.P;
  for (const char *body : kNotJson)
    f.refusedRaw("PUT", path, body);
  for (const char *body : {"[]", "42", "null", "[\"p1-peer\"]"})
    f.refusedRaw("PUT", path, body);
  const json ok = {{"id", "p1-peer"}, {"alias", "changed"}};
  for (const auto &b : std::vector<json>{
           json{{"alias", "changed"}}, with(ok, "id", 5), with(ok, "id", nullptr),
           with(ok, "id", ""), with(ok, "alias", 5), with(ok, "tags", "t1"),
           with(ok, "tags", {nullptr}), with(ok, "note", {1}), with(ok, "hash", false),
           with(ok, "username", json::object()), with(ok, "same_server", "true")}) {
    INFO("body " << b.dump());
    f.refused(f.c->updatePeer(f.P, b));
  }
  // A valid field next to a bad one: the whole request is refused.
  f.refused(f.c->updatePeer(f.P, {{"id", "p1-peer"}, {"alias", "changed"}, {"note", 5}}));
  // Tags given as the client does, but on a peer that does not exist.
  f.refused(f.c->updatePeer(f.P, {{"id", "nobody-peer"}, {"tags", {"t1"}}}), 404);
  expectError(f.c->updatePeer("no-such-book", ok), 404, "Address book not found");
  CHECK(f.c->snapshot(f.P, Kind::Personal) == f.before);
}

TEST_CASE("Ab bad input: a shared book refuses a password of the wrong type") {
  TestServer s(options());
  s.start();
  AbClient bob(s, userToken(s, "bob"));
  std::string S = createShared(s, "Eng", "bob");
  expectOk(bob.addPeer(S, {{"id", "p1-peer"}, {"password", "pw"}}));
  json before = bob.snapshot(S, Kind::Shared);
  for (const json &pw : {json(7), json::array({"pw"}), json::object(), json(true)}) {
    INFO("password " << pw.dump());
    expectError(bob.addPeer(S, {{"id", "p2-peer"}, {"password", pw}}), 400);
    expectError(bob.updatePeer(S, {{"id", "p1-peer"}, {"password", pw}}), 400);
  }
  CHECK(bob.snapshot(S, Kind::Shared) == before);
}

TEST_CASE("Ab bad input: peer and tag deletes need an array of strings") {
  Seeded f;
  for (std::string prefix : {"/api/ab/peer/", "/api/ab/tag/"}) {
    const std::string path = prefix + f.P;
    for (const char *body : kNotJson)
      f.refusedRaw("DELETE", path, body);
    // The valid id/name next to a bad element: nothing is deleted.
    for (const char *body :
         {"{}", "{\"id\":\"p1-peer\"}", "42", "null", "[1]", "[\"p1-peer\",5]", "[\"t1\",5]",
          "[\"p1-peer\",null]", "[\"t1\",[\"x\"]]", "\"p1-peer\"", "\"t1\""})
      f.refusedRaw("DELETE", path, body);
  }
  expectError(f.c->deletePeers("no-such-book", {"p1-peer"}), 404, "Address book not found");
  expectError(f.c->deleteTags("no-such-book", {"t1"}), 404, "Address book not found");
  // Deleting nothing is fine and changes nothing.
  expectOk(f.c->deletePeers(f.P, json::array()));
  CHECK(f.c->snapshot(f.P, Kind::Personal) == f.before);
}

TEST_CASE("Ab bad input: tag add, rename and update check names and colours") {
  Seeded f;
  for (std::string prefix : {"/api/ab/tag/add/", "/api/ab/tag/update/"}) {
    const std::string method = prefix == "/api/ab/tag/add/" ? "POST" : "PUT";
    const std::string path = prefix + f.P;
    INFO(method << " " << path);
    for (const char *body : kNotJson)
      f.refusedRaw(method, path, body);
    for (const char *body : {"[]", "42", "null", "[\"t1\"]"})
      f.refusedRaw(method, path, body);
    const json ok = {{"name", "t1"}, {"color", 1}};
    for (const auto &b : std::vector<json>{
             json{{"color", 1}},   // no name
             json{{"name", "t1"}}, // no colour
             with(ok, "name", nullptr), with(ok, "name", 5), with(ok, "name", ""),
             with(ok, "name", json::array({"t1"})), with(ok, "color", "red"), // colour a string
             with(ok, "color", "4294198070"),                                 // even a numeric one
             with(ok, "color", 4294967296LL),                                 // over uint32
             with(ok, "color", -2147483649LL),                                // under int32
             with(ok, "color", 1.5),                                          // not an integer
             with(ok, "color", json::array()), with(ok, "color", true)}) {
      INFO("body " << b.dump());
      f.refusedRaw(method, path, b.dump());
    }
    f.refusedRaw(method, path, R"({"name":"t1","color":18446744073709551616})");
    f.refusedRaw(method, path, R"({"name":"t1","color":-1e999})");
    expectError(f.c->call(method, prefix + "no-such-book", ok.dump()), 404,
                "Address book not found");
  }

  const std::string rename = "/api/ab/tag/rename/" + f.P;
  for (const char *body : kNotJson)
    f.refusedRaw("PUT", rename, body);
  const json ok = {{"old", "t1"}, {"new", "t2"}};
  for (const auto &b :
       std::vector<json>{json{{"old", "t1"}}, json{{"new", "t2"}}, with(ok, "old", 1),
                         with(ok, "new", 2), with(ok, "new", ""), with(ok, "new", nullptr),
                         with(ok, "old", json::array({"t1"})), json::array()}) {
    INFO("body " << b.dump());
    f.refusedRaw("PUT", rename, b.dump());
  }
  expectError(f.c->renameTag("no-such-book", "t1", "t2"), 404, "Address book not found");
  CHECK(f.c->snapshot(f.P, Kind::Personal) == f.before);
}

TEST_CASE("Ab bad input: field caps (id and tag name 256 bytes, other strings 4096)") {
  Seeded f;
  const std::string id257(257, 'i');
  const std::string name257(257, 'n');
  const std::string long4097(4097, 'x');
  f.refused(f.c->addPeer(f.P, {{"id", id257}}));
  f.refused(f.c->addPeer(f.P, {{"id", "p9-peer"}, {"alias", long4097}}));
  f.refused(f.c->addPeer(f.P, {{"id", "p9-peer"}, {"note", long4097}}));
  f.refused(f.c->addPeer(f.P, {{"id", "p9-peer"}, {"hostname", long4097}}));
  f.refused(f.c->addPeer(f.P, {{"id", "p9-peer"}, {"hash", long4097}}));
  f.refused(f.c->updatePeer(f.P, {{"id", "p1-peer"}, {"alias", long4097}}));
  f.refused(f.c->updatePeer(f.P, {{"id", "p1-peer"}, {"username", long4097}}));
  f.refused(f.c->addTag(f.P, name257, 1));
  f.refused(f.c->renameTag(f.P, "t1", name257));
  f.refused(f.c->addPeer(f.P, {{"id", "p9-peer"}, {"tags", {name257}}}));
  f.refused(f.c->legacyPost(
      {{"tags", json::array()},
       {"peers", {{{"id", id257}, {"alias", ""}, {"tags", json::array()}, {"hash", ""}}}}}));

  // Exactly at the caps is fine (byte counts: "é" is two bytes).
  std::string id256(256, 'i');
  std::string name256 = std::string(254, 'n') + "é";
  REQUIRE(name256.size() == 256);
  std::string text4096(4096, 'x');
  expectOk(f.c->addTag(f.P, name256, 1));
  expectOk(f.c->addPeer(
      f.P, {{"id", id256}, {"alias", text4096}, {"note", text4096}, {"tags", {name256}}}));
  Book b = f.c->pull(f.P, Kind::Personal);
  CHECK(b.peer(id256)["alias"] == text4096);
  CHECK(b.peer(id256)["tags"] == json{name256});
}

TEST_CASE("Ab bad input: invalid UTF-8 anywhere in a mutation is 400") {
  Seeded f;
  const std::string invalid[] = {std::string("\xC3\x28"), std::string("\xFF"),
                                 std::string("\xED\xA0\x80"), std::string("\xF0\x9F\x9A")};
  for (const auto &bad : invalid) {
    INFO("bytes " << hex(bad));
    f.refusedRaw("POST", "/api/ab/peer/add/" + f.P, "{\"id\":\"p9" + bad + "\"}");
    f.refusedRaw("POST", "/api/ab/peer/add/" + f.P,
                 "{\"id\":\"p9-peer\",\"alias\":\"" + bad + "\"}");
    f.refusedRaw("PUT", "/api/ab/peer/update/" + f.P,
                 "{\"id\":\"p1-peer\",\"note\":\"x" + bad + "\"}");
    f.refusedRaw("PUT", "/api/ab/peer/update/" + f.P,
                 "{\"id\":\"p1-peer\",\"tags\":[\"" + bad + "\"]}");
    f.refusedRaw("DELETE", "/api/ab/peer/" + f.P, "[\"p1-peer\",\"" + bad + "\"]");
    f.refusedRaw("POST", "/api/ab/tag/add/" + f.P, "{\"name\":\"t" + bad + "\",\"color\":1}");
    f.refusedRaw("PUT", "/api/ab/tag/rename/" + f.P, "{\"old\":\"t1\",\"new\":\"" + bad + "\"}");
    f.refusedRaw("PUT", "/api/ab/tag/update/" + f.P, "{\"name\":\"t1" + bad + "\",\"color\":1}");
    f.refusedRaw("DELETE", "/api/ab/tag/" + f.P, "[\"t1\",\"" + bad + "\"]");
    // Legacy: the bad bytes inside the data string (as raw bytes, not escaped).
    std::string data = R"({\"tags\":[],\"peers\":[{\"id\":\"p9)" + bad +
                       R"(\",\"alias\":\"\",\"tags\":[],\"hash\":\"\"}],\"tag_colors\":\"{}\"})";
    f.refusedRaw("POST", "/api/ab", "{\"data\":\"" + data + "\"}");
  }
  CHECK(f.c->legacyBook()["peers"].size() == 1);
}

TEST_CASE("Ab bad input: oversize bodies on the shared-book endpoints are refused") {
  Seeded f;
  // Over the server's default body limit (1 MiB): 413 from the core, or a 400
  // from a module cap that is lower; never accepted.
  std::string huge = json{{"id", "p9-peer"}, {"alias", std::string(2 * 1024 * 1024, 'a')}}.dump();
  for (const auto &[method, prefix] : std::vector<std::pair<std::string, std::string>>{
           {"POST", "/api/ab/peer/add/"}, {"PUT", "/api/ab/peer/update/"}}) {
    std::string raw = rawExchange(f.s.host(), f.s.port(),
                                  rawRequest(method, prefix + f.P, huge,
                                             "Authorization: Bearer " + f.c->token() +
                                                 "\r\nContent-Type: application/json\r\n"));
    auto r = parseResponse(raw);
    INFO(method << " " << prefix << ": " << raw.substr(0, 300));
    REQUIRE(r.has_value());
    INFO(r->describe());
    CHECK((r->status == 413 || r->status == 400));
    expectError(*r, r->status);
  }
  CHECK(f.c->snapshot(f.P, Kind::Personal) == f.before);
}

TEST_CASE("Ab bad input: legacy POST /api/ab refuses what it cannot read, whole") {
  Seeded f;
  json legacyBefore = f.c->legacyBook();
  auto refusedLegacy = [&](const std::string &body) {
    INFO("body [" << body.substr(0, 300) << "]");
    expectError(f.c->call("POST", "/api/ab", body), 400);
    CHECK(f.c->legacyBook() == legacyBefore);
  };
  for (const char *body : kNotJson)
    refusedLegacy(body);
  for (const char *body :
       {"[]", "42", "null", "{}", "{\"data\":42}", "{\"data\":null}", "{\"data\":[]}",
        "{\"data\":\"not json\"}", "{\"data\":\"[]\"}", "{\"data\":\"42\"}", "{\"data\":\"\"}"})
    refusedLegacy(body);

  auto dataOf = [](const json &inner) { return json{{"data", inner.dump()}}.dump(); };
  const json peer = {{"id", "p9-peer"}, {"alias", ""}, {"tags", json::array()}, {"hash", ""}};
  const json ok = {{"tags", json::array()}, {"peers", {peer}}, {"tag_colors", "{}"}};
  for (const auto &inner : std::vector<json>{
           with(ok, "peers", "p9-peer"),              // peers not an array
           with(ok, "peers", {42}),                   // a peer not an object
           with(ok, "peers", {json{{"alias", "x"}}}), // a peer without id
           with(ok, "peers", {with(peer, "id", 5)}),  // id a number
           with(ok, "peers", {with(peer, "id", "")}), // empty id
           with(ok, "peers", {with(peer, "tags", "t1")}),
           with(ok, "peers", {with(peer, "alias", 1)}),
           with(ok, "peers", {with(peer, "hash", json::object())}),
           with(ok, "tags", "t1"), // tags not an array
           with(ok, "tags", {1}),
           with(ok, "tag_colors", "not json"),        // tag_colors string must hold an object
           with(ok, "tag_colors", R"({"t1":"red"})"), // colour a string
           with(ok, "tag_colors", R"({"t1":4294967296})"),
           with(ok, "tag_colors", json{{"t1", "red"}}),
       })
    refusedLegacy(dataOf(inner));
}

TEST_CASE("Ab bad input: a peers read without a usable book is a 4xx error, not a 5xx") {
  Seeded f;
  for (const char *query : {"current=1&pageSize=100", "current=1&pageSize=100&ab=",
                            "current=1&pageSize=100&ab=%ZZ", "ab=no-such-book"}) {
    auto r = f.c->call("POST", std::string("/api/ab/peers?") + query);
    INFO(query << " -> " << r.describe());
    CHECK((r.status == 400 || r.status == 404));
    expectError(r, r.status);
  }
  auto r = f.c->call("POST", "/api/ab/tags/");
  INFO(r.describe());
  CHECK((r.status == 400 || r.status == 404));
  expectError(r, r.status);
  CHECK(f.c->snapshot(f.P, Kind::Personal) == f.before);
}
