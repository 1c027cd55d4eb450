// API tokens: `rdconsole api-token create/list/revoke` as an operator uses
// them, and `rustdesk --assign --token <API token>` (POST /api/devices/cli,
// client-truth §2.32) as an installer script runs it: an API token with scope
// "devices" assigns like an administrator's login token (200, empty body:
// "Done!"); a revoked, expired, garbled or out-of-scope one is refused with
// one line of plain text and changes nothing. The token is printed once, by
// create, and never appears in `api-token list` or in the server's log.
#include "harness/Database.h"
#include "harness/GroupViewClient.h"
#include "harness/Poll.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>
#include <doctest/doctest.h>

#include <map>
#include <sstream>

using namespace harness;
using namespace harness::agent;
using nlohmann::json;

namespace {

bool contains(const std::string &hay, const std::string &needle) {
  return hay.find(needle) != std::string::npos;
}

// The last `n` words of a listed row.
std::vector<std::string> tail(const std::vector<std::string> &row, size_t n) {
  return std::vector<std::string>(row.end() - static_cast<std::ptrdiff_t>(n), row.end());
}

bool isTime(const std::string &secondWord) {
  return secondWord.size() == 9 && secondWord.back() == 'Z';
}

std::string sha256Hex(const std::string &text) {
  Poco::SHA2Engine e(Poco::SHA2Engine::SHA_256);
  e.update(text);
  return Poco::DigestEngine::digestToHex(e.digest());
}

// `rdconsole api-token create NAME --scope devices [extra...]`; REQUIREs exit
// 0 and one line holding the token; returns the token.
std::string createToken(const TestServer &s, const std::string &name,
                        const std::vector<std::string> &extra = {}) {
  std::vector<std::string> args = {"api-token", "create", name, "--scope", "devices"};
  args.insert(args.end(), extra.begin(), extra.end());
  RunResult r = s.cli(args);
  INFO("api-token create " << name << ": " << r.out << r.err);
  REQUIRE(r.exitCode == 0);
  std::istringstream lines(r.out);
  std::string token;
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("rdcapi_", 0) == 0) {
      CHECK(token.empty()); // printed once
      token = line;
    }
  REQUIRE(token.size() == 50); // "rdcapi_" + 43 base64url characters
  CHECK(contains(r.out, "cannot be shown again"));
  return token;
}

// The rows of `rdconsole api-token list` after the header, by token name,
// each as its whitespace-separated words: NAME SCOPES STATE, then CREATED,
// EXPIRES, LAST USED and REVOKED, each a time in two words
// ("2026-11-22 10:00:00Z") or one ("never", "-"). Names here have no spaces.
std::map<std::string, std::vector<std::string>> listed(const TestServer &s,
                                                       std::string *raw = nullptr) {
  RunResult r = s.cli({"api-token", "list"});
  INFO(r.out << r.err);
  REQUIRE(r.exitCode == 0);
  if (raw)
    *raw = r.out;
  std::istringstream lines(r.out);
  std::string line;
  std::getline(lines, line);
  CHECK(line.rfind("NAME", 0) == 0);
  for (const char *column : {"SCOPES", "STATE", "CREATED", "EXPIRES", "LAST USED", "REVOKED"})
    CHECK_MESSAGE(contains(line, column), column);
  std::map<std::string, std::vector<std::string>> out;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::vector<std::string> row;
    for (std::string w; words >> w;)
      row.push_back(w);
    REQUIRE(row.size() >= 7);
    out[row[0]] = row;
  }
  return out;
}

json deviceRef(const Device &d) {
  return json{{"id", d.id}, {"uuid", d.uuid}};
}

// The reply to `rustdesk --assign` with `token`: a refusal (one line of plain
// text, printed verbatim) with `status`; returns its text.
std::string refused(const TestServer &s, const std::string &token, const Device &d, int status) {
  auto r = assignCli(s, token, json{{"id", d.id}, {"uuid", d.uuid}, {"note", "x"}});
  CHECK(r.status == status);
  return expectRefusal(r);
}

} // namespace

TEST_CASE("api-token cli: create prints the token once, list never shows it, revoke") {
  TestServer s(groupOptions());
  std::string forever = createToken(s, "Installer");
  {
    RunResult r = s.cli({"api-token", "create", "ci", "--scope", "devices", "--scope", "devices",
                         "--expires-days", "30"});
    INFO(r.out << r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(contains(r.out, "created API token 'ci' (scopes: devices; expires 20"));
  }

  std::string raw;
  auto rows = listed(s, &raw);
  REQUIRE(rows.size() == 2);
  // Case-insensitive name order: "ci" before "Installer".
  CHECK(raw.find("\nci ") < raw.find("\nInstaller "));
  const auto &installer = rows["Installer"];
  CHECK(installer[1] == "devices");
  CHECK(installer[2] == "live");
  CHECK(isTime(installer[4])); // created
  // Expires never, never used, not revoked.
  CHECK(tail(installer, 3) == std::vector<std::string>{"never", "never", "-"});
  const auto &ci = rows["ci"];
  CHECK(ci[1] == "devices");
  CHECK(ci[2] == "live");
  REQUIRE(ci.size() == 9);
  CHECK(isTime(ci[6])); // expires in 30 days
  CHECK(tail(ci, 2) == std::vector<std::string>{"never", "-"});
  // Neither the token nor its hash.
  CHECK_FALSE(contains(raw, forever));
  CHECK_FALSE(contains(raw, sha256Hex(forever)));
  CHECK_FALSE(contains(raw, "rdcapi_"));

  RunResult revoke = s.cli({"api-token", "revoke", "INSTALLER"}); // names ignore case
  INFO(revoke.out << revoke.err);
  CHECK(revoke.exitCode == 0);
  CHECK(contains(revoke.out, "revoked API token 'Installer'"));
  rows = listed(s);
  CHECK(rows["Installer"][2] == "revoked");
  CHECK(isTime(rows["Installer"].back())); // the revocation time
  CHECK(rows["ci"][2] == "live");

  // Revoking again fails and says why.
  RunResult again = s.cli({"api-token", "revoke", "Installer"});
  CHECK(again.exitCode == 1);
  CHECK(contains(again.err, "API token 'Installer' is already revoked"));
  // `rdconsole help` documents the verb.
  RunResult help = s.cli({"help"});
  CHECK(contains(help.out, "api-token create NAME --scope SCOPE"));
  CHECK(contains(help.out, "api-token list"));
  CHECK(contains(help.out, "api-token revoke NAME"));
}

TEST_CASE("api-token cli: bad input is refused with a clear message and changes nothing") {
  TestServer s(groupOptions());
  createToken(s, "installer");
  std::string before;
  listed(s, &before);

  struct Case {
    std::vector<std::string> args;
    int exitCode;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"api-token"}, 2, "api-token needs a sub-command: create, list, revoke"},
      {{"api-token", "frob"}, 2, "unknown api-token sub-command 'frob'"},
      {{"api-token", "create"}, 2, "usage: rdconsole api-token create NAME --scope SCOPE"},
      {{"api-token", "create", "x"}, 2, "usage: rdconsole api-token create NAME --scope SCOPE"},
      {{"api-token", "create", "x", "y", "--scope", "devices"}, 2, "usage: rdconsole api-token"},
      {{"api-token", "create", "x", "--scope"}, 2, "--scope needs a value"},
      {{"api-token", "create", "x", "--scope", "devices", "--bogus"},
       2,
       "unknown argument '--bogus'"},
      {{"api-token", "create", "x", "--scope", "devices", "--expires-days", "1", "--expires-days",
        "2"},
       2,
       "--expires-days given twice"},
      {{"api-token", "create", "x", "--scope", "admin"},
       1,
       "unknown scope 'admin' (known scopes: devices)"},
      {{"api-token", "create", "x", "--scope", "devices", "--scope", "Devices"},
       1,
       "unknown scope 'Devices'"},
      {{"api-token", "create", " ", "--scope", "devices"}, 1, "API token name must not be empty"},
      {{"api-token", "create", "INSTALLER", "--scope", "devices"},
       1,
       "API token name 'INSTALLER' is already taken"},
      {{"api-token", "create", "x", "--scope", "devices", "--expires-days", "0"},
       1,
       "expires after 1 to 3650 days"},
      {{"api-token", "create", "x", "--scope", "devices", "--expires-days", "3651"},
       1,
       "expires after 1 to 3650 days"},
      {{"api-token", "create", "x", "--scope", "devices", "--expires-days", "-5"},
       1,
       "--expires-days must be a whole number of days from 1 to 3650, got '-5'"},
      {{"api-token", "create", "x", "--scope", "devices", "--expires-days", "ten"}, 1, "got 'ten'"},
      {{"api-token", "create", "x", "--scope", "devices", "--expires-days", "99999999999"},
       1,
       "got '99999999999'"},
      {{"api-token", "list", "x"}, 2, "usage: rdconsole api-token list"},
      {{"api-token", "list", "--scope", "devices"}, 2, "usage: rdconsole api-token list"},
      {{"api-token", "revoke"}, 2, "usage: rdconsole api-token revoke NAME"},
      {{"api-token", "revoke", "a", "b"}, 2, "usage: rdconsole api-token revoke NAME"},
      {{"api-token", "revoke", "installer", "--expires-days", "1"},
       2,
       "usage: rdconsole api-token revoke NAME"},
      {{"api-token", "revoke", "nobody"}, 1, "no API token named 'nobody'"},
  };
  for (const Case &c : cases) {
    RunResult r = s.cli(c.args);
    std::string shown;
    for (const auto &a : c.args)
      shown += a + " ";
    INFO(shown << "-> " << r.exitCode << ": " << r.out << r.err);
    CHECK(r.exitCode == c.exitCode);
    CHECK(contains(r.err, "rdconsole: "));
    CHECK(contains(r.err, c.message));
    CHECK_FALSE(contains(r.out, "rdcapi_")); // no token was made
  }
  std::string after;
  listed(s, &after);
  CHECK(after == before);
}

TEST_CASE("api token: rustdesk --assign with a devices-scoped token → Done!, the assignment is "
          "visible, and the log names the token but never shows it") {
  TestServer s(groupOptions());
  std::string root = startWithAdmin(s, "root");
  addUser(s, "alice", kUserPassword);
  addDeviceGroup(s, "Lobby");
  std::string token = createToken(s, "installer");
  Device d = device(21);

  auto r = assignCli(s, token,
                     json{{"id", d.id},
                          {"uuid", d.uuid},
                          {"user_name", "alice"},
                          {"device_group_name", "lobby"},
                          {"note", "installed by script"}});
  expectDone(r);

  json entry = peerEntry(s, root, d.id);
  INFO(entry.dump());
  REQUIRE(entry.is_object());
  CHECK(entry["user"] == "alice");
  CHECK(entry["device_group_name"] == "Lobby");
  CHECK(entry["note"] == "installed by script");
  // The same token again: nothing changes, still "Done!".
  expectDone(
      assignCli(s, token, json{{"id", d.id}, {"uuid", d.uuid}, {"note", "installed by script"}}));

  const std::string line = "devices/cli: api-token:installer assigned device \"" + d.id + "\"";
  CHECK(pollUntil(std::chrono::seconds(5), [&] { return contains(s.log(), line); }));
  // Its use is recorded; the token is in neither the log nor the list.
  std::string raw;
  auto rows = listed(s, &raw);
  CHECK(isTime(rows["installer"][rows["installer"].size() - 2])); // last used
  CHECK(rows["installer"].back() == "-");
  CHECK_FALSE(contains(raw, token));
  CHECK_FALSE(contains(s.log(), token));
  CHECK_FALSE(contains(s.log(), token.substr(7)));

  // An administrator's login token works as before, side by side.
  Device other = device(22);
  expectDone(assignCli(s, root, json{{"id", other.id}, {"uuid", other.uuid}, {"note", "root"}}));
  CHECK(peerEntry(s, root, other.id)["note"] == "root");
}

TEST_CASE("api token: a revoked, garbled or missing token, or a user's, is refused with one "
          "line and changes nothing") {
  TestServer s(groupOptions());
  std::string root = startWithAdmin(s, "root");
  std::string bob = userToken(s, "bob");
  std::string revoked = createToken(s, "old-installer");
  std::string live = createToken(s, "installer");
  REQUIRE(s.cli({"api-token", "revoke", "old-installer"}).exitCode == 0);
  Device d = device(23);

  CHECK(contains(refused(s, revoked, d, 401), "Error: invalid token"));
  std::string flipped = live;
  flipped[10] = flipped[10] == 'A' ? 'B' : 'A';
  for (const std::string &garbage : {flipped, live + "x", live.substr(7), std::string("rdcapi_"),
                                     std::string("not-a-token"), std::string(200, 'z')}) {
    CAPTURE(garbage);
    CHECK(contains(refused(s, garbage, d, 401), "Error: invalid token"));
  }
  // A user's login token that is not an administrator's.
  CHECK(contains(refused(s, bob, d, 403), "Administrator rights required"));
  // No token at all, as --assign without --token would send.
  auto none = s.http().post("/api/devices/cli", deviceRef(d).dump(),
                            {{"Content-Type", "application/json"}});
  CHECK(none.status == 401);
  CHECK(expectRefusal(none).rfind("Error: missing token", 0) == 0);
  auto empty = s.http().post("/api/devices/cli", deviceRef(d).dump(),
                             {{"Authorization", "Bearer "}, {"Content-Type", "application/json"}});
  CHECK(empty.status == 401);
  expectRefusal(empty);
  // A refusal comes before the body is read: a malformed body still gets 401.
  auto badBody =
      s.http().post("/api/devices/cli", "not json",
                    {{"Authorization", "Bearer " + revoked}, {"Content-Type", "application/json"}});
  CHECK(badBody.status == 401);

  // Nothing was registered; the revoked token's use was not recorded.
  CHECK(peerIds(s, root).empty());
  auto rows = listed(s);
  CHECK(rows["old-installer"][2] == "revoked");
  // Never expires (word 5), never used (word 6), then the revocation time.
  REQUIRE(rows["old-installer"].size() == 9);
  CHECK(rows["old-installer"][6] == "never");
  CHECK_FALSE(contains(s.log(), revoked));
  // The live token still works.
  expectDone(assignCli(s, live, json{{"id", d.id}, {"uuid", d.uuid}, {"note", "x"}}));
  CHECK(peerIds(s, root) == std::vector<std::string>{d.id});
}

TEST_CASE("api token: an expired token, or one without the devices scope, is refused") {
  // Expiry and scopes are set in the database directly: no CLI option makes
  // a token expire at once, and "devices" is the only scope there is yet (a
  // token of a later scope looks like the one rewritten here).
  auto db = std::make_shared<Database>();
  if (!db->canQuery()) {
    MESSAGE("skipped: no sqlite3/psql client to write the database");
    return;
  }
  TestServer s(groupOptions().withDatabase(db));
  std::string root = startWithAdmin(s, "root");
  std::string expired = createToken(s, "expired", {"--expires-days", "1"});
  std::string otherScope = createToken(s, "audit-only");
  std::string live = createToken(s, "installer", {"--expires-days", "1"});
  db->query("UPDATE core_api_tokens SET expires_at = 1000 WHERE name = 'expired'");
  db->query("UPDATE core_api_tokens SET scopes = 'audit' WHERE name = 'audit-only'");
  Device d = device(24);

  CHECK(contains(refused(s, expired, d, 401), "Error: invalid token"));
  CHECK(contains(refused(s, otherScope, d, 401), "without that scope"));
  CHECK(peerIds(s, root).empty());
  auto rows = listed(s);
  CHECK(rows["expired"][2] == "expired");
  CHECK(rows["audit-only"][1] == "audit");
  // Neither refused use was recorded.
  for (const char *name : {"expired", "audit-only"}) {
    CAPTURE(name);
    CHECK(db->query(std::string("SELECT COUNT(*) FROM core_api_tokens WHERE name = '") + name +
                    "' AND last_used_at IS NULL")
              .rfind("1", 0) == 0);
  }
  // A live one with the scope still assigns.
  expectDone(assignCli(s, live, json{{"id", d.id}, {"uuid", d.uuid}, {"note", "x"}}));
  CHECK(peerIds(s, root) == std::vector<std::string>{d.id});
}
