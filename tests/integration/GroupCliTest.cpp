// `rdconsole group ...`: user groups as an operator manages them, seen
// through the CLI itself and through a module (the cmdprobe fixture reads
// them with the ABI 1.1 group calls).
#include "harness/Accounts.h"

#include <doctest/doctest.h>

#include <sstream>

using namespace harness;

namespace {

bool contains(const std::string &hay, const std::string &needle) {
  return hay.find(needle) != std::string::npos;
}

// The data rows of a table printed by the CLI (header line dropped), each
// as its whitespace-separated words.
std::vector<std::vector<std::string>> rows(const std::string &out) {
  std::vector<std::vector<std::string>> result;
  std::istringstream in(out);
  std::string line;
  std::getline(in, line); // header
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::vector<std::string> row;
    for (std::string w; words >> w;)
      row.push_back(w);
    if (!row.empty())
      result.push_back(row);
  }
  return result;
}

RunResult ok(const TestServer &s, const std::vector<std::string> &args) {
  auto r = s.cli(args);
  INFO(args[0] << " " << (args.size() > 1 ? args[1] : "") << ": " << r.out << r.err);
  REQUIRE(r.exitCode == 0);
  return r;
}

TestServer withGroupsProbe() {
  return TestServer(ServerOptions().withFixtures({"probe", "cmdprobe"}));
}

} // namespace

TEST_CASE("groups cli: add then add-member then list and members show what was done") {
  TestServer s(ServerOptions().withFixtures({"probe", "cmdprobe"}));
  addUser(s, "bob", "a long enough password");
  addUser(s, "carol", "another long password");
  CHECK(contains(ok(s, {"group", "add", "Sales EU"}).out, "created group 'Sales EU'"));
  ok(s, {"group", "add", "support"});
  ok(s, {"group", "add-member", "sales eu", "bob"}); // names ignore case
  ok(s, {"group", "add-member", "Sales EU", "CAROL"});
  ok(s, {"group", "add-member", "support", "bob"});
  // Adding a member twice changes nothing and says so.
  auto again = ok(s, {"group", "add-member", "support", "bob"});
  CHECK(contains(again.out, "already"));

  auto list = rows(ok(s, {"group", "list"}).out);
  REQUIRE(list.size() == 2);
  // "Sales EU" is two words in the table; members come after the name.
  CHECK(list[0][0] == "Sales");
  CHECK(list[0][1] == "EU");
  CHECK(list[0][2] == "2");
  CHECK(list[1][0] == "support");
  CHECK(list[1][1] == "1");

  auto members = rows(ok(s, {"group", "members", "SALES EU"}).out);
  REQUIRE(members.size() == 2);
  CHECK(members[0][0] == "bob");
  CHECK(members[1][0] == "carol");

  // A module sees the same groups (ABI 1.1: user_find, user_group_ids, group_get).
  auto seen = ok(s, {"cmdprobe", "user", "bob"});
  CHECK(contains(seen.out, "groups=Sales EU,support"));
  auto carol = ok(s, {"cmdprobe", "user", "carol"});
  CHECK(contains(carol.out, "groups=Sales EU\n"));
}

TEST_CASE("groups cli: remove-member and delete take effect and memberships go with the group") {
  TestServer s = withGroupsProbe();
  addUser(s, "bob", "a long enough password");
  ok(s, {"group", "add", "Ops"});
  ok(s, {"group", "add", "Dev"});
  ok(s, {"group", "add-member", "Ops", "bob"});
  ok(s, {"group", "add-member", "Dev", "bob"});
  CHECK(contains(ok(s, {"cmdprobe", "user", "bob"}).out, "groups=Ops,Dev"));

  CHECK(contains(ok(s, {"group", "remove-member", "ops", "bob"}).out, "removed 'bob'"));
  CHECK(rows(ok(s, {"group", "members", "Ops"}).out).empty());
  CHECK(contains(ok(s, {"cmdprobe", "user", "bob"}).out, "groups=Dev\n"));

  // Removing someone who is not a member fails and changes nothing.
  auto notMember = s.cli({"group", "remove-member", "Ops", "bob"});
  CHECK(notMember.exitCode == 1);
  CHECK(contains(notMember.err, "not a member"));

  CHECK(contains(ok(s, {"group", "delete", "DEV"}).out, "deleted group 'Dev'"));
  auto list = rows(ok(s, {"group", "list"}).out);
  REQUIRE(list.size() == 1);
  CHECK(list[0][0] == "Ops");
  CHECK(contains(ok(s, {"cmdprobe", "user", "bob"}).out, "groups=-"));
  // The user is still there.
  CHECK(contains(ok(s, {"user", "list"}).out, "bob"));
  auto gone = s.cli({"cmdprobe", "group", "Dev"});
  CHECK(gone.exitCode == 1);
}

TEST_CASE("groups cli: bad or taken names and unknown groups or users fail clearly") {
  TestServer s;
  addUser(s, "bob", "a long enough password");
  ok(s, {"group", "add", "Sales"});

  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  std::vector<Case> failures = {
      {{"group", "add", "SALES"}, "already taken"},
      {{"group", "add", "   "}, "must not be empty"},
      {{"group", "add", std::string(65, 'g')}, "too long"},
      {{"group", "add", "tab\there"}, "control characters"},
      {{"group", "add", "bad\xff"}, "UTF-8"},
      {{"group", "delete", "nope"}, "no group named 'nope'"},
      {{"group", "members", "nope"}, "no group named 'nope'"},
      {{"group", "add-member", "nope", "bob"}, "no group named 'nope'"},
      {{"group", "add-member", "Sales", "nobody"}, "no user named 'nobody'"},
      {{"group", "remove-member", "Sales", "nobody"}, "no user named 'nobody'"},
  };
  for (const auto &c : failures) {
    auto r = s.cli(c.args);
    INFO(c.args[1] << " '" << c.args[2] << "': " << r.out << r.err);
    CHECK(r.exitCode == 1);
    CHECK(contains(r.err, c.message));
  }
  // Nothing changed.
  auto list = rows(ok(s, {"group", "list"}).out);
  REQUIRE(list.size() == 1);
  CHECK(list[0][0] == "Sales");
  CHECK(list[0][1] == "0");
  // Spaces around a name are trimmed; 64 characters are fine (here in UTF-8).
  CHECK(contains(ok(s, {"group", "add", "  Padded  "}).out, "created group 'Padded'"));
  std::string longName;
  for (int i = 0; i < 64; ++i)
    longName += "\xc3\xa9"; // é
  ok(s, {"group", "add", longName});
  CHECK(rows(ok(s, {"group", "list"}).out).size() == 3);
}

TEST_CASE("groups cli: usage errors exit 2 before anything is touched") {
  TestServer s;
  for (std::vector<std::string> args : {std::vector<std::string>{"group"},
                                        {"group", "frobnicate"},
                                        {"group", "add"},
                                        {"group", "add", "a", "b"},
                                        {"group", "list", "extra"},
                                        {"group", "delete"},
                                        {"group", "members"},
                                        {"group", "add-member", "g"},
                                        {"group", "remove-member", "g", "u", "x"}}) {
    auto r = s.cli(args);
    INFO(args.size() << " args: " << r.out << r.err);
    CHECK(r.exitCode == 2);
    CHECK(contains(r.err, "group"));
  }
}
