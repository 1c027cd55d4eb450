// sysinfo presets (client-truth §0 B4, §2.26): a client configured with
// preset-* options sends them, hyphenated, in every sysinfo upload; the
// server files the device into an address book and assigns its user, device
// group, note and strategy. The reply is SYSINFO_UPDATED whatever the presets
// say (anything else makes the client re-POST), and re-sent presets change
// nothing.
#include "harness/AbClient.h"
#include "harness/GroupViewClient.h"
#include "harness/Poll.h"

#include <doctest/doctest.h>

using namespace harness;
using namespace harness::agent;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

namespace hab = harness::ab;

// sysinfoBody's default preset dropped, `presets` added.
json presetSysinfo(const Device &d, const json &presets) {
  json body = sysinfoBody(d);
  body.erase("preset-address-book-name");
  for (const auto &[k, v] : presets.items())
    body[k] = v;
  return body;
}

void uploadPresets(const TestServer &s, const Device &d, const json &presets) {
  json body = presetSysinfo(d, presets);
  INFO("POST /api/sysinfo " << body.dump());
  expectSysinfoUpdated(sysinfo(s, body));
}

size_t historyEntries(const TestServer &s, const std::string &guid) {
  return hab::tableRows(hab::cliOk(s, {"history", guid, "--limit", "0"})).size();
}

bool logHas(const TestServer &s, const std::string &text) {
  return pollUntil(
      5s, [&] { return s.log().find(text) != std::string::npos; }, 50ms);
}

// The heartbeat reply as the client reads it (any object; strategy allowed).
json heartbeatReply(const TestServer &s, const Device &d, long long modifiedAt) {
  json body = heartbeatBody(d);
  body["modified_at"] = modifiedAt;
  auto r = heartbeat(s, body);
  INFO(r.describe());
  REQUIRE(r.status == 200);
  json j = json::parse(r.body, nullptr, false);
  REQUIRE(j.is_object());
  CHECK_FALSE(j.contains("error"));
  return j;
}

// Polls heartbeats until one carries a strategy; its modified_at.
long long waitForStrategy(const TestServer &s, const Device &d) {
  json reply;
  bool ok = pollUntil(
      10s,
      [&] {
        reply = heartbeatReply(s, d, 0);
        return reply.contains("strategy");
      },
      100ms);
  INFO("last heartbeat reply: " << reply.dump());
  REQUIRE_MESSAGE(ok, "no strategy reached device " << d.id);
  REQUIRE(reply["modified_at"].is_number_integer());
  return reply["modified_at"].get<long long>();
}

} // namespace

TEST_CASE("Agent presets: hyphenated presets file the device and assign user, group and note") {
  TestServer s(groupOptions(/*addressBooks=*/true));
  std::string root = startWithAdmin(s, "root");
  std::string alice = userToken(s, "alice", {"--display-name", "Alice"});
  std::string eng = hab::createShared(s, "Eng", "alice");
  addDeviceGroup(s, "Ops");
  Device d = device(21);

  uploadPresets(s, d,
                {{"preset-address-book-name", "Eng"},
                 {"preset-address-book-tag", "t1"},
                 {"preset-address-book-alias", "Front desk"},
                 {"preset-address-book-password", "pw1"},
                 {"preset-address-book-note", "lobby"},
                 {"preset-user-name", "alice"},
                 {"preset-device-group-name", "Ops"},
                 {"preset-note", "installed by script"}});

  // Assigned before SYSINFO_UPDATED was answered.
  json entry = peerEntry(s, root, d.id);
  INFO(entry.dump());
  CHECK(entry["user"] == "alice");
  CHECK(entry["user_name"] == "Alice");
  CHECK(entry["device_group_name"] == "Ops");
  CHECK(entry["note"] == "installed by script");

  hab::AbClient reader(s, alice);
  json peer = waitForFiledPeer(reader, eng, d.id);
  hab::checkPeerShape(peer, hab::Kind::Shared);
  CHECK(peer["alias"] == "Front desk");
  CHECK(peer["tags"] == json::array({"t1"}));
  CHECK(peer["note"] == "lobby");
  CHECK(peer["password"] == "pw1");
  CHECK(peer["hostname"] == "PC1");
  CHECK(peer["username"] == "alice");
  CHECK(peer["platform"] == "Windows");
  CHECK(reader.pull(eng, hab::Kind::Shared).tagNames() == std::vector<std::string>{"t1"});
}

TEST_CASE("Agent presets: underscored spellings are read too; the hyphenated one wins") {
  TestServer s(groupOptions(/*addressBooks=*/true));
  std::string root = startWithAdmin(s, "root");
  addUser(s, "alice", kUserPassword);
  addUser(s, "bob", kUserPassword);
  std::string shared = hab::createShared(s, "Shared", "root");
  addDeviceGroup(s, "Ops");
  addDeviceGroup(s, "Lab");
  Device d1 = device(22), d2 = device(23), d3 = device(24);

  uploadPresets(s, d1,
                {{"preset_address_book_name", "Shared"},
                 {"preset_address_book_alias", "underscored"},
                 {"preset_user_name", "alice"},
                 {"preset_device_group_name", "Ops"},
                 {"preset_note", "n1"}});
  uploadPresets(s, d2, {{"preset_username", "bob"}}); // the old spec's spelling
  uploadPresets(s, d3,
                {{"preset-user-name", "alice"},
                 {"preset_user_name", "bob"},
                 {"preset-device-group-name", "Lab"},
                 {"preset_device_group_name", "Ops"}});

  json e1 = peerEntry(s, root, d1.id);
  INFO(e1.dump());
  CHECK(e1["user"] == "alice");
  CHECK(e1["device_group_name"] == "Ops");
  CHECK(e1["note"] == "n1");
  CHECK(peerEntry(s, root, d2.id)["user"] == "bob");
  json e3 = peerEntry(s, root, d3.id);
  CHECK(e3["user"] == "alice");
  CHECK(e3["device_group_name"] == "Lab");

  // With a user name the book must be that user's: d1 names alice and
  // "Shared" is root's, so d1 is not filed (logged). Without a user name the
  // shared book of that name is used.
  CHECK(logHas(s, "is not owned by \"alice\""));
  Device d4 = device(25);
  uploadPresets(
      s, d4,
      {{"preset_address_book_name", "Shared"}, {"preset_address_book_alias", "underscored"}});
  hab::AbClient reader(s, root);
  json peer = waitForFiledPeer(reader, shared, d4.id);
  CHECK(peer["alias"] == "underscored");
  CHECK(reader.pull(shared, hab::Kind::Shared).peer(d1.id).is_null());
}

TEST_CASE("Agent presets: a re-sent preset changes nothing (no journal entry, no strategy "
          "re-delivery)") {
  TestServer s(groupOptions(/*addressBooks=*/true, {"agent-loop.max_requests_per_device=0",
                                                    "agent-loop.flush_interval_ms=100"}));
  std::string root = startWithAdmin(s, "root");
  std::string eng = hab::createShared(s, "Eng", "root");
  addDeviceGroup(s, "Ops");
  runOk(s, {"strategy", "create", "S1"});
  runOk(s, {"strategy", "set", "S1", "enable-keyboard=N"});
  runOk(s, {"strategy", "create", "S2"});
  runOk(s, {"strategy", "set", "S2", "enable-clipboard=N"});
  Device d = device(26), barrier = device(27);
  json presets = {{"preset-address-book-name", "Eng"}, {"preset-address-book-tag", "t1"},
                  {"preset-address-book-alias", "A"},  {"preset-device-group-name", "Ops"},
                  {"preset-strategy-name", "S1"},      {"preset-note", "n"}};

  uploadPresets(s, d, presets);
  hab::AbClient reader(s, root);
  waitForFiledPeer(reader, eng, d.id);
  long long stamp = waitForStrategy(s, d);
  CHECK(heartbeatReply(s, d, stamp) == json::object()); // delivered once

  for (int i = 0; i < 3; ++i)
    uploadPresets(s, d, presets);

  // Barriers: a later filing and a later strategy change. Events and
  // strategy reloads both follow the order of the changes, so once these are
  // visible the re-sends have been handled.
  uploadPresets(s, barrier, {{"preset-address-book-name", "Eng"}});
  waitForFiledPeer(reader, eng, barrier.id);
  runOk(s, {"strategy", "assign", "S2", "--device", barrier.id});
  waitForStrategy(s, barrier);

  CHECK(historyEntries(s, eng) == 2); // d's first filing and the barrier's
  auto book = reader.pull(eng, hab::Kind::Shared);
  CHECK(book.peers.size() == 2);
  CHECK(book.peer(d.id)["tags"] == json::array({"t1"}));
  CHECK(book.tagNames() == std::vector<std::string>{"t1"});
  CHECK(heartbeatReply(s, d, stamp) == json::object()); // no strategy again
  json entry = peerEntry(s, root, d.id);
  CHECK(entry["device_group_name"] == "Ops");
  CHECK(entry["note"] == "n");
}

TEST_CASE("Agent presets: unknown names still get SYSINFO_UPDATED and change nothing") {
  TestServer s(groupOptions(/*addressBooks=*/true));
  std::string root = startWithAdmin(s, "root");
  std::string eng = hab::createShared(s, "Eng", "root");
  addDeviceGroup(s, "Ops");
  Device d = device(28);

  // One unknown name spoils the whole preset: the valid group and book are
  // not applied either (everything is checked before anything changes).
  uploadPresets(s, d,
                {{"preset-user-name", "nobody"},
                 {"preset-device-group-name", "Ops"},
                 {"preset-address-book-name", "Eng"}});
  CHECK(logHas(s, "user 'nobody' not found"));
  json entry = peerEntry(s, root, d.id);
  INFO(entry.dump());
  REQUIRE(entry.is_object()); // the device itself is registered, its sysinfo stored
  CHECK_FALSE(entry.contains("user"));
  CHECK_FALSE(entry.contains("device_group_name"));
  CHECK(entry["info"]["device_name"] == "PC1");

  uploadPresets(s, d, {{"preset-strategy-name", "Nope"}, {"preset-note", "x"}});
  CHECK(logHas(s, "strategy 'Nope' not found"));
  uploadPresets(s, d, {{"preset-device-group-name", "Nope"}});
  CHECK(logHas(s, "device group 'Nope' not found"));
  CHECK(peerEntry(s, root, d.id)["note"] == "");

  // An address book nobody has: logged by the store, nothing filed.
  uploadPresets(s, d, {{"preset-address-book-name", "No such book"}});
  CHECK(logHas(s, "no shared address book named \"No such book\""));

  // A preset that is not a string is skipped; the others apply.
  uploadPresets(s, d, {{"preset-user-name", 5}, {"preset-note", "kept"}});
  CHECK(peerEntry(s, root, d.id)["note"] == "kept");

  // Nothing reached Eng: the next filing is its first entry.
  Device other = device(29);
  uploadPresets(s, other, {{"preset-address-book-name", "Eng"}});
  hab::AbClient reader(s, root);
  waitForFiledPeer(reader, eng, other.id);
  CHECK(historyEntries(s, eng) == 1);
  CHECK(reader.pull(eng, hab::Kind::Shared).peer(d.id).is_null());
  // And the device still uploads and beats normally.
  CHECK(heartbeat(s, heartbeatBody(d)).status == 200);
}

TEST_CASE("Agent presets: without the address-book modules the preset is harmless") {
  TestServer s(groupOptions(/*addressBooks=*/false));
  std::string root = startWithAdmin(s, "root");
  addUser(s, "alice", kUserPassword);
  Device d = device(30);
  uploadPresets(s, d, {{"preset-address-book-name", "Eng"}, {"preset-user-name", "alice"}});
  CHECK(peerEntry(s, root, d.id)["user"] == "alice");
}

TEST_CASE(
    "Agent presets: an administrator's later change sticks, and different presets apply again") {
  TestServer s(groupOptions(/*addressBooks=*/false));
  std::string root = startWithAdmin(s, "root");
  addUser(s, "alice", kUserPassword);
  addUser(s, "bob", kUserPassword);
  addDeviceGroup(s, "Ops");
  addDeviceGroup(s, "Lab");
  Device d = device(31);
  json presets = {{"preset-user-name", "alice"}, {"preset-device-group-name", "Ops"}};
  uploadPresets(s, d, presets);
  CHECK(peerEntry(s, root, d.id)["user"] == "alice");

  // The operator moves the device; the client keeps sending its presets.
  runOk(s, {"devices", "assign", d.id, "--user", "bob", "--device-group", "Lab"});
  for (int i = 0; i < 2; ++i)
    uploadPresets(s, d, presets);
  json entry = peerEntry(s, root, d.id);
  INFO(entry.dump());
  CHECK(entry["user"] == "bob");
  CHECK(entry["device_group_name"] == "Lab");

  // The client is reconfigured with other presets: they act.
  uploadPresets(s, d, {{"preset-user-name", "alice"}, {"preset-device-group-name", "Lab"}});
  json moved = peerEntry(s, root, d.id);
  CHECK(moved["user"] == "alice");
  CHECK(moved["device_group_name"] == "Lab");
}

TEST_CASE("Agent presets: a preset refused for an unknown name acts once the name exists") {
  TestServer s(groupOptions(/*addressBooks=*/false));
  std::string root = startWithAdmin(s, "root");
  Device d = device(32);
  json presets = {{"preset-user-name", "carol"}};
  uploadPresets(s, d, presets);
  CHECK(logHas(s, "user 'carol' not found"));
  CHECK_FALSE(peerEntry(s, root, d.id).contains("user"));
  addUser(s, "carol", kUserPassword);
  uploadPresets(s, d, presets);
  CHECK(peerEntry(s, root, d.id)["user"] == "carol");
}
