// Who may read and write which book: shared books made with the CLI, granted
// read / rw / full (or nothing) to a user, a group or everyone, with the
// precedence user > group > everyone; every endpoint tried at each level.
#include "harness/AbClient.h"

#include <doctest/doctest.h>

#include <algorithm>

using namespace harness;
using namespace harness::ab;
using nlohmann::json;

namespace {

const char *const kNotFound = "Address book not found";

struct Call {
  std::string method;
  std::string prefix; // the guid is appended
  std::string body;
};

// Every mutation, each one valid against a book holding peer "p1-peer" and tag
// "t1" (so a refusal can only come from the rule).
std::vector<Call> mutations() {
  return {{"POST", "/api/ab/peer/add/", R"({"id":"x1-peer","alias":"x"})"},
          {"PUT", "/api/ab/peer/update/", R"({"id":"p1-peer","alias":"changed"})"},
          {"DELETE", "/api/ab/peer/", R"(["p1-peer"])"},
          {"POST", "/api/ab/tag/add/", R"({"name":"tx","color":1})"},
          {"PUT", "/api/ab/tag/rename/", R"({"old":"t1","new":"t9"})"},
          {"PUT", "/api/ab/tag/update/", R"({"name":"t1","color":5})"},
          {"DELETE", "/api/ab/tag/", R"(["t1"])"}};
}

HttpResponse send(const AbClient &c, const Call &call, const std::string &guid) {
  return c.call(call.method, call.prefix + guid, call.body);
}

HttpResponse readPeers(const AbClient &c, const std::string &guid) {
  return c.peers(guid);
}

// The rule `c` sees for `guid` in its profiles list; 0 when not listed.
int listedRule(const AbClient &c, const std::string &guid) {
  for (const auto &p : c.pullAll().profiles)
    if (p.value("guid", "") == guid) {
      INFO(p.dump());
      REQUIRE(p["rule"].is_number_integer());
      return p["rule"].get<int>();
    }
  return 0;
}

// A book owned by `owner` holding peer p1-peer and tag t1.
std::string seededBook(const TestServer &s, const AbClient &owner, const std::string &name) {
  std::string guid = createShared(s, name, "bob");
  expectOk(owner.addTag(guid, "t1", 4294198070LL));
  expectOk(owner.addPeer(guid, {{"id", "p1-peer"}, {"alias", "one"}, {"tags", {"t1"}}}));
  return guid;
}

void expectNoAccess(const AbClient &who, const AbClient &owner, const std::string &guid) {
  json before = owner.snapshot(guid, Kind::Shared);
  expectError(readPeers(who, guid), 404, kNotFound);
  expectError(who.tags(guid), 404, kNotFound);
  for (const auto &m : mutations()) {
    INFO(m.method << " " << m.prefix << guid << " " << m.body);
    expectError(send(who, m, guid), 404, kNotFound);
  }
  CHECK(owner.snapshot(guid, Kind::Shared) == before);
  CHECK(listedRule(who, guid) == 0);
}

void expectReadOnly(const AbClient &who, const AbClient &owner, const std::string &guid) {
  json before = owner.snapshot(guid, Kind::Shared);
  CHECK(who.snapshot(guid, Kind::Shared) == before);
  for (const auto &m : mutations()) {
    INFO(m.method << " " << m.prefix << guid << " " << m.body);
    expectError(send(who, m, guid), 403);
  }
  CHECK(owner.snapshot(guid, Kind::Shared) == before);
  CHECK(listedRule(who, guid) == 1);
}

// Every mutation succeeds and is visible to the owner; the book ends as it began.
void expectWritable(const AbClient &who, const AbClient &owner, const std::string &guid, int rule) {
  CHECK(listedRule(who, guid) == rule);
  expectOk(who.addPeer(guid, {{"id", "w1-peer"}, {"alias", "w"}, {"tags", {"t1"}}}));
  expectOk(who.updatePeer(guid, {{"id", "p1-peer"}, {"note", "by writer"}}));
  expectOk(who.addTag(guid, "wt", 7));
  expectOk(who.renameTag(guid, "wt", "wt2"));
  expectOk(who.updateTag(guid, "wt2", 8));
  Book b = owner.pull(guid, Kind::Shared);
  CHECK(b.peer("w1-peer")["alias"] == "w");
  CHECK(b.peer("p1-peer")["note"] == "by writer");
  CHECK(b.tags.size() == 2);
  CHECK(b.tags[1] == json{{"name", "wt2"}, {"color", 8}});
  expectOk(who.deleteTags(guid, {"wt2"}));
  expectOk(who.deletePeers(guid, {"w1-peer"}));
  expectOk(who.updatePeer(guid, {{"id", "p1-peer"}, {"note", ""}}));
  b = owner.pull(guid, Kind::Shared);
  CHECK(b.ids() == std::vector<std::string>{"p1-peer"});
  CHECK(b.tagNames() == std::vector<std::string>{"t1"});
}

struct People {
  TestServer &s;
  AbClient bob;
  AbClient alice;
  AbClient carol;
  explicit People(TestServer &server)
      : s(server), bob(server, userToken(server, "bob")), alice(server, userToken(server, "alice")),
        carol(server, userToken(server, "carol")) {}
};

} // namespace

TEST_CASE("Ab rules: a user granted read, rw, full, then revoked") {
  TestServer s(options());
  s.start();
  People p(s);
  std::string eng = seededBook(s, p.bob, "Eng");

  {
    INFO("no grant");
    expectNoAccess(p.alice, p.bob, eng);
  }
  grant(s, eng, {"--user", "alice"}, "read");
  {
    INFO("read");
    expectReadOnly(p.alice, p.bob, eng);
    expectNoAccess(p.carol, p.bob, eng);
  }
  grant(s, eng, {"--user", "alice"}, "rw");
  {
    INFO("rw");
    expectWritable(p.alice, p.bob, eng, 2);
  }
  grant(s, eng, {"--user", "alice"}, "full");
  {
    INFO("full");
    expectWritable(p.alice, p.bob, eng, 3);
  }
  // Numeric rules work as well.
  grant(s, eng, {"--user", "alice"}, "1");
  {
    INFO("1");
    expectReadOnly(p.alice, p.bob, eng);
  }
  revoke(s, eng, {"--user", "alice"});
  {
    INFO("revoked");
    expectNoAccess(p.alice, p.bob, eng);
  }
  // The owner always has full control.
  expectWritable(p.bob, p.bob, eng, 3);
}

TEST_CASE("Ab rules: everyone, and a user rule wins over everyone even when lower") {
  TestServer s(options());
  s.start();
  People p(s);
  std::string eng = seededBook(s, p.bob, "Eng");

  grant(s, eng, {"--everyone"}, "read");
  expectReadOnly(p.alice, p.bob, eng);
  expectReadOnly(p.carol, p.bob, eng);

  grant(s, eng, {"--everyone"}, "full");
  expectWritable(p.carol, p.bob, eng, 3);
  grant(s, eng, {"--user", "alice"}, "read");
  {
    INFO("alice: user read beats everyone full");
    expectReadOnly(p.alice, p.bob, eng);
  }
  expectWritable(p.carol, p.bob, eng, 3);

  revoke(s, eng, {"--everyone"});
  expectReadOnly(p.alice, p.bob, eng);
  expectNoAccess(p.carol, p.bob, eng);

  // `ab rules` lists what is in force.
  auto rows = tableRows(cliOk(s, {"rules", eng}));
  std::string all;
  for (const auto &r : rows)
    for (const auto &w : r)
      all += w + " ";
  INFO(all);
  CHECK(all.find("alice") != std::string::npos);
  CHECK(all.find("everyone") == std::string::npos);
}

TEST_CASE("Ab rules: groups rank between user and everyone, and among groups the highest wins") {
  TestServer s(options());
  s.start();
  People p(s);
  std::string eng = seededBook(s, p.bob, "Eng");
  addGroup(s, "ops");
  addGroup(s, "devs");
  addGroupMember(s, "ops", "alice");

  grant(s, eng, {"--group", "ops"}, "read");
  expectReadOnly(p.alice, p.bob, eng);
  expectNoAccess(p.carol, p.bob, eng);

  grant(s, eng, {"--everyone"}, "rw");
  {
    INFO("group read beats everyone rw");
    expectReadOnly(p.alice, p.bob, eng);
  }
  expectWritable(p.carol, p.bob, eng, 2);

  addGroupMember(s, "devs", "alice");
  grant(s, eng, {"--group", "devs"}, "full");
  {
    INFO("the highest of two groups");
    expectWritable(p.alice, p.bob, eng, 3);
  }
  grant(s, eng, {"--user", "alice"}, "read");
  {
    INFO("user read beats group full");
    expectReadOnly(p.alice, p.bob, eng);
  }
  revoke(s, eng, {"--user", "alice"});
  revoke(s, eng, {"--group", "devs"});
  revoke(s, eng, {"--group", "ops"});
  {
    INFO("back to everyone rw");
    expectWritable(p.alice, p.bob, eng, 2);
  }
}

TEST_CASE("Ab rules: another user's personal book and unknown guids are 404 on every endpoint") {
  TestServer s(options());
  s.start();
  People p(s);
  std::string bobs = p.bob.personalGuid();
  expectOk(p.bob.addTag(bobs, "t1", 1));
  expectOk(p.bob.addPeer(bobs, {{"id", "p1-peer"}, {"alias", "private"}, {"tags", {"t1"}}}));
  json before = p.bob.snapshot(bobs, Kind::Personal);

  for (const std::string &guid :
       {bobs, std::string("00000000-0000-0000-0000-000000000000"), std::string("no-such-book")}) {
    INFO("guid " << guid);
    expectError(readPeers(p.alice, guid), 404, kNotFound);
    expectError(p.alice.tags(guid), 404, kNotFound);
    for (const auto &m : mutations()) {
      INFO(m.method << " " << m.prefix << guid << " " << m.body);
      expectError(send(p.alice, m, guid), 404, kNotFound);
    }
  }
  CHECK(p.bob.snapshot(bobs, Kind::Personal) == before);
  // A personal book cannot be granted to anyone: it stays private.
  CHECK(p.alice.pullAll().profiles.empty());
}

TEST_CASE("Ab profiles: listed by name with owner, note, rule and default password") {
  TestServer s(options());
  s.start();
  People p(s);
  std::string zeta = createShared(s, "Zeta", "bob", {"--note", "last one"});
  std::string alpha = createShared(s, "Alpha", "bob", {"--password", "s3cret"});
  std::string mid = createShared(s, "Mid", "carol");
  grant(s, zeta, {"--user", "alice"}, "read");
  grant(s, alpha, {"--user", "alice"}, "rw");
  grant(s, mid, {"--user", "alice"}, "full");

  auto pull = p.alice.pullAll();
  REQUIRE(pull.profiles.size() == 3);
  CHECK(pull.profiles[0] == json{{"guid", alpha},
                                 {"name", "Alpha"},
                                 {"owner", "bob"},
                                 {"note", ""},
                                 {"rule", 2},
                                 {"info", {{"password", "s3cret"}}}});
  CHECK(pull.profiles[1] == json{{"guid", mid},
                                 {"name", "Mid"},
                                 {"owner", "carol"},
                                 {"note", ""},
                                 {"rule", 3},
                                 {"info", json::object()}});
  CHECK(pull.profiles[2] == json{{"guid", zeta},
                                 {"name", "Zeta"},
                                 {"owner", "bob"},
                                 {"note", "last one"},
                                 {"rule", 1},
                                 {"info", json::object()}});
  // bob owns two of them (rule 3), carol one; personal books never listed.
  auto bobs = p.bob.pullAll().profiles;
  REQUIRE(bobs.size() == 2);
  CHECK(bobs[0]["name"] == "Alpha");
  CHECK(bobs[0]["rule"] == 3);
  CHECK(bobs[1]["name"] == "Zeta");

  // Pages: total constant, every book once.
  std::vector<std::string> names;
  for (int current = 1; current <= 3; ++current) {
    auto j = expectJson(p.alice.profiles(current, 1));
    CHECK(j["total"] == 3);
    REQUIRE(j["data"].size() == 1);
    names.push_back(j["data"][0]["name"]);
  }
  CHECK(names == std::vector<std::string>{"Alpha", "Mid", "Zeta"});
  CHECK(expectJson(p.alice.profiles(4, 1))["data"] == json::array());

  // `ab list` shows the books with their kind and counts.
  auto list = cliOk(s, {"list"});
  for (const auto &g : {alpha, mid, zeta})
    CHECK(list.find(g) != std::string::npos);
  auto bobList = tableRows(cliOk(s, {"list", "--user", "bob"}));
  std::string bobText;
  for (const auto &r : bobList)
    for (const auto &w : r)
      bobText += w + " ";
  INFO(bobText);
  CHECK(bobText.find(alpha) != std::string::npos);
  CHECK(bobText.find(mid) == std::string::npos);
}

TEST_CASE("Ab CLI: bad arguments fail with a message and change nothing") {
  TestServer s(options());
  s.start();
  People p(s);
  std::string eng = createShared(s, "Eng", "bob");
  // Exit 1 = failure, 2 = usage; a bad value may count as either.
  auto fails = [&](std::vector<std::string> args, std::vector<int> codes) {
    auto r = cli(s, args);
    std::string cmd;
    for (const auto &a : args)
      cmd += a + " ";
    INFO("ab " << cmd << "-> " << r.exitCode << " out=" << r.out << " err=" << r.err);
    CHECK(std::find(codes.begin(), codes.end(), r.exitCode) != codes.end());
    CHECK(!r.err.empty());
  };
  fails({"create", "Other", "--owner", "nobody"}, {1});
  fails({"create", "Eng", "--owner", "bob"}, {1}); // names unique per owner (client-truth §5.15)
  fails({"create", "My address book", "--owner", "bob"}, {1});
  fails({"create", "Legacy address book", "--owner", "bob"}, {1});
  fails({"grant", eng, "--user", "nobody", "--rule", "read"}, {1});
  fails({"grant", eng, "--user", "alice", "--rule", "superuser"}, {1, 2});
  fails({"grant", eng, "--user", "alice"}, {2});
  fails({"grant", "no-such-book", "--user", "alice", "--rule", "read"}, {1});
  fails({"restore", eng}, {2});
  fails({"create"}, {2});
  CHECK(p.alice.pullAll().profiles.empty());
  // Only the one shared book exists (personal books are listed as KIND personal).
  std::vector<std::string> sharedNames;
  for (const auto &row : tableRows(cliOk(s, {"list"})))
    if (std::find(row.begin(), row.end(), "shared") != row.end())
      sharedNames.push_back(row.size() > 1 ? row[1] : "");
  CHECK(sharedNames == std::vector<std::string>{"Eng"});
}

TEST_CASE("Ab limits: max_books_per_user caps the shared books one user owns") {
  TestServer s(options().set("ab-store.max_books_per_user=2"));
  s.start();
  addUser(s, "bob", kPassword);
  createShared(s, "One", "bob");
  createShared(s, "Two", "bob");
  auto r = cli(s, {"create", "Three", "--owner", "bob"});
  INFO(r.out << r.err);
  CHECK(r.exitCode == 1);
  CHECK(!r.err.empty());
  auto list = cliOk(s, {"list"});
  CHECK(list.find("Two") != std::string::npos);
  CHECK(list.find("Three") == std::string::npos);
}
