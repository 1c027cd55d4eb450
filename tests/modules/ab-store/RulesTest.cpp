#include "rules.h"

#include <doctest/doctest.h>

using namespace ab;

TEST_CASE("a user rule decides even when lower than the user's groups") {
  std::vector<RuleRow> rules = {{Subject::User, 7, kRead},
                                {Subject::Group, 1, kFullControl},
                                {Subject::Everyone, 0, kReadWrite}};
  CHECK(resolveRule(rules, 7, {1}) == kRead);
}

TEST_CASE("without a user rule the highest group rule wins over everyone") {
  std::vector<RuleRow> rules = {{Subject::Group, 1, kRead},
                                {Subject::Group, 2, kReadWrite},
                                {Subject::Everyone, 0, kFullControl}};
  CHECK(resolveRule(rules, 7, {1, 2}) == kReadWrite);
  CHECK(resolveRule(rules, 7, {1}) == kRead);
}

TEST_CASE("everyone applies when no user or group rule names the user") {
  std::vector<RuleRow> rules = {{Subject::User, 8, kFullControl},
                                {Subject::Group, 3, kFullControl},
                                {Subject::Everyone, 0, kRead}};
  CHECK(resolveRule(rules, 7, {1}) == kRead);
  CHECK(resolveRule({{Subject::User, 8, kFullControl}}, 7, {}) == kNoAccess);
  CHECK(resolveRule({}, 7, {}) == kNoAccess);
}

TEST_CASE("rule names") {
  CHECK(parseRuleName("read") == kRead);
  CHECK(parseRuleName("rw") == kReadWrite);
  CHECK(parseRuleName("3") == kFullControl);
  CHECK(parseRuleName("admin") == kNoAccess);
  CHECK(std::string(ruleName(kReadWrite)) == "read-write");
}

TEST_CASE("only guids of the shape the server issues can name a book") {
  CHECK(plausibleGuid("4d659aae-a25f-4055-9414-eddcf6735f93"));
  CHECK_FALSE(plausibleGuid("4D659AAE-A25F-4055-9414-EDDCF6735F93"));
  CHECK_FALSE(plausibleGuid("4d659aae-a25f-4055-9414-eddcf6735f9"));
  CHECK_FALSE(plausibleGuid("4d659aae-a25f-4055-9414-eddcf6735f9\xff"));
  CHECK_FALSE(plausibleGuid(""));
}
