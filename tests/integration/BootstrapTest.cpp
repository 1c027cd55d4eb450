// First start with no users creates an initial administrator whose password
// is written to <data_dir>/initial-admin-password (mode 0600).
#include "harness/Accounts.h"
#include "harness/JsonChecks.h"
#include "harness/Text.h"

#include <doctest/doctest.h>

#include <sys/stat.h>

using namespace harness;

TEST_CASE("bootstrap: first start creates an admin whose password file is 0600 and works") {
  TestServer s;
  s.start();
  auto file = s.dataDir() / "initial-admin-password";
  REQUIRE(std::filesystem::exists(file));
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  std::string content = readFile(file);
  REQUIRE(content.size() > 1);
  CHECK(content.back() == '\n');
  std::string password = content.substr(0, content.size() - 1);
  CHECK(password.size() >= 12);
  CHECK(password.find('\n') == std::string::npos);

  std::string log = s.log();
  INFO(log);
  CHECK(log.find("created initial administrator 'admin'") != std::string::npos);
  CHECK(log.find(file.string()) != std::string::npos);
  // The password itself never reaches the log.
  CHECK(log.find(password) == std::string::npos);

  auto r = login(s, "admin", password);
  INFO(r.describe());
  REQUIRE(r.status == 200);
  CHECK(r.json()["user"]["is_admin"] == true);

  // A restart does not create another administrator or rewrite the file.
  struct stat before = st;
  REQUIRE(s.stop() == 0);
  s.start();
  CHECK(readFile(file) == content);
  struct stat after {};
  REQUIRE(::stat(file.c_str(), &after) == 0);
  CHECK(after.st_mtim.tv_sec == before.st_mtim.tv_sec);
  CHECK(after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
  CHECK(countOf(s.log(), "created initial administrator") == 1);
  CHECK(login(s, "admin", password).status == 200);
}

TEST_CASE("bootstrap: no initial administrator when users already exist") {
  TestServer s;
  // Created with the CLI before the first server start.
  addUser(s, "alice", "correct horse battery", {"--admin"});
  s.start();
  CHECK_FALSE(std::filesystem::exists(s.dataDir() / "initial-admin-password"));
  CHECK(s.log().find("created initial administrator") == std::string::npos);
  CHECK(login(s, "alice", "correct horse battery").status == 200);
}

TEST_CASE("bootstrap: identity.bootstrap_admin names the initial administrator") {
  TestServer s(ServerOptions().set("identity.bootstrap_admin=chief"));
  s.start();
  std::string content = readFile(s.dataDir() / "initial-admin-password");
  REQUIRE(content.size() > 1);
  auto r = login(s, "chief", content.substr(0, content.size() - 1));
  INFO(r.describe());
  CHECK(r.status == 200);
  CHECK(r.json()["user"]["is_admin"] == true);
}
