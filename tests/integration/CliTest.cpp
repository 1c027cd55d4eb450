// The operator's CLI verbs against the same data dir the server uses.
#include "harness/Accounts.h"
#include "harness/JsonChecks.h"
#include "harness/Poll.h"

#include <doctest/doctest.h>

using namespace harness;

namespace {
bool contains(const std::string &hay, const std::string &needle) {
  return hay.find(needle) != std::string::npos;
}
std::string lower(std::string s) {
  for (auto &c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
} // namespace

TEST_CASE("cli: user add reads the password from stdin and the user can log in") {
  TestServer s;
  s.start();
  auto r = s.cli({"user", "add", "bob", "--admin"}, "a long enough password\n");
  INFO(r.out << r.err);
  REQUIRE(r.exitCode == 0);
  auto j = login(s, "bob", "a long enough password").json();
  CHECK(j["user"]["name"] == "bob");
  CHECK(j["user"]["is_admin"] == true);

  // Adding the same name again fails and changes nothing.
  auto dup = s.cli({"user", "add", "bob"}, "some other password\n");
  INFO(dup.out << dup.err);
  CHECK(dup.exitCode == 1);
  CHECK_FALSE(dup.err.empty());
  CHECK(login(s, "bob", "a long enough password").status == 200);
  expectError(login(s, "bob", "some other password"), 401, "Wrong credentials");
}

TEST_CASE("cli: user add with a short password fails with a clear message") {
  TestServer s;
  s.start();
  auto r = s.cli({"user", "add", "carol"}, "abc\n");
  INFO(r.out << r.err);
  CHECK(r.exitCode == 1);
  CHECK(contains(lower(r.err), "password"));
  expectError(login(s, "carol", "abc"), 401, "Wrong credentials");
  auto list = s.cli({"user", "list"});
  CHECK(list.exitCode == 0);
  CHECK_FALSE(contains(list.out, "carol"));
}

TEST_CASE("cli: user disable blocks login and existing tokens and enable restores them") {
  TestServer s(ServerOptions().set("identity.cache_seconds=1"));
  s.start();
  addUser(s, "bob", "a long enough password");
  std::string token = loginToken(s, "bob", "a long enough password");
  REQUIRE(currentUser(s, token).status == 200);

  auto r = s.cli({"user", "disable", "bob"});
  INFO(r.out << r.err);
  REQUIRE(r.exitCode == 0);
  expectError(login(s, "bob", "a long enough password"), 401, "Wrong credentials");
  HttpResponse last;
  bool refused = pollUntil(
      std::chrono::seconds(10),
      [&] {
        last = currentUser(s, token);
        return last.status == 401;
      },
      std::chrono::milliseconds(100));
  INFO(last.describe());
  CHECK(refused);

  auto e = s.cli({"user", "enable", "bob"});
  REQUIRE(e.exitCode == 0);
  CHECK(login(s, "bob", "a long enough password").status == 200);
}

TEST_CASE("cli: user passwd replaces the password") {
  TestServer s;
  s.start();
  addUser(s, "bob", "a long enough password");
  auto r = s.cli({"user", "passwd", "bob"}, "the brand new password\n");
  INFO(r.out << r.err);
  REQUIRE(r.exitCode == 0);
  expectError(login(s, "bob", "a long enough password"), 401, "Wrong credentials");
  CHECK(login(s, "bob", "the brand new password").status == 200);

  auto missing = s.cli({"user", "passwd", "nobody"}, "the brand new password\n");
  CHECK(missing.exitCode == 1);
  CHECK_FALSE(missing.err.empty());
  auto shortPw = s.cli({"user", "passwd", "bob"}, "abc\n");
  CHECK(shortPw.exitCode == 1);
  CHECK(login(s, "bob", "the brand new password").status == 200);
}

TEST_CASE("cli: user list shows every user") {
  TestServer s;
  s.start(); // creates "admin"
  addUser(s, "bob", "a long enough password");
  addUser(s, "carol", "another long password", {"--admin"});
  auto r = s.cli({"user", "list"});
  INFO(r.out << r.err);
  REQUIRE(r.exitCode == 0);
  CHECK(contains(r.out, "admin"));
  CHECK(contains(r.out, "bob"));
  CHECK(contains(r.out, "carol"));
}

TEST_CASE("cli: modules lists auth with its version") {
  TestServer s;
  auto r = s.cli({"modules"});
  INFO(r.out << r.err);
  REQUIRE(r.exitCode == 0);
  CHECK(contains(r.out, "auth"));
  CHECK(contains(r.out, "0.1.0"));
  CHECK(contains(r.out, "probe"));
}

TEST_CASE("cli: usage errors exit 2 and version exits 0") {
  TestServer s;
  for (std::vector<std::string> args : {std::vector<std::string>{"user"},
                                        {"user", "frobnicate"},
                                        {"no-such-verb"},
                                        {"user", "add"}}) {
    auto r = s.cli(args);
    INFO(args[0] << " " << (args.size() > 1 ? args[1] : "") << ": " << r.out << r.err);
    CHECK(r.exitCode == 2);
    CHECK_FALSE(r.err.empty());
  }
  auto v = s.cli({"version"});
  INFO(v.out << v.err);
  CHECK(v.exitCode == 0);
  CHECK(contains(v.out, "0.1.0"));
}
