#include "modules/Commands.h"

#include <algorithm>

namespace rdc::modules {

const std::vector<std::string> &coreVerbs() {
  // Keep in step with app/Cli.cpp and app/CommandLine.cpp.
  static const std::vector<std::string> verbs = {"api-token", "db",      "device-group", "group",
                                                 "help",      "modules", "user",         "version"};
  return verbs;
}

bool isCoreVerb(std::string_view name) {
  const auto &v = coreVerbs();
  return std::find(v.begin(), v.end(), name) != v.end();
}

std::string commandNameProblem(std::string_view name) {
  if (name.empty() || name.size() > 32)
    return "command names are 1-32 characters";
  if (name.front() < 'a' || name.front() > 'z')
    return "command names start with a letter a-z";
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
      return "command names contain only a-z, 0-9 and -";
  return "";
}

} // namespace rdc::modules
