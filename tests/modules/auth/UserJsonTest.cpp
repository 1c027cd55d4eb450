// The user object of the login and currentUser replies.
#include "user_json.h"

#include <rdconsole/json.hpp>

#include <doctest/doctest.h>

TEST_CASE("a new user has every key and no nulls and info {}") {
  rdc::User u;
  u.id = 7;
  u.name = "alice";
  CHECK(rdc::jsonDump(auth::userJson(u)) ==
        R"({"avatar":"","display_name":"","email":"","info":{},"is_admin":false,)"
        R"("name":"alice","note":"","status":1})");
}

TEST_CASE("profile fields and status and admin flag are carried as typed values") {
  rdc::User u;
  u.name = "root";
  u.displayName = "Rosa \xc3\x96";
  u.email = "r@example.org";
  u.note = "n";
  u.avatar = "/avatar/1.png";
  u.status = RDC_USER_UNVERIFIED;
  u.isAdmin = true;
  const auto j = auth::userJson(u);
  CHECK(j.at("display_name") == "Rosa \xc3\x96");
  CHECK(j.at("email") == "r@example.org");
  CHECK(j.at("avatar") == "/avatar/1.png");
  CHECK(j.at("status") == -1);
  CHECK(j.at("is_admin") == true);
  CHECK_FALSE(j.contains("id")); // the numeric id is internal
  CHECK_FALSE(j.contains("error"));
}
