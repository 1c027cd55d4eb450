#include "presence_log_text.h"

#include <doctest/doctest.h>

#include <algorithm>

using namespace agent;

TEST_CASE("the presence log text carries every field, and ids with any bytes") {
  std::vector<PresenceSnapshot> batch{
      {"123456789", 1700000000123, 1004090, {}},
      {std::string("tab\tnew\nline%sp ace\x7f", 21), -5, -1, {7, -2147483647 - 1, 2147483647}},
      {std::string("nul\0id", 6), 0, 0, {1}},
      {"\xc3\xa9t\xc3\xa9", 42, 3, {}}};
  std::string text = encodePresenceLog(batch);
  CHECK(std::count(text.begin(), text.end(), '\n') == 4); // one line each
  CHECK(text.find('\0') == std::string::npos);
  std::vector<PresenceSnapshot> back;
  size_t skipped = 0;
  decodePresenceLog(text, back, &skipped);
  CHECK(skipped == 0);
  REQUIRE(back.size() == batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    CHECK(back[i].id == batch[i].id);
    CHECK(back[i].lastSeenMs == batch[i].lastSeenMs);
    CHECK(back[i].ver == batch[i].ver);
    CHECK(back[i].conns == batch[i].conns);
  }
}

TEST_CASE("unreadable presence log lines are skipped, the readable ones kept") {
  std::string text = "good\t5\t1\t\n"
                     "missing-fields\t5\n"
                     "bad%4\t5\t1\t\n"
                     "bad%ZZ\t5\t1\t\n"
                     "num\tx5\t1\t\n"
                     "conns\t5\t1\t1,,2\n"
                     "big\t99999999999999999999\t1\t\n"
                     "\t5\t1\t\n"
                     "also-good\t6\t2\t3,4"; // no final newline
  std::vector<PresenceSnapshot> out;
  size_t skipped = 0;
  decodePresenceLog(text, out, &skipped);
  CHECK(skipped == 7);
  REQUIRE(out.size() == 2);
  CHECK(out[0].id == "good");
  CHECK(out[0].conns.empty());
  CHECK(out[1].id == "also-good");
  CHECK(out[1].conns == std::vector<int32_t>{3, 4});
}

TEST_CASE("keepNewest leaves each device's newest entry, in id order") {
  std::vector<PresenceSnapshot> v{
      {"b", 10, 1, {}}, {"a", 5, 1, {}}, {"b", 30, 3, {9}}, {"b", 20, 2, {}}, {"a", 7, 2, {}}};
  keepNewest(v);
  REQUIRE(v.size() == 2);
  CHECK(v[0].id == "a");
  CHECK(v[0].lastSeenMs == 7);
  CHECK(v[1].id == "b");
  CHECK(v[1].lastSeenMs == 30);
  CHECK(v[1].ver == 3);
  CHECK(v[1].conns == std::vector<int32_t>{9});
}
