// The ABI 1.3 calls through a real module (the cmdprobe fixture): device
// groups (device_group_find/get/ids), assignment (device_update) and the
// group view's pages (device_list, user_list). Its `rdconsole cmdprobe ...`
// sub-commands print what the host answered; its routes page through the
// SDK on the server's worker threads.
#include "harness/Accounts.h"
#include "harness/JsonChecks.h"

#include <doctest/doctest.h>

#include <sstream>

using namespace harness;

namespace {

bool contains(const std::string &hay, const std::string &needle) {
  return hay.find(needle) != std::string::npos;
}

ServerOptions withCmdprobe() {
  return ServerOptions().withFixtures({"probe", "cmdprobe"});
}

// Runs `rdconsole cmdprobe <args...>`.
RunResult probe(const TestServer &s, std::vector<std::string> args) {
  args.insert(args.begin(), "cmdprobe");
  return s.cli(args);
}

RunResult ok(const TestServer &s, const std::vector<std::string> &args) {
  auto r = s.cli(args);
  std::string cmd;
  for (const auto &a : args)
    cmd += a + " ";
  INFO(cmd << ": " << r.out << r.err);
  REQUIRE(r.exitCode == 0);
  return r;
}

RunResult okProbe(const TestServer &s, std::vector<std::string> args) {
  args.insert(args.begin(), "cmdprobe");
  return ok(s, args);
}

// The value after `key=` in a line such as "user bob id=2 status=1".
std::string field(const std::string &text, const std::string &key) {
  const auto at = text.find(" " + key + "=");
  REQUIRE(at != std::string::npos);
  const auto from = at + key.size() + 2;
  return text.substr(from, text.find_first_of(" \n", from) - from);
}

std::string userId(const TestServer &s, const std::string &name) {
  return field(okProbe(s, {"user", name}).out, "id");
}

std::string deviceGroupId(const TestServer &s, const std::string &name) {
  const std::string out = okProbe(s, {"dgroup-find", name}).out;
  REQUIRE(out.rfind("device-group ", 0) == 0);
  return out.substr(13, out.find(' ', 13) - 13);
}

// The ids of a device-list answer, in order, and its last line.
struct Listing {
  std::vector<std::string> ids;
  std::string summary;
};
Listing listing(const std::string &out) {
  Listing l;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("device ", 0) == 0)
      l.ids.push_back(field(line, "id"));
    else
      l.summary = line;
  }
  return l;
}

using Ids = std::vector<std::string>;

// The ids of a dgroup-ids answer ("ids 1,2 names a,b").
std::string groupIds(const std::string &out) {
  REQUIRE(out.rfind("ids ", 0) == 0);
  return out.substr(4, out.find(' ', 4) - 4);
}

// alice, bob and carol (carol in user group "team"); device groups g1
// (granted to alice) and g2 (granted to team); devices owned and assigned
// through device_update.
struct Scene {
  std::string alice, bob, carol, dave, g1, g2;
};

Scene build(const TestServer &s) {
  Scene sc;
  for (const char *name : {"alice", "bob", "carol", "dave"})
    addUser(s, name, "a long enough password");
  ok(s, {"group", "add", "team"});
  ok(s, {"group", "add-member", "team", "carol"});
  ok(s, {"device-group", "add", "g1"});
  ok(s, {"device-group", "add", "g2"});
  ok(s, {"device-group", "grant", "g1", "--user", "alice"});
  ok(s, {"device-group", "grant", "g2", "--group", "team"});
  sc.alice = userId(s, "alice");
  sc.bob = userId(s, "bob");
  sc.carol = userId(s, "carol");
  sc.dave = userId(s, "dave");
  sc.g1 = deviceGroupId(s, "g1");
  sc.g2 = deviceGroupId(s, "g2");
  const std::vector<std::vector<std::string>> devices = {
      {"d1", "owner=" + sc.alice},
      {"d2", "owner=" + sc.bob},
      {"d3", "group=" + sc.g1},
      {"d4", "group=" + sc.g2},
      {"d5", "owner=" + sc.bob, "group=" + sc.g1, "note=bob's, in g1"},
      {"d6"},
  };
  for (const auto &d : devices) {
    okProbe(s, {"device-pin", d[0], "uuid-" + d[0]});
    std::vector<std::string> update = {"device-update", d[0]};
    update.insert(update.end(), d.begin() + 1, d.end());
    CHECK(okProbe(s, update).out == "updated\n");
  }
  return sc;
}

} // namespace

TEST_CASE("abi 1.3 view: device_update assigns, device_list shows each user what they may see") {
  TestServer s(withCmdprobe());
  const Scene sc = build(s);

  auto d5 = okProbe(s, {"device-get", "d5"}).out;
  CHECK(field(d5, "owner") == sc.bob);
  CHECK(field(d5, "group") == sc.g1);
  CHECK(contains(d5, " note=bob's, in g1 "));
  CHECK(field(d5, "uuid") == "uuid-d5"); // the pin is untouched

  // Every device for viewer 0; the others see their own and their groups'.
  auto all = listing(okProbe(s, {"device-list", "0", "0", "1000"}).out);
  CHECK(all.ids == Ids{"d1", "d2", "d3", "d4", "d5", "d6"});
  CHECK(all.summary == "total 6 rows 6");
  auto alice = listing(okProbe(s, {"device-list", sc.alice, "0", "1000"}).out);
  CHECK(alice.ids == Ids{"d1", "d3", "d5"});
  CHECK(alice.summary == "total 3 rows 3");
  CHECK(listing(okProbe(s, {"device-list", sc.bob, "0", "1000"}).out).ids == Ids{"d2", "d5"});
  CHECK(listing(okProbe(s, {"device-list", sc.carol, "0", "1000"}).out).ids == Ids{"d4"});
  auto dave = listing(okProbe(s, {"device-list", sc.dave, "0", "1000"}).out);
  CHECK(dave.ids.empty());
  CHECK(dave.summary == "total 0 rows 0");
  CHECK(listing(okProbe(s, {"device-list", "99999", "0", "10"}).out).summary == "total 0 rows 0");

  // Pages: each knows the total; past the end is empty, not an error.
  auto page = listing(okProbe(s, {"device-list", "0", "2", "3"}).out);
  CHECK(page.ids == Ids{"d3", "d4", "d5"});
  CHECK(page.summary == "total 6 rows 3");
  CHECK(listing(okProbe(s, {"device-list", sc.alice, "3", "10"}).out).summary == "total 3 rows 0");

  // Moving and clearing: 0 = no owner / no group; the views follow at once.
  okProbe(s, {"device-update", "d4", "group=" + sc.g1, "owner=" + sc.dave});
  CHECK(listing(okProbe(s, {"device-list", sc.carol, "0", "10"}).out).ids.empty());
  CHECK(listing(okProbe(s, {"device-list", sc.alice, "0", "10"}).out).ids ==
        Ids{"d1", "d3", "d4", "d5"});
  CHECK(listing(okProbe(s, {"device-list", sc.dave, "0", "10"}).out).ids == Ids{"d4"});
  okProbe(s, {"device-update", "d4", "group=0", "owner=0", "note="});
  auto d4 = okProbe(s, {"device-get", "d4"}).out;
  CHECK(contains(d4, " owner=0 group=0 note= "));
  CHECK(listing(okProbe(s, {"device-list", sc.alice, "0", "10"}).out).ids == Ids{"d1", "d3", "d5"});

  // Leaving the user group ends carol's view of g2's devices.
  okProbe(s, {"device-update", "d4", "group=" + sc.g2});
  CHECK(listing(okProbe(s, {"device-list", sc.carol, "0", "10"}).out).ids == Ids{"d4"});
  ok(s, {"group", "remove-member", "team", "carol"});
  CHECK(listing(okProbe(s, {"device-list", sc.carol, "0", "10"}).out).ids.empty());
}

TEST_CASE("abi 1.3 view: device groups by name, by id and per user, and the id buffer protocol") {
  TestServer s(withCmdprobe());
  const Scene sc = build(s);
  CHECK(okProbe(s, {"dgroup-get", sc.g2}).out == "name g2\n");
  auto unknown = probe(s, {"dgroup-get", "99999"});
  CHECK(unknown.exitCode == 1);
  CHECK(contains(unknown.err, "status 2: no device group with id 99999")); // RDC_NOT_FOUND
  auto noName = probe(s, {"dgroup-find", "nope"});
  CHECK(noName.exitCode == 1);
  CHECK(contains(noName.err, "no device group named 'nope'"));

  CHECK(okProbe(s, {"dgroup-ids", "0"}).out == "ids " + sc.g1 + "," + sc.g2 + " names g1,g2\n");
  CHECK(okProbe(s, {"dgroup-ids", sc.alice}).out == "ids " + sc.g1 + " names g1\n");
  CHECK(okProbe(s, {"dgroup-ids", sc.carol}).out == "ids " + sc.g2 + " names g2\n");
  CHECK(okProbe(s, {"dgroup-ids", sc.bob}).out == "ids - names -\n");

  // Fewer slots than ids: only `cap` written (the guard slot keeps -7), and
  // the count tells the caller how many there are.
  CHECK(okProbe(s, {"dgroup-ids-raw", "0", "1"}).out == "count 2 buffer " + sc.g1 + ",-7\n");
  CHECK(okProbe(s, {"dgroup-ids-raw", "0", "0"}).out == "count 2 buffer -7\n");
  CHECK(okProbe(s, {"dgroup-ids-raw", "0", "3"}).out ==
        "count 2 buffer " + sc.g1 + "," + sc.g2 + ",-7,-7\n");
  // More than the SDK's first buffer of 16: it asks again with more room.
  std::string expected = sc.g1 + "," + sc.g2;
  for (int i = 0; i < 17; ++i) {
    const std::string name = "extra" + std::to_string(i);
    ok(s, {"device-group", "add", name});
    ok(s, {"device-group", "grant", name, "--user", "bob"});
    expected += "," + deviceGroupId(s, name);
  }
  CHECK(groupIds(okProbe(s, {"dgroup-ids", "0"}).out) == expected);
  CHECK(groupIds(okProbe(s, {"dgroup-ids", sc.bob}).out) ==
        expected.substr(sc.g1.size() + sc.g2.size() + 2));
}

TEST_CASE("abi 1.3 view: user_list pages users by name, any case, filtered by status") {
  TestServer s(withCmdprobe());
  for (const char *name : {"bob", "Alice", "carol", "Dave"})
    addUser(s, name, "a long enough password");
  addUser(s, "eve", "a long enough password", {"--admin"});
  ok(s, {"user", "disable", "carol"});

  auto all = okProbe(s, {"user-list", "0", "1000", "-2"}).out;
  std::vector<std::string> names;
  std::istringstream in(all);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("user ", 0) == 0)
      names.push_back(line.substr(5, line.find(' ', 5) - 5));
  CHECK(names == std::vector<std::string>{"Alice", "bob", "carol", "Dave", "eve"});
  CHECK(contains(all, "total 5 rows 5\n"));
  CHECK(contains(all, "user carol id=" + userId(s, "carol") + " status=0 admin=0\n"));
  CHECK(contains(all, " status=1 admin=1\n")); // eve

  CHECK(okProbe(s, {"user-list", "1", "2", "-2"}).out ==
        "user bob id=" + userId(s, "bob") + " status=1 admin=0\nuser carol id=" +
            userId(s, "carol") + " status=0 admin=0\ntotal 5 rows 2\n");
  auto disabled = okProbe(s, {"user-list", "0", "10", "0"}).out;
  CHECK(contains(disabled, "user carol "));
  CHECK(contains(disabled, "total 1 rows 1\n"));
  CHECK(contains(okProbe(s, {"user-list", "0", "10", "1"}).out, "total 4 rows 4\n"));
  CHECK(okProbe(s, {"user-list", "0", "10", "-1"}).out == "total 0 rows 0\n");
  CHECK(okProbe(s, {"user-list", "5", "10", "-2"}).out == "total 5 rows 0\n");
}

TEST_CASE("abi 1.3 view: bad input is RDC_INVALID or RDC_NOT_FOUND with a reason and changes "
          "nothing") {
  TestServer s(withCmdprobe());
  const Scene sc = build(s);
  const std::string before = okProbe(s, {"device-get", "d5"}).out;

  struct Case {
    std::vector<std::string> args;
    std::string error;
  };
  const std::vector<Case> cases = {
      {{"device-update", "d5", "owner=99999"},
       "status 3: device update: device_update: No user with id 99999"},
      {{"device-update", "d5", "owner=-1"}, "status 3: device update: device_update: No user"},
      {{"device-update", "d5", "group=99999"},
       "status 3: device update: device_update: No device group with id 99999"},
      {{"device-update", "d5", "owner=0", "group=99999"},
       "status 3: device update: device_update: No device group with id 99999"},
      {{"device-update", "d5", "note=" + std::string(1025, 'n')},
       "status 3: device update: device_update: Device note is too long (at most 1024 bytes)"},
      {{"device-update", "d5",
        "note=a\x1b"
        "b"},
       "status 3: device update: device_update: Device note must not contain control "
       "characters"},
      {{"device-update", "d5", "note=\xff"},
       "status 3: device update: device_update: Device note must be valid UTF-8"},
      {{"device-update", "", "owner=0"},
       "status 3: device update: device_update: Device id must not be empty"},
      {{"device-update", std::string(65, '7'), "owner=0"},
       "status 3: device update: device_update: Device id is too long (at most 64 bytes)"},
      {{"device-update", "nosuch", "owner=0"}, "no device with id 'nosuch'"}, // RDC_NOT_FOUND
      {{"device-list", "0", "-1", "10"}, "status 3: device_list: offset must not be negative"},
      {{"device-list", "0", "0", "0"}, "status 3: device_list: limit must be 1..1000"},
      {{"device-list", "0", "0", "1001"}, "status 3: device_list: limit must be 1..1000"},
      {{"device-list", "-1", "0", "10"}, "status 3: device_list: viewer must not be negative"},
      {{"user-list", "-1", "10", "-2"}, "status 3: user_list: offset must not be negative"},
      {{"user-list", "0", "0", "-2"}, "status 3: user_list: limit must be 1..1000"},
      {{"user-list", "0", "1001", "-2"}, "status 3: user_list: limit must be 1..1000"},
      {{"user-list", "0", "10", "2"}, "status 3: user_list: status must be -2 (any), 1, 0 or -1"},
      {{"dgroup-ids-raw", "-1", "4"},
       "status 3: device_group_ids: viewer_user_id must not be negative"},
  };
  for (const auto &c : cases) {
    CAPTURE(c.error);
    auto r = probe(s, c.args);
    INFO(r.out << r.err);
    CHECK(r.exitCode == 1);
    CHECK(contains(r.err, c.error));
  }

  // Calls a command line cannot make.
  auto raw = okProbe(s, {"view-bad-args"});
  for (const char *line : {
           "find-null-name 3: device_group_find: null argument\n",
           "find-null-out 3: device_group_find: null argument\n",
           "get-null-out 3: device_group_get: null argument\n",
           "ids-null-count 3: device_group_ids: null argument\n",
           "ids-null-out 3: device_group_ids: null argument\n",
           "ids-negative-viewer 3: device_group_ids: viewer_user_id must not be negative\n",
           "update-null-id 3: device_update: bad argument\n",
           "update-null-update 3: device_update: bad argument\n",
           "update-small-struct 3: device_update: bad argument\n",
           "update-unknown-bits 3: device_update: unknown bits in fields\n",
           "update-null-note 3: device_update: null note\n",
           "update-nul-in-id 3: device_update: Device id must not contain control characters\n",
           "list-null-query 3: device_list: bad argument\n",
           "list-null-fn 3: device_list: bad argument\n",
           "list-null-total 3: device_list: bad argument\n",
           "list-small-struct 3: device_list: bad argument\n",
           "list-negative-offset 3: device_list: offset must not be negative\n",
           "list-limit-0 3: device_list: limit must be 1..1000\n",
           "list-limit-1001 3: device_list: limit must be 1..1000\n",
           "list-negative-viewer 3: device_list: viewer must not be negative\n",
           "list-callback-throws 1: device_list: the module's callback threw (callbacks must not "
           "let exceptions escape)\n",
           "thrower calls 1\n",
           "users-null-fn 3: user_list: null argument\n",
           "users-null-total 3: user_list: null argument\n",
           "users-negative-offset 3: user_list: offset must not be negative\n",
           "users-limit-0 3: user_list: limit must be 1..1000\n",
           "users-limit-1001 3: user_list: limit must be 1..1000\n",
           "users-bad-status 3: user_list: status must be -2 (any), 1, 0 or -1\n",
       })
    CHECK_MESSAGE(contains(raw.out, line), line);

  // Nothing changed: the device, the groups, and no device was registered.
  CHECK(okProbe(s, {"device-get", "d5"}).out == before);
  CHECK(probe(s, {"device-get", "nosuch"}).exitCode == 1);
  CHECK(probe(s, {"device-get", "1"}).exitCode == 1);
  CHECK(listing(okProbe(s, {"device-list", "0", "0", "1000"}).out).summary == "total 6 rows 6");
  CHECK(okProbe(s, {"dgroup-ids", "0"}).out == "ids " + sc.g1 + "," + sc.g2 + " names g1,g2\n");
}

TEST_CASE("abi 1.3 view: a callback may make host calls, even with a pool of one connection") {
  TestServer s(withCmdprobe().set("db.pool_size=1").set("db.acquire_timeout_ms=2000"));
  const Scene sc = build(s);
  auto r = okProbe(s, {"device-list-nested", sc.alice});
  CHECK(r.out == "nested d1 get=d1 owner=alice\nnested d3 get=d3 owner=-\n"
                 "nested d5 get=d5 owner=bob\ntotal 3\n");
}

TEST_CASE("abi 1.3 view: the SDK's pages on the server's threads, bad input a 400") {
  TestServer s(withCmdprobe());
  const Scene sc = build(s);
  s.start();
  auto all = s.http().get("/fixture/cmdprobe/view/devices?limit=4");
  INFO(all.describe());
  REQUIRE(all.status == 200);
  CHECK(all.json() == nlohmann::json{{"total", 6}, {"ids", {"d1", "d2", "d3", "d4"}}});
  CHECK(s.http().get("/fixture/cmdprobe/view/devices?viewer=" + sc.bob).json() ==
        nlohmann::json{{"total", 2}, {"ids", {"d2", "d5"}}});

  // The operator's CLI changes an assignment; the server (no cache in the
  // host) shows it at once.
  okProbe(s, {"device-update", "d6", "owner=" + sc.bob});
  CHECK(s.http().get("/fixture/cmdprobe/view/devices?viewer=" + sc.bob + "&offset=1").json() ==
        nlohmann::json{{"total", 3}, {"ids", {"d5", "d6"}}});

  auto users = s.http().get("/fixture/cmdprobe/view/users?offset=1&limit=2");
  CHECK(users.json() == nlohmann::json{{"total", 4}, {"names", {"bob", "carol"}}});

  expectError(s.http().get("/fixture/cmdprobe/view/devices?limit=0"), 400,
              "device list: device_list: limit must be 1..1000");
  expectError(s.http().get("/fixture/cmdprobe/view/devices?offset=-5"), 400,
              "device list: device_list: offset must not be negative");
  expectError(s.http().get("/fixture/cmdprobe/view/users?status=9"), 400,
              "user list: user_list: status must be -2 (any), 1, 0 or -1");
}
