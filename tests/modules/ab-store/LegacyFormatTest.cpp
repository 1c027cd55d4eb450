#include "legacy_format.h"

#include <rdconsole/sdk.hpp>

#include <doctest/doctest.h>

using nlohmann::json;
using namespace ab;

namespace {
int statusOf(const std::function<void()> &f) {
  try {
    f();
  } catch (const rdc::HttpError &e) {
    return e.status();
  }
  return 0;
}
std::string body(const json &data) {
  return json{{"data", data.dump()}}.dump();
}
} // namespace

TEST_CASE("an empty book is exactly the documented empty structure") {
  CHECK(legacyDataText({}, {}) == R"({"tags":[],"peers":[],"tag_colors":"{}"})");
}

TEST_CASE("the data text carries tags, double-encoded colours and legacy peers") {
  std::string text = legacyDataText({Tag{"t1", 4294198070u, 1}},
                                    {{"111111111", json{{"alias", "a"}, {"tags", {"t1"}}}}});
  json data = json::parse(text);
  CHECK(data["tags"] == json({"t1"}));
  REQUIRE(data["tag_colors"].is_string());
  CHECK(json::parse(data["tag_colors"].get<std::string>()) == json{{"t1", 4294198070u}});
  CHECK(data["peers"][0]["id"] == "111111111");
  CHECK(data["peers"][0]["hash"] == "");
  CHECK(data["peers"][0]["tags"] == json({"t1"}));
}

TEST_CASE("parseLegacyBody reads what the client pushes") {
  json data = {{"tags", {"t1", "t2"}},
               {"peers",
                {{{"id", "1"}, {"alias", "a"}, {"tags", {"t1"}}, {"hash", "h"}},
                 {{"id", "2"}, {"username", "u"}}}},
               {"tag_colors", json{{"t1", 4294198070u}}.dump()}};
  LegacyBook book = parseLegacyBody(body(data), Limits{});
  REQUIRE(book.tags.size() == 2);
  CHECK(book.tags[0].color == 4294198070u);
  CHECK(book.tagHasColor[0]);
  CHECK_FALSE(book.tagHasColor[1]);
  CHECK(book.tags[1].color == kDefaultTagColor);
  REQUIRE(book.peers.size() == 2);
  CHECK(book.peers[0].fields["hash"] == "h");
  // tag_colors as an object is tolerated too.
  data["tag_colors"] = json{{"t2", 5}};
  CHECK(parseLegacyBody(body(data), Limits{}).tags[1].color == 5u);
}

TEST_CASE("parseLegacyBody merges duplicate ids instead of doubling them") {
  json data = {{"peers", {{{"id", "1"}, {"alias", "a"}}, {{"id", "1"}, {"note", "n"}}}}};
  LegacyBook book = parseLegacyBody(body(data), Limits{});
  REQUIRE(book.peers.size() == 1);
  CHECK(book.peers[0].fields == json{{"alias", "a"}, {"note", "n"}});
}

TEST_CASE("parseLegacyBody refuses malformed bodies with 400") {
  CHECK(statusOf([] { parseLegacyBody("", Limits{}); }) == 400);
  CHECK(statusOf([] { parseLegacyBody("{}", Limits{}); }) == 400);
  CHECK(statusOf([] { parseLegacyBody(R"({"data":{}})", Limits{}); }) == 400);
  CHECK(statusOf([] { parseLegacyBody(R"({"data":"not json"})", Limits{}); }) == 400);
  CHECK(statusOf([] { parseLegacyBody(R"({"data":"[]"})", Limits{}); }) == 400);
  CHECK(statusOf([] { parseLegacyBody(body(json{{"peers", "x"}}), Limits{}); }) == 400);
  CHECK(statusOf([] {
          parseLegacyBody(body(json{{"peers", {{{"alias", "x"}}}}}), Limits{});
        }) == 400);
  CHECK(statusOf([] {
          parseLegacyBody(body(json{{"tag_colors", "{\"t\":\"red\"}"}}), Limits{});
        }) == 400);
  Limits two;
  two.maxPeersPerBook = 2;
  json three = {{"peers", {{{"id", "1"}}, {{"id", "2"}}, {{"id", "3"}}}}};
  CHECK(statusOf([&] { parseLegacyBody(body(three), two); }) == 400);
}
