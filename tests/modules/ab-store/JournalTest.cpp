#include "journal.h"

#include <doctest/doctest.h>

using nlohmann::json;
using namespace ab;

namespace {
JournalEntry entry(int64_t id, std::vector<Change> changes) {
  JournalEntry e;
  e.id = id;
  e.atMs = id * 1000;
  e.userId = 1;
  e.via = "ab-shared";
  e.changes = std::move(changes);
  return e;
}
} // namespace

TEST_CASE("undoTargets gives each row its value before the earliest later change") {
  // 1: add A; 2: alias of A changed; 3: delete A, add B.
  std::vector<JournalEntry> newestFirst = {
      entry(3, {{"peer", "A", json{{"alias", "x"}}, json()}, {"peer", "B", json(), json{}}}),
      entry(2, {{"peer", "A", json{{"alias", ""}}, json{{"alias", "x"}}}}),
  };
  auto targets = undoTargets(newestFirst); // restore to just after entry 1
  CHECK(targets.at({"peer", "A"}) == json{{"alias", ""}});
  CHECK(targets.at({"peer", "B"}).is_null()); // did not exist then
}

TEST_CASE("undoTargets within one entry takes the first change's before") {
  std::vector<JournalEntry> newestFirst = {entry(
      5, {{"tag", "t", json{{"color", 1}}, json()}, {"tag", "t", json(), json{{"color", 2}}}})};
  CHECK(undoTargets(newestFirst).at({"tag", "t"}) == json{{"color", 1}});
}

TEST_CASE("deletedPeers lists peers whose latest change deleted them") {
  std::vector<JournalEntry> newestFirst = {
      entry(4, {{"peer", "A", json(), json{{"alias", "back"}}}}), // A came back
      entry(3, {{"peer", "A", json{{"alias", "a"}}, json()},
                {"peer", "B", json{{"note", "b"}}, json()}}),
      entry(1, {{"peer", "C", json{{"note", "c"}}, json()}}),
  };
  auto bin = deletedPeers(newestFirst);
  REQUIRE(bin.size() == 2);
  CHECK(bin[0].id == "B");
  CHECK(bin[0].data == json{{"note", "b"}});
  CHECK(bin[0].entryId == 3);
  CHECK(bin[1].id == "C");
}

TEST_CASE("changes survive the JSON round trip, nulls included") {
  std::vector<Change> changes = {{"peer", "1", json(), json{{"alias", "ü"}}}};
  auto back = changesFromJson(changesToJson(changes).dump());
  REQUIRE(back.size() == 1);
  CHECK(back[0].kind == "peer");
  CHECK(back[0].before.is_null());
  CHECK(back[0].after == json{{"alias", "ü"}});
  CHECK(changesFromJson("not json").empty());
}
