// `rustdesk --assign --token T ...` (client-truth §2.32, §4 S16) and
// `rustdesk --deploy` (E3) as the client sends them: an administrator's
// Bearer token, Content-Type application/json. --assign succeeds with 200 and
// an EMPTY body (the client prints "Done!") and refuses with one line of
// plain text (printed verbatim); its effects are seen through the group view
// (/api/peers) and the shared address-book API (/api/ab/peers). --deploy
// always answers 200 {"result": ...}.
#include "harness/AbClient.h"
#include "harness/GroupViewClient.h"

#include <doctest/doctest.h>

using namespace harness;
using namespace harness::agent;
using nlohmann::json;

namespace {

json deviceRef(const Device &d) {
  return json{{"id", d.id}, {"uuid", d.uuid}};
}

json with(json base, const json &more) {
  for (const auto &[k, v] : more.items())
    base[k] = v;
  return base;
}

size_t historyEntries(const TestServer &s, const std::string &guid) {
  return harness::ab::tableRows(harness::ab::cliOk(s, {"history", guid, "--limit", "0"})).size();
}

} // namespace

TEST_CASE("Agent assign S16: --user_name --address_book_name --address_book_tag → Done! and "
          "both effects visible") {
  TestServer s(groupOptions(/*addressBooks=*/true));
  std::string root = startWithAdmin(s, "root");
  std::string alice = userToken(s, "alice", {"--display-name", "Alice"});
  std::string eng = harness::ab::createShared(s, "Eng", "alice");
  Device d{"123456789", device(1).uuid};

  json body = {{"id", d.id},
               {"uuid", d.uuid},
               {"user_name", "alice"},
               {"address_book_name", "Eng"},
               {"address_book_tag", "t1"}};
  auto r = assignCli(s, root, body);
  expectDone(r);

  // Synchronous: the device is registered and owned by alice.
  json entry = peerEntry(s, root, d.id);
  INFO(entry.dump());
  REQUIRE(entry.is_object());
  CHECK(entry["user"] == "alice");
  CHECK(entry["user_name"] == "Alice");
  // alice now sees it in her own group view.
  CHECK(peerIds(s, alice) == std::vector<std::string>{d.id});

  // Asynchronous: filed into Eng with the tag, which the book now has.
  harness::ab::AbClient reader(s, alice);
  json peer = waitForFiledPeer(reader, eng, d.id);
  harness::ab::checkPeerShape(peer, harness::ab::Kind::Shared);
  CHECK(peer["tags"] == json::array({"t1"}));
  auto book = reader.pull(eng, harness::ab::Kind::Shared);
  CHECK(book.tagNames() == std::vector<std::string>{"t1"});
  CHECK(historyEntries(s, eng) == 1);
  std::string history = harness::ab::cliOk(s, {"history", eng});
  CHECK(history.find("agent-loop") != std::string::npos);

  SUBCASE("the same --assign again changes nothing: no journal entry, no duplicate") {
    expectDone(assignCli(s, root, body));
    // Events are delivered in order: once a later filing is visible, the
    // repeated one has been handled.
    Device other = device(2);
    assignOk(s, root,
             with(deviceRef(other), {{"user_name", "alice"}, {"address_book_name", "Eng"}}));
    waitForFiledPeer(reader, eng, other.id);
    CHECK(historyEntries(s, eng) == 2); // only the other device's
    auto again = reader.pull(eng, harness::ab::Kind::Shared);
    CHECK(again.peers.size() == 2);
    CHECK(again.peer(d.id)["tags"] == json::array({"t1"}));
  }
}

TEST_CASE("Agent assign: every field at once, seen through the group view, the address book "
          "and the strategy") {
  TestServer s(groupOptions(/*addressBooks=*/true));
  std::string root = startWithAdmin(s, "root");
  std::string bob = userToken(s, "bob", {"--display-name", "Bob"});
  // With a user_name, the book must be that user's.
  std::string ops = harness::ab::createShared(s, "Ops desk", "bob");
  addDeviceGroup(s, "Ops");
  runOk(s, {"strategy", "create", "Locked"});
  runOk(s, {"strategy", "set", "Locked", "enable-keyboard=N"});
  Device d = device(3);
  upload(s, d, {{"preset-address-book-name", nullptr}});

  assignOk(s, root,
           with(deviceRef(d), {{"user_name", "bob"},
                               {"strategy_name", "locked"}, // names ignore case
                               {"device_group_name", "ops"},
                               {"note", "front desk"},
                               {"device_username", "kiosk"},
                               {"device_name", "KIOSK-1"},
                               {"address_book_name", "Ops desk"},
                               {"address_book_tag", "lobby"},
                               {"address_book_alias", "Kiosk"},
                               {"address_book_password", "s3cret"},
                               {"address_book_note", "by the door"}}));

  json entry = peerEntry(s, root, d.id);
  INFO(entry.dump());
  CHECK(entry["user"] == "bob");
  CHECK(entry["device_group_name"] == "Ops");
  CHECK(entry["note"] == "front desk");
  // The assigned labels replace the sysinfo's username and hostname.
  CHECK(entry["info"] == json{{"username", "kiosk"},
                              {"device_name", "KIOSK-1"},
                              {"os", "windows / Windows 11 Pro - 22631"}});
  CHECK(runOk(s, {"strategy", "show", "Locked"}).find("assigned to device " + d.id) !=
        std::string::npos);

  harness::ab::AbClient reader(s, bob);
  json peer = waitForFiledPeer(reader, ops, d.id);
  CHECK(peer["alias"] == "Kiosk");
  CHECK(peer["tags"] == json::array({"lobby"}));
  CHECK(peer["password"] == "s3cret");
  CHECK(peer["note"] == "by the door");
  // What the device shows, for a new peer.
  CHECK(peer["username"] == "kiosk");
  CHECK(peer["hostname"] == "KIOSK-1");
  CHECK(peer["platform"] == "Windows");

  SUBCASE("empty values clear owner, device group, note and labels") {
    assignOk(s, root,
             with(deviceRef(d), {{"user_name", ""},
                                 {"device_group_name", ""},
                                 {"note", ""},
                                 {"device_username", ""},
                                 {"device_name", ""}}));
    json cleared = peerEntry(s, root, d.id);
    INFO(cleared.dump());
    CHECK_FALSE(cleared.contains("user"));
    CHECK_FALSE(cleared.contains("device_group_name"));
    CHECK(cleared["note"] == "");
    CHECK(cleared["info"]["username"] == "alice"); // the sysinfo's again
    CHECK(cleared["info"]["device_name"] == "PC1");
  }
}

TEST_CASE("Agent assign: My address book with a user_name files into that user's personal book") {
  TestServer s(groupOptions(/*addressBooks=*/true));
  std::string root = startWithAdmin(s, "root");
  std::string alice = userToken(s, "alice");
  Device d = device(4);
  assignOk(s, root,
           with(deviceRef(d), {{"user_name", "alice"},
                               {"address_book_name", "My address book"},
                               {"address_book_alias", "home"}}));
  harness::ab::AbClient reader(s, alice);
  std::string personal = reader.personalGuid();
  json peer = waitForFiledPeer(reader, personal, d.id);
  CHECK(peer["alias"] == "home");
}

TEST_CASE("Agent assign: an unknown name is refused in plain text and nothing changes") {
  TestServer s(groupOptions(/*addressBooks=*/true));
  std::string root = startWithAdmin(s, "root");
  addUser(s, "alice", kUserPassword);
  std::string eng = harness::ab::createShared(s, "Eng", "root");
  addDeviceGroup(s, "Ops");
  Device d = device(5);

  struct Case {
    json fields;
    std::string message;
  };
  std::vector<Case> cases = {
      {{{"user_name", "bob"}, {"address_book_name", "Eng"}}, "Error: user 'bob' not found"},
      {{{"user_name", "alice"}, {"device_group_name", "Nope"}},
       "Error: device group 'Nope' not found"},
      {{{"strategy_name", "Nope"}, {"note", "x"}}, "Error: strategy 'Nope' not found"},
  };
  for (const Case &c : cases) {
    json body = with(deviceRef(d), c.fields);
    CAPTURE(body.dump());
    auto r = assignCli(s, root, body);
    CHECK(expectRefusal(r) == c.message);
    CHECK(r.status == 404);
  }
  // The device was not even registered, and no filing happened: a later
  // valid filing is the first entry of the book.
  CHECK(peerIds(s, root).empty());
  Device other = device(6);
  assignOk(s, root, with(deviceRef(other), {{"address_book_name", "Eng"}}));
  harness::ab::AbClient reader(s, root);
  waitForFiledPeer(reader, eng, other.id);
  CHECK(historyEntries(s, eng) == 1);
  CHECK(reader.pull(eng, harness::ab::Kind::Shared).peer(d.id).is_null());
}

TEST_CASE("Agent assign: bad input is a 4xx one-line plain-text error") {
  TestServer s(groupOptions());
  std::string root = startWithAdmin(s, "root");
  Device d = device(8);
  auto post = [&](const std::string &raw) {
    return s.http().post(
        "/api/devices/cli", raw,
        {{"Authorization", "Bearer " + root}, {"Content-Type", "application/json"}});
  };
  for (const std::string &raw :
       {std::string(""), std::string("not json"), std::string("[1,2]"),
        json{{"uuid", d.uuid}, {"note", "x"}}.dump(), json{{"id", d.id}, {"note", "x"}}.dump(),
        json{{"id", 5}, {"uuid", d.uuid}, {"note", "x"}}.dump(),
        json{{"id", d.id}, {"uuid", d.uuid}, {"user_name", 7}}.dump(),
        json{{"id", d.id}, {"uuid", d.uuid}, {"note", std::string(2000, 'n')}}.dump(),
        json{{"id", d.id}, {"uuid", d.uuid}, {"note", "two\nlines"}}.dump(),
        json{{"id", d.id}, {"uuid", d.uuid}, {"address_book_name", ""}}.dump(),
        json{{"id", d.id}, {"uuid", d.uuid}, {"address_book_tag", "t1"}}.dump()}) {
    CAPTURE(raw);
    auto r = post(raw);
    expectRefusal(r);
    CHECK(r.status == 400);
  }
  // Nothing to assign: only the id and uuid.
  auto nothing = assignCli(s, root, deviceRef(d));
  CHECK(expectRefusal(nothing).find("at least one of") != std::string::npos);
  CHECK(peerIds(s, root).empty());

  // A pinned id presented with another machine's uuid.
  upload(s, d, {{"preset-address-book-name", nullptr}});
  auto stolen = assignCli(s, root, json{{"id", d.id}, {"uuid", otherUuid(8)}, {"note", "x"}});
  CHECK(expectRefusal(stolen).find("registered to another machine") != std::string::npos);
  CHECK(stolen.status == 403);
  CHECK(peerEntry(s, root, d.id)["note"] == "");
}

TEST_CASE("Agent assign: only an administrator's token may assign or deploy") {
  TestServer s(groupOptions());
  std::string root = startWithAdmin(s, "root");
  std::string bob = userToken(s, "bob");
  Device d = device(9);
  json body = with(deviceRef(d), {{"user_name", "bob"}});
  auto r = assignCli(s, bob, body);
  CHECK(r.status == 403);
  CHECK(r.body.find("Administrator") != std::string::npos);
  CHECK(r.body.find('\n') == std::string::npos); // printed verbatim, still one line
  auto dep = deploy(s, bob, with(deviceRef(d), {{"pk", std::string(43, 'A') + "="}}));
  CHECK(dep.status == 403);
  CHECK(assignCli(s, "not-a-token", body).status == 401);
  CHECK(s.http().post("/api/devices/cli", body.dump()).status == 401);
  // Nothing was registered.
  CHECK(peerIds(s, root).empty());
}

TEST_CASE("Agent deploy: OK, ID_TAKEN, INVALID_INPUT") {
  TestServer s(groupOptions());
  std::string root = startWithAdmin(s, "root");
  Device d = device(10);
  // base64 of a 32-byte key: 43 characters and one '='.
  const std::string pk = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
  auto result = [](const HttpResponse &r) {
    INFO(r.describe());
    CHECK(r.status == 200);
    CHECK(r.header("Content-Type").value_or("") == kJsonContentType);
    json j = json::parse(r.body, nullptr, false);
    REQUIRE(j.is_object());
    REQUIRE(j.size() == 1);
    REQUIRE(j["result"].is_string());
    return j["result"].get<std::string>();
  };

  CHECK(result(deploy(s, root, with(deviceRef(d), {{"pk", pk}}))) == "OK");
  // Registered with the uuid pinned: listed, its own heartbeat accepted,
  // another machine's refused.
  CHECK(peerIds(s, root) == std::vector<std::string>{d.id});
  expectHeartbeat(heartbeat(s, heartbeatBody(d)));
  expectError(heartbeat(s, heartbeatBody(Device{d.id, otherUuid(10)})), 403, kMismatch);
  // Deploying again from the same machine is fine (the key may change).
  CHECK(result(deploy(s, root, with(deviceRef(d), {{"pk", pk}}))) == "OK");
  CHECK(result(deploy(s, root, json{{"id", d.id}, {"uuid", otherUuid(10)}, {"pk", pk}})) ==
        "ID_TAKEN");

  for (const json &bad : {
           json{{"uuid", d.uuid}, {"pk", pk}},
           json{{"id", "200000001"}, {"pk", pk}},
           json{{"id", "200000001"}, {"uuid", d.uuid}},
           json{{"id", "200000001"}, {"uuid", d.uuid}, {"pk", "not base64!"}},
           json{{"id", "200000001"}, {"uuid", d.uuid}, {"pk", "AAAA"}}, // 3 bytes
           json{{"id", "200000001"}, {"uuid", d.uuid}, {"pk", pk + pk}},
           json{{"id", "has space"}, {"uuid", d.uuid}, {"pk", pk}},
           json{{"id", 200000001}, {"uuid", d.uuid}, {"pk", pk}},
           json{{"id", ""}, {"uuid", d.uuid}, {"pk", pk}},
       }) {
    CAPTURE(bad.dump());
    CHECK(result(deploy(s, root, bad)) == "INVALID_INPUT");
  }
  auto raw =
      s.http().post("/api/devices/deploy", "not json",
                    {{"Authorization", "Bearer " + root}, {"Content-Type", "application/json"}});
  CHECK(result(raw) == "INVALID_INPUT");
  // None of the invalid ones registered anything.
  CHECK(peerIds(s, root) == std::vector<std::string>{d.id});
}

TEST_CASE("Agent deploy: NOT_ENABLED when agent-loop.deploy_enabled=false") {
  TestServer s(groupOptions(false, {"agent-loop.deploy_enabled=false"}));
  std::string root = startWithAdmin(s, "root");
  Device d = device(11);
  auto r =
      deploy(s, root, with(deviceRef(d), {{"pk", "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="}}));
  INFO(r.describe());
  CHECK(r.status == 200);
  CHECK(json::parse(r.body, nullptr, false) == json{{"result", "NOT_ENABLED"}});
  CHECK(peerIds(s, root).empty());
}
