// Server-side limits (client-truth §5.14: the client enforces max_peer_one_ab
// only when adding, the server must enforce its own): a clear 400 and nothing
// changed; legacy bodies over their cap 413; large legacy bodies under it fine.
#include "harness/AbClient.h"
#include "harness/RawHttp.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>

using namespace harness;
using namespace harness::ab;
using nlohmann::json;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return s;
}

// A 400 whose message says why: it names the limit or its value.
void expectLimitError(const HttpResponse &r, const std::string &value) {
  std::string msg = expectError(r, 400);
  INFO("message: " << msg);
  CHECK((lower(msg).find("limit") != std::string::npos || msg.find(value) != std::string::npos ||
         lower(msg).find("full") != std::string::npos));
}

json legacyPeers(int n, const std::string &prefix = "4") {
  json peers = json::array();
  for (int i = 0; i < n; ++i)
    peers.push_back({{"id", prefix + std::to_string(10000000 + i)},
                     {"alias", ""},
                     {"tags", json::array()},
                     {"hash", ""},
                     {"username", ""},
                     {"hostname", ""},
                     {"platform", ""}});
  return peers;
}

} // namespace

TEST_CASE("Ab limits: max_peers_per_book is announced and enforced on every path") {
  TestServer s(options().set("ab-store.max_peers_per_book=5"));
  s.start();
  AbClient c(s, userToken(s, "alice"));
  std::string P = c.personalGuid();
  CHECK(expectJson(c.settings()) == json{{"max_peer_one_ab", 5}});

  for (int i = 0; i < 5; ++i)
    expectOk(c.addPeer(P, {{"id", std::to_string(600000000 + i)}}));
  json before = c.snapshot(P, Kind::Personal);
  expectLimitError(c.addPeer(P, {{"id", "600000005"}, {"alias", "one too many"}}), "5");
  CHECK(c.snapshot(P, Kind::Personal) == before);

  // Merging into a peer that exists adds nothing, so it still works.
  expectOk(c.addPeer(P, {{"id", "600000001"}, {"alias", "merged"}}));
  CHECK(c.pull(P, Kind::Personal).peer("600000001")["alias"] == "merged");
  before = c.snapshot(P, Kind::Personal);

  // A legacy push of six peers is refused as a whole.
  expectLimitError(c.legacyPost({{"tags", json::array()}, {"peers", legacyPeers(6)}}), "5");
  CHECK(c.snapshot(P, Kind::Personal) == before);
  // Five is fine (and replaces the book).
  expectOk(c.legacyPost({{"tags", json::array()}, {"peers", legacyPeers(5)}}));
  CHECK(c.pull(P, Kind::Personal).total == 5);

  // After a delete there is room again.
  expectOk(c.deletePeers(P, {"410000000"}));
  expectOk(c.addPeer(P, {{"id", "600000009"}}));
  CHECK(c.pull(P, Kind::Personal).total == 5);

  // Shared books have the same limit.
  std::string S = createShared(s, "Eng", "alice");
  for (int i = 0; i < 5; ++i)
    expectOk(c.addPeer(S, {{"id", std::to_string(700000000 + i)}}));
  expectLimitError(c.addPeer(S, {{"id", "700000005"}}), "5");
  CHECK(c.pull(S, Kind::Shared).total == 5);
}

TEST_CASE("Ab limits: max_peers_per_book = 0 means unlimited (announced as 0)") {
  TestServer s(options().set("ab-store.max_peers_per_book=0"));
  s.start();
  AbClient c(s, userToken(s, "alice"));
  CHECK(expectJson(c.settings()) == json{{"max_peer_one_ab", 0}});
  expectOk(c.legacyPost({{"tags", json::array()}, {"peers", legacyPeers(300)}}));
  CHECK(c.pull(c.personalGuid(), Kind::Personal).total == 300);
}

TEST_CASE("Ab limits: max_tags_per_book on tag add, peer tags and legacy pushes") {
  TestServer s(options().set("ab-store.max_tags_per_book=3"));
  s.start();
  AbClient c(s, userToken(s, "alice"));
  std::string P = c.personalGuid();
  c.addTags(P, {"a", "b", "c"});
  expectOk(c.addPeer(P, {{"id", "p1-peer"}, {"tags", {"a"}}}));
  json before = c.snapshot(P, Kind::Personal);

  expectLimitError(c.addTag(P, "d", 1), "3");
  CHECK(c.snapshot(P, Kind::Personal) == before);
  // Updating the colour of an existing tag is no new tag.
  expectOk(c.addTag(P, "a", 9));
  before = c.snapshot(P, Kind::Personal);

  json four = {{"tags", {"a", "b", "c", "d"}},
               {"peers", legacyPeers(1)},
               {"tag_colors", {{"a", 1}, {"b", 2}, {"c", 3}, {"d", 4}}}};
  expectLimitError(c.legacyPost(four), "3");
  CHECK(c.snapshot(P, Kind::Personal) == before);

  expectOk(c.deleteTags(P, {"c"}));
  expectOk(c.addTag(P, "d", 4));
  CHECK(c.pull(P, Kind::Personal).tagNames() == std::vector<std::string>{"a", "b", "d"});
}

TEST_CASE("Ab limits: 10 000 tags on one peer is refused by the default tag limit") {
  TestServer s(options());
  s.start();
  AbClient c(s, userToken(s, "alice"));
  std::string P = c.personalGuid();
  expectOk(c.addPeer(P, {{"id", "p1-peer"}, {"alias", "x"}}));
  json before = c.snapshot(P, Kind::Personal);
  json tags = json::array();
  for (int i = 0; i < 10000; ++i)
    tags.push_back("tag" + std::to_string(i));
  expectLimitError(c.addPeer(P, {{"id", "p2-peer"}, {"tags", tags}}), "1000");
  expectLimitError(c.updatePeer(P, {{"id", "p1-peer"}, {"tags", tags}}), "1000");
  CHECK(c.snapshot(P, Kind::Personal) == before);
}

TEST_CASE("Ab limits: a legacy body over ab-legacy.max_body_bytes answers 413, under it 200") {
  TestServer s(options().set("ab-legacy.max_body_bytes=200000"));
  s.start();
  AbClient c(s, userToken(s, "alice"));
  std::string P = c.personalGuid();
  expectOk(c.legacyPost({{"tags", json::array()}, {"peers", legacyPeers(3)}}));
  json before = c.snapshot(P, Kind::Personal);

  std::string big = legacyBody({{"tags", json::array()}, {"peers", legacyPeers(3000)}});
  REQUIRE(big.size() > 200000);
  // Through a socket that reads while it sends (the server may answer early).
  std::string raw = rawExchange(
      s.host(), s.port(),
      rawRequest("POST", "/api/ab", big,
                 "Authorization: Bearer " + c.token() + "\r\nContent-Type: application/json\r\n"),
      std::chrono::seconds(30));
  auto r = parseResponse(raw);
  REQUIRE_MESSAGE(r.has_value(), "no parsable reply (" << raw.size() << " bytes)");
  expectError(*r, 413);
  CHECK(c.snapshot(P, Kind::Personal) == before);

  std::string fits = legacyBody({{"tags", json::array()}, {"peers", legacyPeers(1000)}});
  REQUIRE(fits.size() < 200000);
  expectOk(c.call("POST", "/api/ab", fits));
  CHECK(c.pull(P, Kind::Personal).total == 1000);
}

TEST_CASE("Ab limits: a several-MB legacy body under the default cap is accepted whole") {
  TestServer s(options());
  s.start();
  AbClient c(s, userToken(s, "alice"));
  std::string P = c.personalGuid();
  json peers = json::array();
  const int n = 7000;
  for (int i = 0; i < n; ++i)
    peers.push_back({{"id", std::to_string(800000000 + i)},
                     {"alias", "alias " + std::to_string(i) + std::string(300, 'a')},
                     {"tags", {"big"}},
                     {"hash", "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI="},
                     {"username", std::string(100, 'u')},
                     {"hostname", std::string(100, 'h')},
                     {"platform", "Windows"}});
  std::string body =
      legacyBody({{"tags", {"big"}}, {"peers", peers}, {"tag_colors", {{"big", 4294967295LL}}}});
  INFO("body bytes: " << body.size());
  REQUIRE(body.size() > 4 * 1024 * 1024);
  expectOk(c.call("POST", "/api/ab", body));

  json got = c.legacyBook();
  REQUIRE(got["peers"].size() == static_cast<size_t>(n));
  CHECK(got["peers"][n - 1]["alias"] == peers[n - 1]["alias"]);
  auto first = expectJson(c.peers(P, 1, 100));
  CHECK(first["total"] == n);
  CHECK(first["data"][0]["alias"] == peers[0]["alias"]);
}
