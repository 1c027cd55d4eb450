#include "auth/Groups.h"

#include "AuthFixture.h"

#include <doctest/doctest.h>

using namespace rdc;

namespace {
struct GroupsFixture : test::AuthFixture {
  auth::GroupStore groups{*pool};
};
} // namespace

TEST_CASE("groups: groupNameProblem and trimming") {
  CHECK(auth::groupNameProblem("Sales") == "");
  CHECK(auth::groupNameProblem("Sales EU / Night-Shift #2") == "");
  CHECK(auth::groupNameProblem(std::string(64, 'g')) == "");
  std::string e64;
  for (int i = 0; i < 64; ++i)
    e64 += "\xc3\xa9"; // 64 characters, 128 bytes
  CHECK(auth::groupNameProblem(e64) == "");
  CHECK(auth::groupNameProblem(e64 + "x") == "Group name is too long (at most 64 characters)");
  CHECK(auth::groupNameProblem("") == "Group name must not be empty");
  CHECK(auth::groupNameProblem(std::string(65, 'g')) ==
        "Group name is too long (at most 64 characters)");
  for (const char *bad : {"a\tb", "a\nb", "a\x7f", "\x01"})
    CHECK(auth::groupNameProblem(bad) == "Group name must not contain control characters");
  for (const char *bad : {"bad\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"})
    CHECK(auth::groupNameProblem(bad) == "Group name must be valid UTF-8");
  CHECK(auth::trimGroupName("  Sales EU \t") == "Sales EU");
  CHECK(auth::trimGroupName(" \t ") == "");
}

TEST_CASE("groups: create then find by name in any case or by id and list in name order") {
  GroupsFixture f;
  auto sales = f.groups.create("  Sales EU ", "the note");
  CHECK(sales.id > 0);
  CHECK(sales.name == "Sales EU");
  CHECK(sales.note == "the note");
  CHECK(sales.createdAtMs > 1600000000000);
  auto dev = f.groups.create("dev");

  for (const char *lookup : {"Sales EU", "sales eu", "SALES EU", " sales eu "}) {
    CAPTURE(lookup);
    auto g = f.groups.findByName(lookup);
    REQUIRE(g);
    CHECK(g->id == sales.id);
    CHECK(g->name == "Sales EU");
    CHECK(g->note == "the note");
  }
  auto byId = f.groups.findById(dev.id);
  REQUIRE(byId);
  CHECK(byId->name == "dev");
  CHECK_FALSE(f.groups.findByName("sales"));
  CHECK_FALSE(f.groups.findById(dev.id + 100));

  auto all = f.groups.list();
  REQUIRE(all.size() == 2);
  CHECK(all[0].name == "dev");
  CHECK(all[1].name == "Sales EU");
  CHECK(all[0].memberCount == 0);
}

TEST_CASE("groups: a taken name (any case) or a bad name fails and changes nothing") {
  GroupsFixture f;
  f.groups.create("Sales");
  CHECK_THROWS_WITH_AS(f.groups.create("SALES"), "Group name 'SALES' is already taken",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(f.groups.create("   "), "Group name must not be empty",
                       std::invalid_argument);
  CHECK_THROWS_AS(f.groups.create("a\nb"), std::invalid_argument);
  CHECK_THROWS_AS(f.groups.create("ok", "bad note \xff"), std::invalid_argument);
  CHECK(f.groups.list().size() == 1);
}

TEST_CASE("groups: members and groupIdsOf and remove and cascades") {
  GroupsFixture f;
  auto bob = f.addUser("bob");
  auto carol = f.addUser("Carol");
  auto a = f.groups.create("A");
  auto b = f.groups.create("B");

  CHECK(f.groups.addMember(b.id, bob.id));
  CHECK(f.groups.addMember(a.id, bob.id));
  CHECK_FALSE(f.groups.addMember(a.id, bob.id)); // already a member
  CHECK(f.groups.addMember(a.id, carol.id));
  CHECK_THROWS_AS(f.groups.addMember(a.id, carol.id + 100), std::invalid_argument);
  CHECK_THROWS_AS(f.groups.addMember(b.id + 100, bob.id), std::invalid_argument);

  auto members = f.groups.members(a.id);
  REQUIRE(members.size() == 2);
  CHECK(members[0].name == "bob");
  CHECK(members[1].name == "Carol");
  CHECK(f.groups.groupIdsOf(bob.id) == std::vector<int64_t>{a.id, b.id}); // ascending
  CHECK(f.groups.groupIdsOf(carol.id) == std::vector<int64_t>{a.id});
  CHECK(f.groups.groupIdsOf(carol.id + 100).empty());
  auto listed = f.groups.list();
  CHECK(listed[0].memberCount == 2);
  CHECK(listed[1].memberCount == 1);

  CHECK(f.groups.removeMember(a.id, bob.id));
  CHECK_FALSE(f.groups.removeMember(a.id, bob.id));
  CHECK(f.groups.groupIdsOf(bob.id) == std::vector<int64_t>{b.id});

  CHECK(f.groups.remove(b.id));
  CHECK_FALSE(f.groups.remove(b.id));
  CHECK_FALSE(f.groups.findById(b.id));
  CHECK(f.groups.groupIdsOf(bob.id).empty()); // the membership went with the group
  CHECK(f.users.findById(bob.id));            // the user did not

  // Deleting a user removes their memberships (ON DELETE CASCADE).
  {
    auto c = f.pool->acquire();
    db::exec(*c, "DELETE FROM core_users WHERE id = ?", {carol.id});
  }
  CHECK(f.groups.members(a.id).empty());
}
