// The running server deletes token rows that can never verify again.
#include "harness/Accounts.h"
#include "harness/Database.h"
#include "harness/Poll.h"

#include <doctest/doctest.h>

using namespace harness;

TEST_CASE("housekeeping: expired and revoked tokens are deleted while a live one stays") {
  auto db = std::make_shared<Database>();
  if (!db->canQuery()) {
    MESSAGE("skipped: no sqlite3/psql client to read the database");
    return;
  }
  const char *pw = "correct horse battery";
  // Expired: issued with a 1 s lifetime by the first server.
  {
    TestServer shortLived(ServerOptions()
                              .withDatabase(db)
                              .set("identity.token_lifetime_seconds=1")
                              .set("identity.purge_interval_seconds=0"));
    shortLived.start();
    addUser(shortLived, "alice", pw);
    loginToken(shortLived, "alice", pw);
    REQUIRE(shortLived.stop() == 0);
  }
  TestServer s(ServerOptions().withDatabase(db).set("identity.purge_interval_seconds=1"));
  s.start();
  std::string revoked = loginToken(s, "alice", pw);
  REQUIRE(s.http().post("/api/logout", deviceBody(), bearer(revoked)).status == 200);
  std::string live = loginToken(s, "alice", pw);

  auto rows = [&] {
    std::string out = db->query("SELECT COUNT(*) FROM core_tokens");
    return out.substr(0, out.find_first_of("\r\n"));
  };
  // Three rows were written (expired, revoked, live); only the live one stays.
  bool purged = pollUntil(std::chrono::seconds(20), [&] { return rows() == "1"; });
  INFO("rows: " << rows());
  CHECK(purged);
  CHECK(currentUser(s, live).status == 200);
  CHECK(s.log().find("expired or revoked token") != std::string::npos);
}
