#include "request.h"

#include <doctest/doctest.h>

using abshared::parsePage;

TEST_CASE("pagination defaults, clamps and ignores malformed values") {
  auto p = parsePage(std::nullopt, std::nullopt);
  CHECK(p.current == 1);
  CHECK(p.pageSize == 100);
  CHECK(parsePage("3", "100").offset() == 200);
  CHECK(parsePage("0", "100").current == 1);
  CHECK(parsePage("-2", "x").current == 1);
  CHECK(parsePage("2", "abc").pageSize == 100);
  CHECK(parsePage("1", "0").pageSize == 100);
  CHECK(parsePage("1", "5000").pageSize == 1000);
  CHECK(parsePage("99999999999999", "10").current == 1);
}
