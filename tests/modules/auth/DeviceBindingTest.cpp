// Token-to-device binding check of POST /api/currentUser.
#include "device_binding.h"

#include <doctest/doctest.h>

TEST_CASE("a different non-empty uuid or id means another device") {
  CHECK(auth::issuedToAnotherDevice("", "uuid-A", "", "uuid-B"));
  CHECK(auth::issuedToAnotherDevice("111", "", "222", ""));
  CHECK(auth::issuedToAnotherDevice("111", "uuid-A", "111", "uuid-B"));
  CHECK(auth::issuedToAnotherDevice("111", "uuid-A", "222", "uuid-A"));
}

TEST_CASE("matching values or an empty side prove nothing") {
  CHECK_FALSE(auth::issuedToAnotherDevice("111", "uuid-A", "111", "uuid-A"));
  // Token not bound (issued without id/uuid).
  CHECK_FALSE(auth::issuedToAnotherDevice("", "", "222", "uuid-B"));
  // Request names no device (old clients send an empty body).
  CHECK_FALSE(auth::issuedToAnotherDevice("111", "uuid-A", "", ""));
  CHECK_FALSE(auth::issuedToAnotherDevice("111", "uuid-A", "111", ""));
}
