// The group view a stock client pulls after login (client-truth §2.21-2.23,
// §4 S11, §5.6): exact reply shapes, who sees what (Pro semantics: an
// administrator sees everything; anyone else sees themselves, the device
// groups granted to them directly or through a user group, their own devices
// and the devices of those groups — never another user's device otherwise),
// paging, and bad input.
#include "harness/GroupViewClient.h"

#include <doctest/doctest.h>

#include <algorithm>

using namespace harness;
using namespace harness::agent;
using nlohmann::json;

namespace {

// A sysinfo upload without presets (sysinfoBody carries one by default).
void plainUpload(const TestServer &s, const Device &d, const json &fields = json::object()) {
  json body = sysinfoBody(d, fields);
  body.erase("preset-address-book-name");
  INFO("POST /api/sysinfo " << body.dump());
  expectSysinfoUpdated(sysinfo(s, body));
}

json deviceRef(const Device &d) {
  return json{{"id", d.id}, {"uuid", d.uuid}};
}

json with(json base, const json &more) {
  for (const auto &[k, v] : more.items())
    base[k] = v;
  return base;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// root (administrator), alice, bob, carol (member of user group "support");
// device groups Eng and Ops; four devices:
//   d1 alice's, in Eng      d2 bob's, no group
//   d3 nobody's, in Ops     d4 nobody's, no group
struct Fleet {
  std::string root, alice, bob, carol;
  Device d1 = device(101), d2 = device(102), d3 = device(103), d4 = device(104);
};

// Starts the server.
Fleet populate(TestServer &s) {
  Fleet f;
  f.root = startWithAdmin(s, "root", {"--display-name", "Root"});
  f.alice = userToken(s, "alice", {"--display-name", "Alice", "--email", "a@x"});
  f.bob = userToken(s, "bob", {"--display-name", "Bob"});
  f.carol = userToken(s, "carol");
  runOk(s, {"group", "add", "support"});
  runOk(s, {"group", "add-member", "support", "carol"});
  addDeviceGroup(s, "Eng");
  addDeviceGroup(s, "Ops");
  for (const Device *d : {&f.d1, &f.d2, &f.d3, &f.d4})
    plainUpload(s, *d);
  assignOk(s, f.root,
           with(deviceRef(f.d1), {{"user_name", "alice"}, {"device_group_name", "Eng"}}));
  assignOk(s, f.root, with(deviceRef(f.d2), {{"user_name", "bob"}}));
  assignOk(s, f.root, with(deviceRef(f.d3), {{"device_group_name", "Ops"}}));
  return f;
}

} // namespace

TEST_CASE("Agent group view S11: the three pulls answer exactly what the client reads") {
  TestServer s(groupOptions());
  // S11's alice is an administrator and the only user.
  std::string alice = startWithAdmin(s, "alice", {"--display-name", "Alice"});
  addDeviceGroup(s, "Eng");
  Device d{"111111111", device(1).uuid};
  plainUpload(s, d,
              {{"username", "u"}, {"hostname", "PC1"}, {"os", "windows / Windows 11 Pro - 22631"}});
  assignOk(s, alice, with(deviceRef(d), {{"user_name", "alice"}, {"device_group_name", "Eng"}}));

  // Step 1 (Authorization header only, no Content-Type).
  json groups = page(s, alice, "/api/device-group/accessible?current=1&pageSize=100");
  CHECK(groups == json::parse(R"({"total":1,"data":[{"name":"Eng"}]})"));
  // Step 2.
  json users = page(s, alice, "/api/users?current=1&pageSize=100&accessible=&status=1");
  CHECK(users == json::parse(R"({"total":1,"data":[{"name":"alice","display_name":"Alice",
      "email":"","note":"","status":1,"is_admin":true}]})"));
  // Step 3: os verbatim (the client takes the platform from its first token).
  json peers = page(s, alice, "/api/peers?current=1&pageSize=100&accessible=&status=1");
  CHECK(peers == json::parse(R"({"total":1,"data":[{"id":"111111111","user":"alice",
      "user_name":"Alice","device_group_name":"Eng","note":"","status":1,
      "info":{"username":"u","device_name":"PC1","os":"windows / Windows 11 Pro - 22631"}}]})"));
}

TEST_CASE("Agent group view: a device without owner, group or sysinfo still has every typed "
          "field the client reads") {
  TestServer s(groupOptions());
  std::string root = startWithAdmin(s, "root");
  Device d = device(7);
  // Registered by --assign alone: no sysinfo yet.
  assignOk(s, root, with(deviceRef(d), {{"note", "rack 4"}}));
  json entry = peerEntry(s, root, d.id);
  INFO(entry.dump());
  REQUIRE(entry.is_object());
  // user / user_name / device_group_name: absent (the client reads null as "").
  CHECK_FALSE(entry.contains("user"));
  CHECK_FALSE(entry.contains("user_name"));
  CHECK_FALSE(entry.contains("device_group_name"));
  CHECK(entry["note"] == "rack 4");
  CHECK(entry["status"] == 1);
  CHECK(entry["info"] == json{{"username", ""}, {"device_name", ""}, {"os", ""}});
  CHECK_FALSE(hasNullAnywhere(entry));
}

TEST_CASE("Agent group view: an administrator sees every user, device group and device") {
  TestServer s(groupOptions());
  Fleet f = populate(s);
  CHECK(sorted(peerIds(s, f.root)) == sorted({f.d1.id, f.d2.id, f.d3.id, f.d4.id}));
  CHECK(deviceGroupNames(s, f.root) == std::vector<std::string>{"Eng", "Ops"});
  CHECK(userNames(s, f.root, "&accessible=&status=1") ==
        std::vector<std::string>{"alice", "bob", "carol", "root"});

  json d1 = peerEntry(s, f.root, f.d1.id);
  INFO(d1.dump());
  CHECK(d1["user"] == "alice");
  CHECK(d1["user_name"] == "Alice");
  CHECK(d1["device_group_name"] == "Eng");
  json d2 = peerEntry(s, f.root, f.d2.id);
  CHECK(d2["user"] == "bob");
  CHECK(d2["user_name"] == "Bob");
  CHECK_FALSE(d2.contains("device_group_name"));
  json d3 = peerEntry(s, f.root, f.d3.id);
  CHECK_FALSE(d3.contains("user"));
  CHECK(d3["device_group_name"] == "Ops");
  // The sysinfo shown: username, hostname as device_name, os verbatim.
  CHECK(d3["info"] == json{{"username", "alice"},
                           {"device_name", "PC1"},
                           {"os", "windows / Windows 11 Pro - 22631"}});
}

TEST_CASE("Agent group view: a user sees only themselves and their own devices until granted") {
  TestServer s(groupOptions());
  Fleet f = populate(s);

  // No grants: alice sees her d1 (even though its group Eng is not granted
  // to her), no device group, and only herself.
  CHECK(peerIds(s, f.alice) == std::vector<std::string>{f.d1.id});
  CHECK(deviceGroupNames(s, f.alice).empty());
  json me = page(s, f.alice, "/api/users?current=1&pageSize=100&accessible=&status=1");
  CHECK(me == json::parse(R"({"total":1,"data":[{"name":"alice","display_name":"Alice",
      "email":"a@x","note":"","status":1,"is_admin":false}]})"));
  CHECK(peerIds(s, f.bob) == std::vector<std::string>{f.d2.id});
  CHECK(userNames(s, f.bob) == std::vector<std::string>{"bob"});
  CHECK(peerIds(s, f.carol).empty());
  CHECK(deviceGroupNames(s, f.carol).empty());

  SUBCASE("a direct grant adds that group's devices, and only those") {
    grantDeviceGroup(s, "Ops", {"--user", "alice"});
    CHECK(sorted(peerIds(s, f.alice)) == sorted({f.d1.id, f.d3.id}));
    CHECK(deviceGroupNames(s, f.alice) == std::vector<std::string>{"Ops"});
    // Nobody else gained anything.
    CHECK(peerIds(s, f.bob) == std::vector<std::string>{f.d2.id});
    CHECK(peerIds(s, f.carol).empty());
  }
  SUBCASE("a grant to a user group reaches its members: another user's device in it too") {
    grantDeviceGroup(s, "Eng", {"--group", "support"});
    // carol sees alice's d1 because it is in Eng — never bob's d2.
    CHECK(peerIds(s, f.carol) == std::vector<std::string>{f.d1.id});
    CHECK(deviceGroupNames(s, f.carol) == std::vector<std::string>{"Eng"});
    json d1 = pullAll(s, f.carol, "/api/peers", "&accessible=&status=1").at(0);
    CHECK(d1["user"] == "alice");
    CHECK(d1["device_group_name"] == "Eng");
    // Still only herself among users.
    CHECK(userNames(s, f.carol, "&accessible=&status=1") == std::vector<std::string>{"carol"});
    CHECK(deviceGroupNames(s, f.bob).empty());
  }
  SUBCASE("moving a device into a granted group shows it; out of it hides it again") {
    grantDeviceGroup(s, "Ops", {"--user", "bob"});
    CHECK(sorted(peerIds(s, f.bob)) == sorted({f.d2.id, f.d3.id}));
    assignOk(s, f.root, with(deviceRef(f.d1), {{"device_group_name", "Ops"}}));
    CHECK(sorted(peerIds(s, f.bob)) == sorted({f.d1.id, f.d2.id, f.d3.id}));
    assignOk(s, f.root, with(deviceRef(f.d1), {{"device_group_name", ""}}));
    CHECK(sorted(peerIds(s, f.bob)) == sorted({f.d2.id, f.d3.id}));
    // The owner keeps seeing it whatever its group.
    CHECK(peerIds(s, f.alice) == std::vector<std::string>{f.d1.id});
  }
}

TEST_CASE("Agent group view: paging by current and pageSize, with a constant total") {
  TestServer s(groupOptions());
  std::string root = startWithAdmin(s, "root");
  std::vector<std::string> ids;
  for (int n = 1; n <= 5; ++n) {
    plainUpload(s, device(200 + n));
    ids.push_back(device(200 + n).id);
  }
  std::sort(ids.begin(), ids.end());

  std::vector<std::string> seen;
  for (int current = 1; current <= 3; ++current) {
    json p = page(s, root, "/api/peers?current=" + std::to_string(current) + "&pageSize=2");
    CHECK(p["total"] == 5);
    CHECK(p["data"].size() == (current < 3 ? 2u : 1u));
    for (const auto &e : p["data"])
      seen.push_back(e["id"].get<std::string>());
  }
  CHECK(seen == ids); // ordered by id, no overlap, nothing missing
  json beyond = page(s, root, "/api/peers?current=4&pageSize=2");
  CHECK(beyond["total"] == 5);
  CHECK(beyond["data"].empty());
  CHECK(page(s, root, "/api/peers?current=999999999999&pageSize=2")["data"].empty());

  // Defaults (1 and 100); pageSize clamped to 1..1000.
  CHECK(page(s, root, "/api/peers")["data"].size() == 5);
  CHECK(page(s, root, "/api/peers?pageSize=0")["data"].size() == 1);
  CHECK(page(s, root, "/api/peers?pageSize=-3")["data"].size() == 1);
  CHECK(page(s, root, "/api/peers?current=1&pageSize=5000")["data"].size() == 5);
  CHECK(page(s, root, "/api/peers?current=&pageSize=")["data"].size() == 5);

  // Users and device groups page the same way.
  addUser(s, "u1", kUserPassword);
  addUser(s, "u2", kUserPassword);
  json u = page(s, root, "/api/users?current=2&pageSize=1");
  CHECK(u["total"] == 3);
  REQUIRE(u["data"].size() == 1);
  CHECK(u["data"][0]["name"] == "u1"); // by name: root, u1, u2
  addDeviceGroup(s, "b-group");
  addDeviceGroup(s, "A-group");
  addDeviceGroup(s, "c-group");
  json g = page(s, root, "/api/device-group/accessible?current=2&pageSize=2");
  CHECK(g == json::parse(R"({"total":3,"data":[{"name":"c-group"}]})"));
  CHECK(deviceGroupNames(s, root) == std::vector<std::string>{"A-group", "b-group", "c-group"});
}

TEST_CASE("Agent group view: /api/users honours status (1 = normal only; empty = any)") {
  TestServer s(groupOptions());
  std::string root = startWithAdmin(s, "root");
  addUser(s, "dave", kUserPassword);
  runOk(s, {"user", "disable", "dave"});
  CHECK(userNames(s, root, "&accessible=&status=1") == std::vector<std::string>{"root"});
  CHECK(userNames(s, root, "&status=") == std::vector<std::string>{"dave", "root"});
  CHECK(userNames(s, root) == std::vector<std::string>{"dave", "root"});
  json disabled = page(s, root, "/api/users?status=0");
  REQUIRE(disabled["data"].size() == 1);
  CHECK(disabled["data"][0]["name"] == "dave");
  CHECK(disabled["data"][0]["status"] == 0);
  CHECK(disabled["data"][0]["is_admin"] == false);
}

TEST_CASE("Agent group view: bad input is a 400 with an error, no token a 401") {
  TestServer s(groupOptions());
  std::string root = startWithAdmin(s, "root");
  std::string bob = userToken(s, "bob");
  for (const char *path : {"/api/peers", "/api/users", "/api/device-group/accessible"}) {
    CAPTURE(path);
    std::string p(path);
    for (const char *query : {"?current=abc", "?current=0", "?current=-1", "?current=1.5",
                              "?pageSize=ten", "?current=1&pageSize=1e3", "?current=%2B"}) {
      CAPTURE(query);
      expectError(groupGet(s, root, p + query), 400);
      expectError(groupGet(s, bob, p + query), 400);
    }
    auto none = s.http().get(p);
    expectError(none, 401);
    expectError(groupGet(s, "not-a-token", p), 401);
    expectError(groupGet(s, "", p), 401); // "Bearer " with nothing after it (§1.3)
  }
  for (const char *query : {"?status=abc", "?status=2", "?status=-2", "?status=1x"}) {
    CAPTURE(query);
    expectError(groupGet(s, root, std::string("/api/users") + query), 400);
  }
  // A well-formed page still answers after all that.
  CHECK(page(s, bob, "/api/users?current=1&pageSize=100&accessible=&status=1")["total"] == 1);
}
