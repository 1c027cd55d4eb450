// `rdconsole device-group ...`: device groups (core_device_groups) and who
// they are granted to, for operators.
#include "app/CliVerbs.h"
#include "app/CommandLine.h"
#include "app/Runtime.h"

#include <fmt/format.h>

#include <iostream>
#include <optional>
#include <stdexcept>

namespace rdc::app::cli {
namespace {

const char *const kSubCommands = "add, list, delete, grant, revoke, grants";

// The words of one sub-command: its positional arguments and the options
// it takes ("--note TEXT", "--user USER", "--group GROUP").
struct Args {
  std::vector<std::string> positional;
  std::optional<std::string> note, user, group;
};

[[noreturn]] void usage(const std::string &sub, const std::string &syntax) {
  throw UsageError("usage: rdconsole device-group " + sub + (syntax.empty() ? "" : " ") + syntax);
}

Args parse(const std::vector<std::string> &v, const std::string &sub) {
  Args a;
  for (size_t i = 2; i < v.size(); ++i) {
    const std::string &w = v[i];
    if (w.rfind("--", 0) != 0) {
      a.positional.push_back(w);
      continue;
    }
    std::optional<std::string> *slot = w == "--note"    ? &a.note
                                       : w == "--user"  ? &a.user
                                       : w == "--group" ? &a.group
                                                        : nullptr;
    if (!slot)
      throw UsageError("device-group " + sub + ": unknown argument '" + w + "'");
    if (i + 1 >= v.size())
      throw UsageError("device-group " + sub + ": " + w + " needs a value");
    if (*slot)
      throw UsageError("device-group " + sub + ": " + w + " given twice");
    *slot = v[++i];
  }
  return a;
}

// Checks the shape of the command line before the database is opened.
Args checked(const std::vector<std::string> &v, const std::string &sub) {
  if (sub == "list") {
    Args a = parse(v, sub);
    if (!a.positional.empty() || a.note || a.user || a.group)
      usage(sub, "");
    return a;
  }
  if (sub == "add") {
    const char *syntax = "NAME [--note TEXT]";
    Args a = parse(v, sub);
    if (a.positional.size() != 1 || a.user || a.group)
      usage(sub, syntax);
    return a;
  }
  if (sub == "delete" || sub == "grants") {
    Args a = parse(v, sub);
    if (a.positional.size() != 1 || a.note || a.user || a.group)
      usage(sub, "NAME");
    return a;
  }
  // grant, revoke: exactly one of --user and --group.
  const char *syntax = "NAME --user USER | --group GROUP";
  Args a = parse(v, sub);
  if (a.positional.size() != 1 || a.note || a.user.has_value() == a.group.has_value())
    usage(sub, syntax);
  return a;
}

auth::DeviceGroup deviceGroupNamed(Runtime &rt, const std::string &name) {
  auto g = rt.deviceGroups->findByName(name);
  if (!g)
    throw std::invalid_argument("no device group named '" + name + "'");
  return *g;
}

auth::User userNamed(Runtime &rt, const std::string &name) {
  auto u = rt.users->findByName(name);
  if (!u)
    throw std::invalid_argument("no user named '" + name + "'");
  return *u;
}

auth::Group groupNamed(Runtime &rt, const std::string &name) {
  auto g = rt.groups->findByName(name);
  if (!g)
    throw std::invalid_argument("no group named '" + name + "'");
  return *g;
}

int grantOrRevoke(Runtime &rt, const std::string &sub, const auth::DeviceGroup &dg, const Args &a) {
  const bool grant = sub == "grant";
  std::string who;
  bool changed = false;
  if (a.user) {
    const auth::User u = userNamed(rt, *a.user);
    who = "user '" + u.name + "'";
    changed =
        grant ? rt.deviceGroups->grantUser(dg.id, u.id) : rt.deviceGroups->revokeUser(dg.id, u.id);
  } else {
    const auth::Group g = groupNamed(rt, *a.group);
    who = "group '" + g.name + "'";
    changed = grant ? rt.deviceGroups->grantUserGroup(dg.id, g.id)
                    : rt.deviceGroups->revokeUserGroup(dg.id, g.id);
  }
  const std::string what = "device group '" + dg.name + "'";
  if (grant) {
    if (changed)
      std::cout << "granted " << what << " to " << who << "\n";
    else
      std::cout << who << " already has " << what << "\n";
    return 0;
  }
  if (!changed)
    throw std::invalid_argument(who + " has no grant of " + what);
  std::cout << "revoked " << what << " from " << who << "\n";
  return 0;
}

} // namespace

int deviceGroupVerb(const std::vector<std::string> &v, const Config &cfg) {
  if (v.size() < 2)
    throw UsageError(std::string("device-group needs a sub-command: ") + kSubCommands);
  const std::string &sub = v[1];
  if (sub != "add" && sub != "list" && sub != "delete" && sub != "grant" && sub != "revoke" &&
      sub != "grants")
    throw UsageError("unknown device-group sub-command '" + sub + "'");
  // Arguments are checked before the database is opened.
  const Args a = checked(v, sub);

  Runtime rt(cfg);
  if (sub == "list") {
    std::cout << fmt::format("{:<32} {:<7} {}\n", "NAME", "DEVICES", "GRANTS");
    for (const auto &g : rt.deviceGroups->list())
      std::cout << fmt::format("{:<32} {:<7} {}\n", g.name, g.deviceCount, g.grantCount);
    return 0;
  }
  if (sub == "add") {
    auto g = rt.deviceGroups->create(a.positional[0], a.note.value_or(""));
    std::cout << "created device group '" << g.name << "'\n";
    return 0;
  }
  const auth::DeviceGroup dg = deviceGroupNamed(rt, a.positional[0]);
  if (sub == "delete") {
    const size_t grants = [&] {
      auto g = rt.deviceGroups->grants(dg.id);
      return g.users.size() + g.userGroups.size();
    }();
    int64_t released = 0;
    if (!rt.deviceGroups->remove(dg.id, &released))
      throw std::invalid_argument("no device group named '" + a.positional[0] + "'");
    std::cout << "deleted device group '" << dg.name << "' (" << released
              << " device(s) left without a device group, " << grants << " grant(s) removed)\n";
    return 0;
  }
  if (sub == "grants") {
    const auto g = rt.deviceGroups->grants(dg.id);
    std::cout << fmt::format("{:<6} {}\n", "TYPE", "NAME");
    for (const auto &u : g.users)
      std::cout << fmt::format("{:<6} {}\n", "user", u.name);
    for (const auto &ug : g.userGroups)
      std::cout << fmt::format("{:<6} {}\n", "group", ug.name);
    return 0;
  }
  return grantOrRevoke(rt, sub, dg, a);
}

} // namespace rdc::app::cli
