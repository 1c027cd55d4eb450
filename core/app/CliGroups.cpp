// `rdconsole group ...`: user groups (core_user_groups) for operators.
#include "app/CliVerbs.h"
#include "app/CommandLine.h"
#include "app/Runtime.h"

#include <fmt/format.h>

#include <iostream>
#include <stdexcept>

namespace rdc::app::cli {
namespace {

auth::Group groupNamed(Runtime &rt, const std::string &name) {
  auto g = rt.groups->findByName(name);
  if (!g)
    throw std::invalid_argument("no group named '" + name + "'");
  return *g;
}

auth::User userNamed(Runtime &rt, const std::string &name) {
  auto u = rt.users->findByName(name);
  if (!u)
    throw std::invalid_argument("no user named '" + name + "'");
  return *u;
}

void needArgs(const std::vector<std::string> &v, size_t n, const char *usage) {
  if (v.size() != n)
    throw UsageError(std::string("usage: rdconsole group ") + usage);
}

} // namespace

int groupVerb(const std::vector<std::string> &v, const Config &cfg) {
  if (v.size() < 2)
    throw UsageError(
        "group needs a sub-command: add, list, delete, add-member, remove-member, members");
  const std::string &sub = v[1];
  if (sub != "add" && sub != "list" && sub != "delete" && sub != "add-member" &&
      sub != "remove-member" && sub != "members")
    throw UsageError("unknown group sub-command '" + sub + "'");
  // Arguments are checked before the database is opened.
  if (sub == "list")
    needArgs(v, 2, "list");
  else if (sub == "add")
    needArgs(v, 3, "add NAME");
  else if (sub == "delete")
    needArgs(v, 3, "delete NAME");
  else if (sub == "members")
    needArgs(v, 3, "members GROUP");
  else
    needArgs(v, 4, (sub + " GROUP USER").c_str());

  Runtime rt(cfg);
  if (sub == "list") {
    std::cout << fmt::format("{:<32} {:<7} {}\n", "NAME", "MEMBERS", "CREATED");
    for (const auto &g : rt.groups->list())
      std::cout << fmt::format("{:<32} {:<7} {}\n", g.name, g.memberCount,
                               formatTime(g.createdAtMs));
    return 0;
  }
  if (sub == "add") {
    auto g = rt.groups->create(v[2]);
    std::cout << "created group '" << g.name << "'\n";
    return 0;
  }
  const auth::Group group = groupNamed(rt, v[2]);
  if (sub == "delete") {
    size_t members = rt.groups->members(group.id).size();
    if (!rt.groups->remove(group.id))
      throw std::invalid_argument("no group named '" + v[2] + "'");
    std::cout << "deleted group '" << group.name << "' (" << members
              << " member(s) removed from it)\n";
    return 0;
  }
  if (sub == "members") {
    std::cout << fmt::format("{:<32} {}\n", "USER", "STATUS");
    for (const auto &u : rt.groups->members(group.id))
      std::cout << fmt::format("{:<32} {}\n", u.name, statusName(u.status));
    return 0;
  }
  const auth::User user = userNamed(rt, v[3]);
  if (sub == "add-member") {
    if (rt.groups->addMember(group.id, user.id))
      std::cout << "added '" << user.name << "' to group '" << group.name << "'\n";
    else
      std::cout << "'" << user.name << "' already is a member of group '" << group.name << "'\n";
    return 0;
  }
  // remove-member
  if (!rt.groups->removeMember(group.id, user.id))
    throw std::invalid_argument("'" + user.name + "' is not a member of group '" + group.name +
                                "'");
  std::cout << "removed '" << user.name << "' from group '" << group.name << "'\n";
  return 0;
}

} // namespace rdc::app::cli
