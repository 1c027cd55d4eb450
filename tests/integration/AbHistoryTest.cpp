// The book journal: `rdconsole ab history / restore / recycle-bin / undelete`
// undo what a client did, verified over HTTP the way the client sees the book.
#include "harness/AbClient.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

using namespace harness;
using namespace harness::ab;
using nlohmann::json;

namespace {

json filledBook(int n) {
  json peers = json::array();
  for (int i = 0; i < n; ++i)
    peers.push_back({{"id", std::to_string(500000000 + i)},
                     {"alias", "host " + std::to_string(i)},
                     {"tags", {i % 2 ? "odd" : "even"}},
                     {"hash", "aGFzaC0" + std::to_string(i)},
                     {"username", "u" + std::to_string(i)},
                     {"hostname", "h" + std::to_string(i)},
                     {"platform", "Linux"}});
  return {{"tags", {"even", "odd"}},
          {"peers", peers},
          {"tag_colors", {{"even", 4278255360LL}, {"odd", 4294901760LL}}}};
}

std::vector<std::vector<std::string>> history(const TestServer &s, const std::string &guid) {
  auto rows = tableRows(cliOk(s, {"history", guid}));
  for (const auto &r : rows)
    REQUIRE_MESSAGE(!r.empty(), "empty history row");
  return rows;
}

bool rowHas(const std::vector<std::string> &row, const std::string &word) {
  return std::find(row.begin(), row.end(), word) != row.end();
}

std::set<std::string> firstColumn(const std::vector<std::vector<std::string>> &rows) {
  std::set<std::string> out;
  for (const auto &r : rows)
    if (!r.empty())
      out.insert(r[0]);
  return out;
}

} // namespace

TEST_CASE("Ab history: ab restore undoes a destructive legacy replace, and is undoable itself") {
  TestServer s(options());
  s.start();
  AbClient c(s, userToken(s, "alice"));
  std::string P = c.personalGuid();

  expectOk(c.legacyPost(filledBook(60)));
  // Shared-API edits on top: fields the legacy format does not carry.
  expectOk(c.updatePeer(P, {{"id", "500000003"}, {"note", "note three"}}));
  expectOk(c.addPeer(P, {{"id", "500000004"}, {"same_server", true}}));
  json full = c.snapshot(P, Kind::Personal);
  REQUIRE(full["peers"].size() == 60);

  auto h1 = history(s, P);
  REQUIRE(!h1.empty());
  std::string beforeEntry = h1[0][0];

  // The destructive push: a legacy client that only knows two peers.
  json small = filledBook(2);
  expectOk(c.legacyPost(small));
  json afterSmall = c.snapshot(P, Kind::Personal);
  REQUIRE(afterSmall["peers"].size() == 2);

  auto h2 = history(s, P);
  REQUIRE(h2.size() >= 2);
  CHECK(h2.size() == h1.size() + 1);
  std::string destructiveEntry = h2[0][0];
  CHECK(destructiveEntry != beforeEntry);
  CHECK(h2[1][0] == beforeEntry);
  CHECK_MESSAGE(rowHas(h2[0], "alice"), "the USER column names who pushed");

  cliOk(s, {"restore", P, beforeEntry});
  CHECK(c.snapshot(P, Kind::Personal) == full);
  CHECK(c.legacyBook()["peers"].size() == 60);

  // The restore is itself a journal entry, and can be undone.
  auto h3 = history(s, P);
  CHECK(h3.size() == h2.size() + 1);
  CHECK(h3[0][0] != destructiveEntry);
  CHECK(h3[1][0] == destructiveEntry);
  cliOk(s, {"restore", P, destructiveEntry});
  CHECK(c.snapshot(P, Kind::Personal) == afterSmall);
  cliOk(s, {"restore", P, "0"});
  Book empty = c.pull(P, Kind::Personal);
  CHECK(empty.total == 0);
  CHECK(empty.tags == json::array());
  cliOk(s, {"restore", P, beforeEntry});
  CHECK(c.snapshot(P, Kind::Personal) == full);

  CHECK(tableRows(cliOk(s, {"history", P, "--limit", "1"})).size() == 1);

  // Unknown entries and books fail and change nothing.
  auto bad = cli(s, {"restore", P, "987654321"});
  INFO(bad.out << bad.err);
  CHECK(bad.exitCode == 1);
  CHECK(!bad.err.empty());
  CHECK(cli(s, {"restore", "no-such-book", beforeEntry}).exitCode == 1);
  CHECK(cli(s, {"history", "no-such-book"}).exitCode == 1);
  CHECK(c.snapshot(P, Kind::Personal) == full);
}

TEST_CASE("Ab history: deleted peers go to the recycle bin and undelete brings them back") {
  TestServer s(options());
  s.start();
  AbClient c(s, userToken(s, "alice"));
  std::string P = c.personalGuid();
  c.addTags(P, {"t1"});
  expectOk(c.addPeer(P, {{"id", "p1-peer"},
                         {"alias", "a1"},
                         {"tags", {"t1"}},
                         {"note", "n1"},
                         {"hash", "aGFzaA=="},
                         {"same_server", false}}));
  expectOk(c.addPeer(P, {{"id", "p2-peer"}, {"alias", "a2"}}));
  expectOk(c.addPeer(P, {{"id", "p3-peer"}, {"alias", "a3"}}));
  json p1 = c.pull(P, Kind::Personal).peer("p1-peer");

  expectOk(c.deletePeers(P, {"p1-peer", "p2-peer"}));
  CHECK(c.pull(P, Kind::Personal).ids() == std::vector<std::string>{"p3-peer"});

  auto bin = tableRows(cliOk(s, {"recycle-bin", P}));
  auto ids = firstColumn(bin);
  CHECK(ids.count("p1-peer") == 1);
  CHECK(ids.count("p2-peer") == 1);
  CHECK(ids.count("p3-peer") == 0);
  for (const auto &row : bin)
    CHECK_MESSAGE(rowHas(row, "alice"), "the BY column names who deleted");

  cliOk(s, {"undelete", P, "p1-peer"});
  Book b = c.pull(P, Kind::Personal);
  CHECK(b.ids() == std::vector<std::string>{"p1-peer", "p3-peer"});
  CHECK(b.peer("p1-peer") == p1);
  CHECK(firstColumn(tableRows(cliOk(s, {"recycle-bin", P}))).count("p2-peer") == 1);

  // Ids that are not in the bin fail and change nothing.
  json before = c.snapshot(P, Kind::Personal);
  for (const char *id : {"no-such-peer", "p3-peer"}) {
    auto r = cli(s, {"undelete", P, id});
    INFO(id << ": " << r.out << r.err);
    CHECK(r.exitCode == 1);
    CHECK(!r.err.empty());
  }
  CHECK(c.snapshot(P, Kind::Personal) == before);
}

TEST_CASE("Ab history: shared books have a journal and a recycle bin too") {
  TestServer s(options());
  s.start();
  AbClient bob(s, userToken(s, "bob"));
  AbClient alice(s, userToken(s, "alice"));
  std::string S = createShared(s, "Eng", "bob");
  grant(s, S, {"--user", "alice"}, "rw");
  expectOk(bob.addPeer(S, {{"id", "s1-peer"}, {"alias", "one"}, {"password", "pw"}}));
  json one = bob.pull(S, Kind::Shared).peer("s1-peer");
  expectOk(alice.deletePeers(S, {"s1-peer"}));
  auto bin = tableRows(cliOk(s, {"recycle-bin", S}));
  REQUIRE(bin.size() == 1);
  CHECK(bin[0][0] == "s1-peer");
  CHECK(rowHas(bin[0], "alice"));
  auto h = history(s, S);
  REQUIRE(h.size() >= 2);
  CHECK(rowHas(h[0], "alice"));
  cliOk(s, {"undelete", S, "s1-peer"});
  CHECK(bob.pull(S, Kind::Shared).peer("s1-peer") == one);
}
