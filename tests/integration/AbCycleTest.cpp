// The shared-book API as a stock RustDesk client uses it (client-truth §4 S8,
// S9; §2.7-2.18): the full pull, every push and every body variant the client
// sends, byte-exact where the client is strict.
#include "harness/AbClient.h"
#include "harness/RawHttp.h"

#include <doctest/doctest.h>

#include <regex>

using namespace harness;
using namespace harness::ab;
using nlohmann::json;

namespace {

// A peer as the server must answer it: every string key present ("" when
// unset), hash in the personal book / password in shared ones, no
// same_server unless a bool was stored.
json peerWith(const char *secretKey, const std::string &id, const json &fields) {
  json p = {{"id", id},      {"alias", ""},    {"tags", json::array()}, {"note", ""},
            {secretKey, ""}, {"username", ""}, {"hostname", ""},        {"platform", ""}};
  for (const auto &[k, v] : fields.items())
    p[k] = v;
  return p;
}
json personalPeer(const std::string &id, const json &fields = json::object()) {
  return peerWith("hash", id, fields);
}
json sharedPeer(const std::string &id, const json &fields = json::object()) {
  return peerWith("password", id, fields);
}

} // namespace

TEST_CASE("Ab S8: the client's full pull answers every step in the shape the client parses") {
  TestServer s(options());
  s.start();
  AbClient alice(s, userToken(s, "alice"));
  addUser(s, "bob", kPassword);
  std::string eng = createShared(s, "Eng", "bob");
  grant(s, eng, {"--user", "alice"}, "rw");

  ClientPull pull = alice.pullAll();
  INFO("personal guid " << pull.personalGuid);
  // Guids go raw into URL paths and queries (client-truth §5.13).
  CHECK(std::regex_match(pull.personalGuid, std::regex("[A-Za-z0-9_-]+")));
  CHECK(pull.personalGuid != eng);
  CHECK(pull.settings == json{{"max_peer_one_ab", 20000}});
  REQUIRE(pull.profiles.size() == 1);
  CHECK(pull.profiles[0] == json{{"guid", eng},
                                 {"name", "Eng"},
                                 {"owner", "bob"},
                                 {"note", ""},
                                 {"rule", 2},
                                 {"info", json::object()}});
  CHECK(pull.personal.total == 0);
  CHECK(pull.personal.peers.empty());
  CHECK(pull.personal.tags == json::array());

  // The personal book is created once and stays the same.
  CHECK(alice.personalGuid() == pull.personalGuid);
  CHECK(alice.personalGuid() == pull.personalGuid);
  // Other users get their own.
  AbClient carol(s, userToken(s, "carol"));
  CHECK(carol.personalGuid() != pull.personalGuid);
  // The CLI names the same book.
  auto cliGuid = cliOk(s, {"personal", "alice"});
  CHECK(cliGuid.find(pull.personalGuid) != std::string::npos);

  // S8 step 4 with content: the example reply of the spec, exactly.
  const std::string &P = pull.personalGuid;
  expectOk(alice.addTag(P, "t1", 4294198070LL));
  expectOk(alice.addPeer(P, {{"id", "111111111"},
                             {"alias", ""},
                             {"tags", {"t1"}},
                             {"note", ""},
                             {"hash", ""},
                             {"username", "u"},
                             {"hostname", "h"},
                             {"platform", "Windows"}}));
  ClientPull again = alice.pullAll();
  CHECK(again.personalGuid == P);
  REQUIRE(again.personal.peers.size() == 1);
  CHECK(again.personal.total == 1);
  CHECK(again.personal.peers[0] ==
        personalPeer(
            "111111111",
            {{"tags", {"t1"}}, {"username", "u"}, {"hostname", "h"}, {"platform", "Windows"}}));
  CHECK(again.personal.tags == json::array({{{"name", "t1"}, {"color", 4294198070LL}}}));

  // S8 step 5: the shared book is pulled the same way; it is empty.
  Book shared = alice.pull(eng, Kind::Shared);
  CHECK(shared.total == 0);
  CHECK(shared.tags == json::array());

  // The owner sees the book with full control; personal books never appear.
  AbClient bob(s, loginToken(s, "bob", kPassword));
  ClientPull bobPull = bob.pullAll();
  REQUIRE(bobPull.profiles.size() == 1);
  CHECK(bobPull.profiles[0]["guid"] == eng);
  CHECK(bobPull.profiles[0]["rule"] == 3);
  CHECK(carol.pullAll().profiles.empty());
}

TEST_CASE("Ab S8: body-less POSTs without Content-Length or Content-Type are answered too") {
  // Clients before 1.4.5 send no Content-Length: 0 (client-truth §5.22).
  TestServer s(options());
  s.start();
  std::string token = userToken(s, "alice");
  std::string guid = AbClient(s, token).personalGuid();
  for (const std::string &path :
       {std::string("/api/ab/personal"), std::string("/api/ab/settings"),
        std::string("/api/ab/shared/profiles?current=1&pageSize=100"),
        "/api/ab/peers?current=1&pageSize=100&ab=" + guid, "/api/ab/tags/" + guid}) {
    INFO(path);
    // No Content-Type (Content-Length: 0 only).
    expectJson(s.http().request("POST", path, "", bearer(token)));
    // No Content-Length at all: a raw request as an old client sends it.
    std::string raw = rawExchange(s.host(), s.port(),
                                  "POST " + path +
                                      " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                                      "Authorization: Bearer " +
                                      token + "\r\nContent-Type: application/json\r\n\r\n");
    auto r = parseResponse(raw);
    INFO(raw.substr(0, 300));
    REQUIRE(r.has_value());
    expectJson(*r);
  }
  auto tags = expectJson(s.http().request("POST", "/api/ab/tags/" + guid, "", bearer(token)));
  CHECK(tags == json::array());
}

TEST_CASE("Ab S9: every push of the personal book answers 200 with an empty body and re-pulls") {
  TestServer s(options());
  s.start();
  AbClient c(s, userToken(s, "alice"));
  std::string P = c.personalGuid();
  auto peer = [&](const std::string &id) { return c.pull(P, Kind::Personal).peer(id); };

  // Tag add, one request per tag.
  expectOk(c.addTag(P, "t1", 4294198070LL));
  expectOk(c.addTag(P, "t2", 4283215696LL));

  // Add peer (the "Add ID" dialog body).
  expectOk(c.addPeer(P, {{"id", "222222222"}, {"alias", "srv"}, {"tags", {"t1"}}, {"note", "x"}}));
  CHECK(peer("222222222") ==
        personalPeer("222222222", {{"alias", "srv"}, {"tags", {"t1"}}, {"note", "x"}}));

  // Alias: only alias changes.
  expectOk(c.updatePeer(P, {{"id", "222222222"}, {"alias", "new"}}));
  CHECK(peer("222222222") ==
        personalPeer("222222222", {{"alias", "new"}, {"tags", {"t1"}}, {"note", "x"}}));

  // Tags.
  expectOk(c.updatePeer(P, {{"id", "222222222"}, {"tags", {"t1", "t2"}}}));
  CHECK(peer("222222222") ==
        personalPeer("222222222", {{"alias", "new"}, {"tags", {"t1", "t2"}}, {"note", "x"}}));

  // Note.
  expectOk(c.updatePeer(P, {{"id", "222222222"}, {"note", "a longer note"}}));
  CHECK(peer("222222222")["note"] == "a longer note");
  CHECK(peer("222222222")["alias"] == "new");

  // Hash (personal book); "" forgets it.
  const std::string hash = "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=";
  expectOk(c.updatePeer(P, {{"id", "222222222"}, {"hash", hash}}));
  CHECK(peer("222222222")["hash"] == hash);

  // Sync from recent sessions: all strings, only those fields change.
  expectOk(c.updatePeer(P, {{"username", "u"},
                            {"hostname", "h"},
                            {"platform", "Linux"},
                            {"hash", hash},
                            {"id", "222222222"}}));
  CHECK(peer("222222222") == personalPeer("222222222", {{"alias", "new"},
                                                        {"tags", {"t1", "t2"}},
                                                        {"note", "a longer note"},
                                                        {"hash", hash},
                                                        {"username", "u"},
                                                        {"hostname", "h"},
                                                        {"platform", "Linux"}}));
  expectOk(c.updatePeer(P, {{"id", "222222222"}, {"hash", ""}}));
  CHECK(peer("222222222")["hash"] == "");
  CHECK(peer("222222222")["username"] == "u");

  // Delete two peers (the DELETE carries a body); unknown ids are ignored.
  expectOk(c.addPeer(P, {{"id", "333333333"}, {"alias", "third"}, {"tags", json::array()}}));
  expectOk(c.addPeer(P, {{"id", "444444444"}}));
  expectOk(c.deletePeers(P, {"222222222", "333333333", "999999999"}));
  Book b = c.pull(P, Kind::Personal);
  CHECK(b.ids() == std::vector<std::string>{"444444444"});
  CHECK(b.peer("444444444") == personalPeer("444444444"));

  // Tag add of an existing name updates its colour, no duplicate.
  expectOk(c.addTag(P, "t2", 4278190080LL));
  CHECK(c.pull(P, Kind::Personal).tags == json::array({{{"name", "t1"}, {"color", 4294198070LL}},
                                                       {{"name", "t2"}, {"color", 4278190080LL}}}));

  // Rename, colour, delete (S9 order).
  expectOk(c.updatePeer(P, {{"id", "444444444"}, {"tags", {"t2"}}}));
  expectOk(c.renameTag(P, "t2", "t3"));
  b = c.pull(P, Kind::Personal);
  CHECK(b.tagNames() == std::vector<std::string>{"t1", "t3"});
  CHECK(b.peer("444444444")["tags"] == json{"t3"});
  expectOk(c.updateTag(P, "t3", 4294901760LL));
  b = c.pull(P, Kind::Personal);
  CHECK(b.tags[1] == json{{"name", "t3"}, {"color", 4294901760LL}});
  expectOk(c.deleteTags(P, {"t3"}));
  b = c.pull(P, Kind::Personal);
  CHECK(b.tags == json::array({{{"name", "t1"}, {"color", 4294198070LL}}}));
  CHECK(b.peer("444444444")["tags"] == json::array());
}

TEST_CASE(
    "Ab S9: the 'add to address book' body from another list (unknown keys, strings, nulls)") {
  TestServer s(options());
  s.start();
  AbClient c(s, userToken(s, "alice"));
  std::string P = c.personalGuid();
  c.addTags(P, {"t1"});

  // Peer.toJson() minus password and hash (client-truth §2.12): forceAlwaysRelay
  // is the STRING "false", same_server null.
  json fromList = {{"id", "555555555"},
                   {"username", "u5"},
                   {"hostname", "h5"},
                   {"platform", "Mac OS"},
                   {"alias", "five"},
                   {"tags", {"t1"}},
                   {"forceAlwaysRelay", "false"},
                   {"rdpPort", ""},
                   {"rdpUsername", ""},
                   {"loginName", ""},
                   {"device_group_name", ""},
                   {"note", ""},
                   {"same_server", nullptr}};
  expectOk(c.addPeer(P, fromList));
  Book b = c.pull(P, Kind::Personal);
  CHECK(b.peer("555555555") == personalPeer("555555555", {{"username", "u5"},
                                                          {"hostname", "h5"},
                                                          {"platform", "Mac OS"},
                                                          {"alias", "five"},
                                                          {"tags", {"t1"}}}));

  // With a bool, same_server is stored and answered; partial updates keep it.
  fromList["id"] = "666666666";
  fromList["same_server"] = true;
  fromList["rdpPort"] = "3389";
  expectOk(c.addPeer(P, fromList));
  expectOk(c.updatePeer(P, {{"id", "666666666"}, {"alias", "six"}}));
  b = c.pull(P, Kind::Personal);
  CHECK(b.peer("666666666")["same_server"] == true);
  CHECK(b.peer("666666666")["alias"] == "six");
  CHECK(b.peer("666666666")["username"] == "u5");
  fromList["id"] = "777777777";
  fromList["same_server"] = false;
  expectOk(c.addPeer(P, fromList));
  CHECK(c.pull(P, Kind::Personal).peer("777777777")["same_server"] == false);

  // A null in an update means "absent": nothing changes for that key.
  expectOk(c.updatePeer(P, {{"id", "666666666"}, {"alias", nullptr}, {"note", "n6"}}));
  b = c.pull(P, Kind::Personal);
  CHECK(b.peer("666666666")["alias"] == "six");
  CHECK(b.peer("666666666")["note"] == "n6");
  CHECK(b.peer("666666666")["same_server"] == true);

  // Adding an id that exists merges the given fields: still one peer.
  expectOk(c.addPeer(P, {{"id", "555555555"}, {"note", "merged"}}));
  b = c.pull(P, Kind::Personal);
  CHECK(b.total == 3);
  CHECK(b.peer("555555555")["note"] == "merged");
  CHECK(b.peer("555555555")["alias"] == "five");
  CHECK(b.peer("555555555")["tags"] == json{"t1"});

  // A password is ignored in the personal book (it has hash, never password).
  expectOk(c.addPeer(
      P, {{"id", "888888888"}, {"alias", "a"}, {"tags", json::array()}, {"password", "secret"}}));
  CHECK(c.pull(P, Kind::Personal).peer("888888888") == personalPeer("888888888", {{"alias", "a"}}));
  expectOk(c.addPeer(P, {{"id", "999999999"}, {"hash", "aGFzaA=="}}));
  CHECK(c.pull(P, Kind::Personal).peer("999999999")["hash"] == "aGFzaA==");

  // Updating an unknown id is a 404 with the documented message.
  expectError(c.updatePeer(P, {{"id", "123123123"}, {"alias", "x"}}), 404, "Peer not found");
  CHECK(c.pull(P, Kind::Personal).total == 5);
}

TEST_CASE("Ab S9: shared books store password and ignore hash") {
  TestServer s(options());
  s.start();
  AbClient bob(s, userToken(s, "bob"));
  std::string S = createShared(s, "Team", "bob");
  bob.addTags(S, {"t1"});

  expectOk(bob.addPeer(S, {{"id", "222222222"},
                           {"alias", "srv"},
                           {"tags", {"t1"}},
                           {"note", "x"},
                           {"password", "pw1"},
                           {"hash", "aGFzaA=="}}));
  Book b = bob.pull(S, Kind::Shared);
  CHECK(b.peer("222222222") ==
        sharedPeer("222222222",
                   {{"alias", "srv"}, {"tags", {"t1"}}, {"note", "x"}, {"password", "pw1"}}));
  expectOk(bob.updatePeer(S, {{"id", "222222222"}, {"password", "pw2"}}));
  expectOk(bob.updatePeer(S, {{"id", "222222222"}, {"hash", "b3RoZXI="}}));
  b = bob.pull(S, Kind::Shared);
  CHECK(b.peer("222222222") ==
        sharedPeer("222222222",
                   {{"alias", "srv"}, {"tags", {"t1"}}, {"note", "x"}, {"password", "pw2"}}));
  // The sync-from-recent body (personal-only hash left out) works on shared books too.
  expectOk(bob.updatePeer(
      S, {{"username", "u"}, {"hostname", "h"}, {"platform", "Linux"}, {"id", "222222222"}}));
  b = bob.pull(S, Kind::Shared);
  CHECK(b.peer("222222222")["platform"] == "Linux");
  CHECK(b.peer("222222222")["password"] == "pw2");
}

TEST_CASE("Ab colours: unsigned 32-bit colours round-trip and negative int32 are masked") {
  TestServer s(options());
  s.start();
  AbClient c(s, userToken(s, "alice"));
  std::string P = c.personalGuid();
  expectOk(c.addTag(P, "max", 4294967295LL));
  expectOk(c.addTag(P, "zero", 0));
  expectOk(c.addTag(P, "minus1", -1));
  expectOk(c.addTag(P, "minint", -2147483648LL));
  expectOk(c.addTag(P, "red", 4294901760LL));
  auto raw = expectJson(c.tags(P));
  checkTagsShape(raw);
  CHECK(raw == json::array({{{"name", "max"}, {"color", 4294967295LL}},
                            {{"name", "zero"}, {"color", 0}},
                            {{"name", "minus1"}, {"color", 4294967295LL}},
                            {{"name", "minint"}, {"color", 2147483648LL}},
                            {{"name", "red"}, {"color", 4294901760LL}}}));
  expectOk(c.updateTag(P, "zero", -16777216)); // 0xFF000000 as int32
  CHECK(expectJson(c.tags(P))[1] == json{{"name", "zero"}, {"color", 4278190080LL}});
  // The legacy view carries the same colours as integers.
  auto legacy = c.legacyBook();
  CHECK(legacy["tag_colors"]["max"] == 4294967295LL);
  CHECK(legacy["tag_colors"]["zero"] == 4278190080LL);
}

TEST_CASE("Ab pagination: 250 peers come in pages of 100 with a constant total") {
  TestServer s(options());
  s.start();
  AbClient c(s, userToken(s, "alice"));
  std::string P = c.personalGuid();
  std::vector<std::string> ids;
  // Added in reverse so "ordered by id" is the server's doing.
  for (int i = 249; i >= 0; --i) {
    std::string id = std::to_string(100000000 + i);
    auto r = c.addPeer(P, {{"id", id}, {"alias", "a" + std::to_string(i)}});
    INFO("add " << id);
    REQUIRE(r.status == 200);
  }
  for (int i = 0; i < 250; ++i)
    ids.push_back(std::to_string(100000000 + i));

  Book b = c.pull(P, Kind::Personal); // checks total per page and duplicates
  CHECK(b.pages == 3);
  CHECK(b.total == 250);
  CHECK(b.ids() == ids);

  auto page = [&](const std::string &query) {
    auto j = expectJson(c.call("POST", "/api/ab/peers?" + query + "&ab=" + P));
    INFO(query << " -> " << j.dump().substr(0, 200));
    REQUIRE(j["data"].is_array());
    CHECK(j["total"] == 250);
    std::vector<std::string> got;
    for (const auto &p : j["data"])
      got.push_back(p["id"]);
    return got;
  };
  auto slice = [&](size_t from, size_t n) {
    return std::vector<std::string>(ids.begin() + static_cast<long>(from),
                                    ids.begin() +
                                        static_cast<long>(std::min(ids.size(), from + n)));
  };
  CHECK(page("current=1&pageSize=100") == slice(0, 100));
  CHECK(page("current=2&pageSize=100") == slice(100, 100));
  CHECK(page("current=3&pageSize=100") == slice(200, 100));
  CHECK(page("current=4&pageSize=100").empty());
  CHECK(page("current=2&pageSize=7") == slice(7, 7));
  // current < 1 or not a number -> 1; pageSize missing or invalid -> 100; at most 1000.
  CHECK(page("current=0&pageSize=100") == slice(0, 100));
  CHECK(page("current=-3&pageSize=100") == slice(0, 100));
  CHECK(page("current=abc&pageSize=100") == slice(0, 100));
  CHECK(page("current=2") == slice(100, 100));
  CHECK(page("current=1&pageSize=abc") == slice(0, 100));
  CHECK(page("current=1&pageSize=5000") == slice(0, 1000));
  CHECK(page("pageSize=1000") == ids);
}

TEST_CASE("Ab tags: rename and delete cascade into the peers' tags") {
  TestServer s(options());
  s.start();
  AbClient c(s, userToken(s, "alice"));
  std::string P = c.personalGuid();
  expectOk(c.addTag(P, "a", 1));
  expectOk(c.addTag(P, "b", 2));
  expectOk(c.addTag(P, "c", 3));
  expectOk(c.addPeer(P, {{"id", "p1-peer"}, {"tags", {"a", "b"}}}));
  expectOk(c.addPeer(P, {{"id", "p2-peer"}, {"tags", {"b"}}}));
  expectOk(c.addPeer(P, {{"id", "p3-peer"}, {"tags", {"c"}}}));

  expectOk(c.renameTag(P, "b", "bb"));
  Book b = c.pull(P, Kind::Personal);
  CHECK(b.peer("p1-peer")["tags"] == json{"a", "bb"});
  CHECK(b.peer("p2-peer")["tags"] == json{"bb"});
  CHECK(b.peer("p3-peer")["tags"] == json{"c"});
  CHECK(b.tags == json::array({{{"name", "a"}, {"color", 1}},
                               {{"name", "bb"}, {"color", 2}},
                               {{"name", "c"}, {"color", 3}}}));

  // Renaming onto an existing name is 409, an unknown name 404; nothing changes.
  json before = c.snapshot(P, Kind::Personal);
  expectError(c.renameTag(P, "a", "c"), 409);
  expectError(c.renameTag(P, "nope", "zz"), 404);
  expectError(c.updateTag(P, "nope", 5), 404);
  CHECK(c.snapshot(P, Kind::Personal) == before);

  expectOk(c.deleteTags(P, {"bb"}));
  b = c.pull(P, Kind::Personal);
  CHECK(b.peer("p1-peer")["tags"] == json{"a"});
  CHECK(b.peer("p2-peer")["tags"] == json::array());
  CHECK(b.tagNames() == std::vector<std::string>{"a", "c"});

  // Several at once (the body is an array).
  expectOk(c.deleteTags(P, {"a", "c"}));
  b = c.pull(P, Kind::Personal);
  CHECK(b.tags == json::array());
  for (const auto &p : b.peers)
    CHECK(p["tags"] == json::array());
}

TEST_CASE("Ab UTF-8: names, aliases, notes and ids round-trip byte-exact in both APIs") {
  TestServer s(options());
  s.start();
  AbClient c(s, userToken(s, "alice"));
  std::string P = c.personalGuid();
  const std::string u = "\xC3\x9Cn\xC3\xAF"
                        "c\xC3\xB8"
                        "d\xC3\xA9 \xE6\xA0\x87\xE7\xAD\xBE \xF0\x9F\x9A\x80";
  REQUIRE(u == "Ünïcødé 标签 🚀");
  expectOk(c.addTag(P, u, 4294967295LL));
  expectOk(c.addPeer(P, {{"id", "id-" + u},
                         {"alias", u},
                         {"note", u},
                         {"tags", {u}},
                         {"username", u},
                         {"hostname", u},
                         {"platform", u}}));
  auto raw = c.peers(P);
  INFO(raw.describe());
  CHECK(raw.header("Content-Type").value_or("") == kJsonContentType);
  Book b = c.pull(P, Kind::Personal);
  CHECK(b.peer("id-" + u) == personalPeer("id-" + u, {{"alias", u},
                                                      {"note", u},
                                                      {"tags", {u}},
                                                      {"username", u},
                                                      {"hostname", u},
                                                      {"platform", u}}));
  CHECK(b.tags == json::array({{{"name", u}, {"color", 4294967295LL}}}));
  auto legacy = c.legacyBook();
  REQUIRE(legacy["peers"].size() == 1);
  CHECK(legacy["peers"][0]["alias"] == u);
  CHECK(legacy["tags"] == json{u});
  CHECK(legacy["tag_colors"] == json{{u, 4294967295LL}});
  // Renaming to and from a non-ASCII name cascades the same way.
  expectOk(c.renameTag(P, u, u + "2"));
  CHECK(c.pull(P, Kind::Personal).peer("id-" + u)["tags"] == json{u + "2"});
}

TEST_CASE("Ab auth: every address-book endpoint answers 401 JSON without a valid token") {
  TestServer s(options());
  s.start();
  AbClient c(s, userToken(s, "alice"));
  std::string P = c.personalGuid();
  const std::vector<std::tuple<std::string, std::string, std::string>> calls = {
      {"POST", "/api/ab/personal", ""},
      {"POST", "/api/ab/settings", ""},
      {"POST", "/api/ab/shared/profiles?current=1&pageSize=100", ""},
      {"POST", "/api/ab/peers?current=1&pageSize=100&ab=" + P, ""},
      {"POST", "/api/ab/tags/" + P, ""},
      {"POST", "/api/ab/peer/add/" + P, R"({"id":"111111111"})"},
      {"PUT", "/api/ab/peer/update/" + P, R"({"id":"111111111","alias":"x"})"},
      {"DELETE", "/api/ab/peer/" + P, R"(["111111111"])"},
      {"POST", "/api/ab/tag/add/" + P, R"({"name":"t","color":1})"},
      {"PUT", "/api/ab/tag/rename/" + P, R"({"old":"t","new":"u"})"},
      {"PUT", "/api/ab/tag/update/" + P, R"({"name":"t","color":1})"},
      {"DELETE", "/api/ab/tag/" + P, R"(["t"])"},
      {"GET", "/api/ab", ""},
      {"POST", "/api/ab", legacyBody({{"tags", json::array()}, {"peers", json::array()}})},
      {"POST", "/api/ab/get", "{}"},
  };
  for (const auto &[method, path, body] : calls) {
    INFO(method << " " << path);
    for (const Headers &h : {Headers{}, Headers{{"Authorization", "Bearer "}},
                             Headers{{"Authorization", "Bearer not-a-token"}}}) {
      Headers hh = h;
      hh.emplace_back("Content-Type", "application/json");
      expectError(s.http().request(method, path, body, hh), 401);
    }
  }
  CHECK(c.pull(P, Kind::Personal).total == 0);
  CHECK(c.pull(P, Kind::Personal).tags == json::array());
}
