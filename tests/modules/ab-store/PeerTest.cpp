#include "peer.h"

#include <rdconsole/sdk.hpp>

#include <doctest/doctest.h>

using nlohmann::json;
using namespace ab;

namespace {
const Limits kLimits{};
int statusOf(const std::function<void()> &f) {
  try {
    f();
  } catch (const rdc::HttpError &e) {
    return e.status();
  }
  return 0;
}
} // namespace

TEST_CASE("parsePeer keeps known fields and drops the other book kind's secret") {
  json body = {{"id", "123456789"}, {"alias", "srv"},         {"tags", {"t1", "t2", "t1"}},
               {"hash", "h"},       {"password", "pw"},       {"forceAlwaysRelay", "false"},
               {"rdpPort", ""},     {"same_server", nullptr}, {"note", nullptr}};
  PeerInput personal = parsePeer(body, BookKind::Personal, kLimits);
  CHECK(personal.id == "123456789");
  CHECK(personal.fields["alias"] == "srv");
  CHECK(personal.fields["tags"] == json({"t1", "t2"}));
  CHECK(personal.fields["hash"] == "h");
  CHECK_FALSE(personal.fields.contains("password"));
  CHECK_FALSE(personal.fields.contains("note"));             // null = absent
  CHECK_FALSE(personal.fields.contains("forceAlwaysRelay")); // client-only key
  CHECK_FALSE(personal.fields.contains("same_server"));
  PeerInput shared = parsePeer(body, BookKind::Shared, kLimits);
  CHECK(shared.fields["password"] == "pw");
  CHECK_FALSE(shared.fields.contains("hash"));
}

TEST_CASE("parsePeer refuses wrong types, a missing id and oversize values with 400") {
  CHECK(statusOf([] { parsePeer(json{{"alias", "x"}}, BookKind::Personal, kLimits); }) == 400);
  CHECK(statusOf([] { parsePeer(json{{"id", 5}}, BookKind::Personal, kLimits); }) == 400);
  CHECK(statusOf([] { parsePeer(json{{"id", ""}}, BookKind::Personal, kLimits); }) == 400);
  CHECK(statusOf([] {
          parsePeer(json{{"id", "1"}, {"tags", "t1"}}, BookKind::Personal, kLimits);
        }) == 400);
  CHECK(statusOf([] {
          parsePeer(json{{"id", "1"}, {"tags", {1}}}, BookKind::Personal, kLimits);
        }) == 400);
  CHECK(statusOf([] {
          parsePeer(json{{"id", "1"}, {"same_server", "yes"}}, BookKind::Personal, kLimits);
        }) == 400);
  CHECK(statusOf([] {
          parsePeer(json{{"id", std::string(300, 'x')}}, BookKind::Personal, kLimits);
        }) == 400);
  Limits few;
  few.maxTagsPerBook = 3;
  CHECK(statusOf([&] {
          parsePeer(json{{"id", "1"}, {"tags", {"a", "b", "c", "d"}}}, BookKind::Personal, few);
        }) == 400);
  CHECK(statusOf([] { parsePeer(json::array(), BookKind::Personal, kLimits); }) == 400);
}

TEST_CASE("mergePeer replaces only the given keys") {
  json stored = {{"alias", "a"}, {"note", "n"}, {"tags", {"t"}}};
  json merged = mergePeer(stored, json{{"note", "m"}});
  CHECK(merged == json{{"alias", "a"}, {"note", "m"}, {"tags", {"t"}}});
  CHECK(mergePeer(json(), json{{"alias", "x"}}) == json{{"alias", "x"}});
}

TEST_CASE("peerForShared fills every string field and only the book's secret") {
  json out = peerForShared("1", json{{"alias", "a"}, {"hash", "h"}, {"same_server", true}},
                           BookKind::Personal);
  CHECK(out == json{{"id", "1"},
                    {"alias", "a"},
                    {"note", ""},
                    {"username", ""},
                    {"hostname", ""},
                    {"platform", ""},
                    {"tags", json::array()},
                    {"hash", "h"},
                    {"same_server", true}});
  json shared = peerForShared("1", json{{"hash", "h"}, {"password", "p"}}, BookKind::Shared);
  CHECK(shared["password"] == "p");
  CHECK_FALSE(shared.contains("hash"));
  CHECK_FALSE(shared.contains("same_server"));
}

TEST_CASE("parseColor takes unsigned 32-bit colours and masks negative int32") {
  CHECK(parseColor(json(4294967295u), "color") == 4294967295u);
  CHECK(parseColor(json(0), "color") == 0u);
  CHECK(parseColor(json(-16776961), "color") == 0xFF0000FFu);
  CHECK(statusOf([] { parseColor(json(4294967296ull), "color"); }) == 400);
  CHECK(statusOf([] { parseColor(json(-2147483649ll), "color"); }) == 400);
  CHECK(statusOf([] { parseColor(json("red"), "color"); }) == 400);
  CHECK(statusOf([] { parseColor(json(1.5), "color"); }) == 400);
}
