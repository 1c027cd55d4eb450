#include "modules/Commands.h"

#include <doctest/doctest.h>

using namespace rdc::modules;

TEST_CASE("commands: names a module may use") {
  for (const char *ok :
       {"ab", "a", "ab-store", "x9", "a-b-c-1", "abcdefghijklmnopqrstuvwxyz012345"})
    CHECK_MESSAGE(commandNameProblem(ok) == "", ok);
  CHECK(commandNameProblem("") == "command names are 1-32 characters");
  CHECK(commandNameProblem(std::string(33, 'a')) == "command names are 1-32 characters");
  for (const char *bad : {"9ab", "-ab", "Ab"})
    CHECK_MESSAGE(commandNameProblem(bad) == "command names start with a letter a-z", bad);
  for (const char *bad : {"aB", "a_b", "a b", "a.b", "a/b"})
    CHECK_MESSAGE(commandNameProblem(bad) == "command names contain only a-z, 0-9 and -", bad);
}

TEST_CASE("commands: the core keeps its verbs") {
  for (const char *verb :
       {"user", "group", "device-group", "api-token", "modules", "db", "help", "version"})
    CHECK_MESSAGE(isCoreVerb(verb), verb);
  for (const char *other :
       {"ab", "users", "groups", "", "USER", "device-groups", "devices", "api-tokens"})
    CHECK_MESSAGE(!isCoreVerb(other), other);
}
