// `rdconsole device-group ...`: device groups and their grants as an operator
// manages them, seen through the CLI itself and through a module (the
// cmdprobe fixture reads them with the ABI 1.3 calls).
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

using Rows = std::vector<std::vector<std::string>>;

RunResult ok(const TestServer &s, const std::vector<std::string> &args) {
  auto r = s.cli(args);
  std::string cmd;
  for (const auto &a : args)
    cmd += a + " ";
  INFO(cmd << ": " << r.out << r.err);
  REQUIRE(r.exitCode == 0);
  return r;
}

ServerOptions withCmdprobe() {
  return ServerOptions().withFixtures({"probe", "cmdprobe"});
}

// The user's id, as a module sees it ("user bob id=2 ...").
std::string userId(const TestServer &s, const std::string &name) {
  const std::string out = ok(s, {"cmdprobe", "user", name}).out;
  const auto at = out.find(" id=");
  REQUIRE(at != std::string::npos);
  return out.substr(at + 4, out.find(' ', at + 4) - at - 4);
}

// The device group's id, as a module sees it ("device-group 3 Lab EU").
std::string deviceGroupId(const TestServer &s, const std::string &name) {
  const std::string out = ok(s, {"cmdprobe", "dgroup-find", name}).out;
  REQUIRE(out.rfind("device-group ", 0) == 0);
  return out.substr(13, out.find(' ', 13) - 13);
}

} // namespace

TEST_CASE("device-group cli: add, grant, list, grants, revoke and delete show what was done") {
  TestServer s(withCmdprobe());
  addUser(s, "bob", "a long enough password");
  addUser(s, "carol", "another long password");
  ok(s, {"group", "add", "team"});
  ok(s, {"group", "add-member", "team", "carol"});
  const std::string bob = userId(s, "bob"), carol = userId(s, "carol");

  CHECK(ok(s, {"device-group", "add", "Lab EU", "--note", "second floor"}).out ==
        "created device group 'Lab EU'\n");
  CHECK(ok(s, {"device-group", "add", "field"}).out == "created device group 'field'\n");
  const std::string lab = deviceGroupId(s, "lab eu"), field = deviceGroupId(s, "FIELD");
  CHECK(ok(s, {"cmdprobe", "dgroup-find", "LAB EU"}).out == "device-group " + lab + " Lab EU\n");

  // Grants to a user and to a user group; names ignore case.
  CHECK(ok(s, {"device-group", "grant", "lab eu", "--user", "BOB"}).out ==
        "granted device group 'Lab EU' to user 'bob'\n");
  CHECK(ok(s, {"device-group", "grant", "Lab EU", "--group", "TEAM"}).out ==
        "granted device group 'Lab EU' to group 'team'\n");
  // Granting twice changes nothing and says so.
  CHECK(ok(s, {"device-group", "grant", "Lab EU", "--user", "bob"}).out ==
        "user 'bob' already has device group 'Lab EU'\n");

  // A device in the group counts in the list.
  ok(s, {"cmdprobe", "device-pin", "123456789", "uuid-A"});
  ok(s, {"cmdprobe", "device-update", "123456789", "group=" + lab});
  CHECK(rows(ok(s, {"device-group", "list"}).out) ==
        Rows{{"field", "0", "0"}, {"Lab", "EU", "1", "2"}});
  CHECK(rows(ok(s, {"device-group", "grants", "LAB EU"}).out) ==
        Rows{{"user", "bob"}, {"group", "team"}});
  CHECK(rows(ok(s, {"device-group", "grants", "field"}).out).empty());

  // A module sees the same grants: bob directly, carol through team.
  CHECK(ok(s, {"cmdprobe", "dgroup-ids", bob}).out == "ids " + lab + " names Lab EU\n");
  CHECK(ok(s, {"cmdprobe", "dgroup-ids", carol}).out == "ids " + lab + " names Lab EU\n");
  CHECK(ok(s, {"cmdprobe", "dgroup-ids", "0"}).out ==
        "ids " + lab + "," + field + " names Lab EU,field\n");

  CHECK(ok(s, {"device-group", "revoke", "Lab EU", "--group", "team"}).out ==
        "revoked device group 'Lab EU' from group 'team'\n");
  CHECK(ok(s, {"cmdprobe", "dgroup-ids", carol}).out == "ids - names -\n");
  CHECK(ok(s, {"cmdprobe", "dgroup-ids", bob}).out == "ids " + lab + " names Lab EU\n");
  // Revoking what is not granted fails and changes nothing.
  auto notGranted = s.cli({"device-group", "revoke", "Lab EU", "--group", "team"});
  CHECK(notGranted.exitCode == 1);
  CHECK(contains(notGranted.err, "group 'team' has no grant of device group 'Lab EU'"));
  CHECK(rows(ok(s, {"device-group", "grants", "Lab EU"}).out) == Rows{{"user", "bob"}});

  // Deleting the group: its device stays, in no group; its grants go.
  CHECK(ok(s, {"device-group", "delete", "LAB eu"}).out ==
        "deleted device group 'Lab EU' (1 device(s) left without a device group, 1 grant(s) "
        "removed)\n");
  CHECK(contains(ok(s, {"cmdprobe", "device-get", "123456789"}).out, " owner=0 group=0 "));
  CHECK(rows(ok(s, {"device-group", "list"}).out) == Rows{{"field", "0", "0"}});
  CHECK(ok(s, {"cmdprobe", "dgroup-ids", bob}).out == "ids - names -\n");
  CHECK(s.cli({"cmdprobe", "dgroup-find", "Lab EU"}).exitCode == 1);
  // The users and the user group are still there.
  CHECK(rows(ok(s, {"group", "members", "team"}).out) == Rows{{"carol", "active"}});
  CHECK(contains(ok(s, {"user", "list"}).out, "bob"));
  // A new group of the old name is a new group (ids are never reused).
  ok(s, {"device-group", "add", "Lab EU"});
  CHECK(std::stoll(deviceGroupId(s, "Lab EU")) > std::stoll(field));
}

TEST_CASE("device-group cli: bad or taken names and unknown groups or users fail and change "
          "nothing") {
  TestServer s;
  addUser(s, "bob", "a long enough password");
  ok(s, {"group", "add", "team"});
  ok(s, {"device-group", "add", "Lab"});
  ok(s, {"device-group", "grant", "Lab", "--user", "bob"});

  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> failures = {
      {{"device-group", "add", "LAB"}, "Device group name 'LAB' is already taken"},
      {{"device-group", "add", "   "}, "Device group name must not be empty"},
      {{"device-group", "add", std::string(65, 'g')},
       "Device group name is too long (at most 64 characters)"},
      {{"device-group", "add", "tab\there"}, "Device group name must not contain control"},
      {{"device-group", "add", "bad\xff"}, "Device group name must be valid UTF-8"},
      {{"device-group", "add", "ok", "--note", std::string(1025, 'n')},
       "Device group note is too long (at most 1024 bytes)"},
      {{"device-group", "add", "ok", "--note", "line\nbreak"},
       "Device group note must not contain control characters"},
      {{"device-group", "delete", "nope"}, "no device group named 'nope'"},
      {{"device-group", "grants", "nope"}, "no device group named 'nope'"},
      {{"device-group", "grant", "nope", "--user", "bob"}, "no device group named 'nope'"},
      {{"device-group", "grant", "Lab", "--user", "nobody"}, "no user named 'nobody'"},
      {{"device-group", "grant", "Lab", "--group", "nogroup"}, "no group named 'nogroup'"},
      {{"device-group", "revoke", "Lab", "--user", "nobody"}, "no user named 'nobody'"},
      {{"device-group", "revoke", "nope", "--group", "team"}, "no device group named 'nope'"},
      {{"device-group", "revoke", "Lab", "--group", "team"},
       "group 'team' has no grant of device group 'Lab'"},
  };
  for (const auto &c : failures) {
    auto r = s.cli(c.args);
    INFO(c.args[1] << " '" << c.args[2] << "': " << r.out << r.err);
    CHECK(r.exitCode == 1);
    CHECK(contains(r.err, c.message));
    CHECK(r.out.empty());
  }
  // Nothing changed.
  CHECK(rows(ok(s, {"device-group", "list"}).out) == Rows{{"Lab", "0", "1"}});
  CHECK(rows(ok(s, {"device-group", "grants", "Lab"}).out) == Rows{{"user", "bob"}});
  // Trimmed names; the limits themselves are fine (64 characters, here in
  // UTF-8, and a note of 1024 bytes).
  CHECK(ok(s, {"device-group", "add", "  Padded \t"}).out == "created device group 'Padded'\n");
  std::string longName;
  for (int i = 0; i < 64; ++i)
    longName += "\xc3\xa9"; // é
  ok(s, {"device-group", "add", longName, "--note", std::string(1024, 'n')});
  CHECK(rows(ok(s, {"device-group", "list"}).out).size() == 3);
}

TEST_CASE("device-group cli: usage errors exit 2 before anything is touched") {
  TestServer s;
  const std::vector<std::vector<std::string>> usage = {
      {"device-group"},
      {"device-group", "frobnicate"},
      {"device-group", "add"},
      {"device-group", "add", "a", "b"},
      {"device-group", "add", "a", "--note"},
      {"device-group", "add", "a", "--note", "x", "--note", "y"},
      {"device-group", "add", "a", "--user", "bob"},
      {"device-group", "add", "a", "--colour", "red"},
      {"device-group", "list", "extra"},
      {"device-group", "delete"},
      {"device-group", "delete", "a", "b"},
      {"device-group", "grants"},
      {"device-group", "grant", "a"},
      {"device-group", "grant", "a", "bob"},
      {"device-group", "grant", "--user", "bob"},
      {"device-group", "grant", "a", "--user", "bob", "--group", "team"},
      {"device-group", "revoke", "a", "--user"},
      {"device-group", "revoke", "a", "--note", "x"},
  };
  for (const auto &args : usage) {
    auto r = s.cli(args);
    std::string cmd;
    for (const auto &a : args)
      cmd += a + " ";
    INFO(cmd << ": " << r.out << r.err);
    CHECK(r.exitCode == 2);
    CHECK(contains(r.err, "device-group"));
  }
  // Nothing was created along the way.
  CHECK(rows(ok(s, {"device-group", "list"}).out).empty());
}

TEST_CASE("device-group cli: help lists the verb and its sub-commands") {
  TestServer s;
  auto help = ok(s, {"help"});
  for (const char *line : {"device-group add NAME [--note TEXT]", "device-group list",
                           "device-group delete NAME", "device-group grant NAME --user USER",
                           "device-group revoke NAME", "device-group grants NAME"})
    CHECK_MESSAGE(contains(help.out, line), line);
}
