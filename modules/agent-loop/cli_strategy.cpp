// `rdconsole strategy ...`: create and edit strategies and assign them to a
// device, a user or a device group. Running servers pick changes up within
// about one flush interval (they poll the strategy clock).
#include "cli.h"

#include "strategies.h"

#include <stdexcept>

namespace agent {
namespace {

const char *kUsage =
    "usage: rdconsole strategy <sub-command>\n"
    "  list                              NAME OPTIONS ASSIGNMENTS\n"
    "  create NAME\n"
    "  show NAME                         its options and assignments\n"
    "  set NAME KEY=VALUE...             set client options (VALUE may be empty: the client\n"
    "                                    then resets that option to its default)\n"
    "  unset NAME KEY...                 stop sending these options\n"
    "  delete NAME                       also removes its assignments\n"
    "  assign NAME TARGET                TARGET: --device ID | --user USER | --device-group GROUP\n"
    "  unassign TARGET\n"
    "A device's strategy is its own assignment, else its owner's, else its device group's.\n";

struct Target {
  TargetKind kind;
  std::string key;   // as stored: device id, or decimal user / device group id
  std::string label; // as the operator wrote it
};

Target parseTarget(const std::string &flag, const std::string &value) {
  if (flag == "--device") {
    if (!rdc::getDevice(value))
      throw std::invalid_argument("no device with id '" + value + "'");
    return Target{TargetKind::Device, value, "device " + value};
  }
  if (flag == "--user") {
    auto u = rdc::findUserByName(value);
    if (!u)
      throw std::invalid_argument("no user named '" + value + "'");
    return Target{TargetKind::User, std::to_string(u->id), "user " + u->name};
  }
  if (flag == "--device-group") {
    auto g = rdc::findDeviceGroup(value);
    if (!g)
      throw std::invalid_argument("no device group named '" + value + "'");
    return Target{TargetKind::DeviceGroup, std::to_string(*g), "device group " + value};
  }
  throw rdc::UsageError("a target is --device ID, --user USER or --device-group GROUP, got '" +
                        flag + "'");
}

// The operator-facing name of an assignment's target.
std::string describe(const Assignment &a) {
  if (a.kind == TargetKind::Device)
    return "device " + a.target;
  int64_t id = std::stoll(a.target);
  if (a.kind == TargetKind::User) {
    auto u = rdc::getUser(id);
    return "user " + (u ? u->name : "#" + a.target + " (deleted)");
  }
  auto g = rdc::deviceGroupName(id);
  return "device group " + (g ? *g : "#" + a.target + " (deleted)");
}

Strategy requireStrategy(rdc::Db &db, const std::string &name) {
  auto s = findStrategy(db, name);
  if (!s)
    throw std::invalid_argument("no strategy named '" + name + "'");
  return *s;
}

int list(rdc::Command &cmd, rdc::Db &db) {
  std::vector<Assignment> assignments = listAssignments(db);
  cmd.out("NAME\tOPTIONS\tASSIGNMENTS\n");
  for (const Strategy &s : listStrategies(db)) {
    size_t n = 0;
    for (const Assignment &a : assignments)
      n += a.strategyId == s.id;
    cmd.out(s.name + "\t" + std::to_string(s.options.size()) + "\t" + std::to_string(n) + "\n");
  }
  return 0;
}

int show(rdc::Command &cmd, rdc::Db &db, const std::string &name) {
  Strategy s = requireStrategy(db, name);
  cmd.out("strategy " + s.name + "\n");
  for (const auto &[k, v] : s.options)
    cmd.out("  " + k + "=" + v + "\n");
  for (const Assignment &a : listAssignments(db))
    if (a.strategyId == s.id)
      cmd.out("  assigned to " + describe(a) + "\n");
  return 0;
}

} // namespace

int runStrategyCommand(rdc::Command &cmd, const std::vector<std::string> &args) {
  if (args.size() < 2) {
    cmd.err(kUsage);
    return 2;
  }
  const std::string &sub = args[1];
  if (sub == "help" || sub == "--help") {
    cmd.out(kUsage);
    return 0;
  }
  int64_t now = rdc::api().now_ms();
  rdc::Db db = rdc::Db::acquire();
  if (sub == "list") {
    if (args.size() != 2)
      throw rdc::UsageError("strategy list takes no arguments");
    return list(cmd, db);
  }
  if (sub == "create") {
    if (args.size() != 3)
      throw rdc::UsageError("strategy create takes a NAME");
    Strategy s = createStrategy(db, args[2], now);
    cmd.out("created strategy " + s.name + "\n");
    return 0;
  }
  if (sub == "show") {
    if (args.size() != 3)
      throw rdc::UsageError("strategy show takes a NAME");
    return show(cmd, db, args[2]);
  }
  if (sub == "set" || sub == "unset") {
    if (args.size() < 4)
      throw rdc::UsageError("strategy " + sub + " takes a NAME and at least one " +
                            (sub == "set" ? "KEY=VALUE" : "KEY"));
    std::vector<std::pair<std::string, std::optional<std::string>>> changes;
    for (size_t i = 3; i < args.size(); ++i) {
      if (sub == "unset") {
        changes.emplace_back(args[i], std::nullopt);
        continue;
      }
      size_t eq = args[i].find('=');
      if (eq == std::string::npos)
        throw rdc::UsageError("expected KEY=VALUE, got '" + args[i] + "'");
      changes.emplace_back(args[i].substr(0, eq), args[i].substr(eq + 1));
    }
    editStrategy(db, args[2], changes, now);
    cmd.out("updated strategy " + args[2] + "\n");
    return 0;
  }
  if (sub == "delete") {
    if (args.size() != 3)
      throw rdc::UsageError("strategy delete takes a NAME");
    if (!deleteStrategy(db, args[2], now))
      throw std::invalid_argument("no strategy named '" + args[2] + "'");
    cmd.out("deleted strategy " + args[2] + "\n");
    return 0;
  }
  if (sub == "assign") {
    if (args.size() != 5)
      throw rdc::UsageError("strategy assign takes a NAME and a TARGET (--device ID, --user USER "
                            "or --device-group GROUP)");
    Target t = parseTarget(args[3], args[4]);
    Strategy s = requireStrategy(db, args[2]);
    assignStrategy(db, t.kind, t.key, s.name, now);
    cmd.out("assigned strategy " + s.name + " to " + t.label + "\n");
    return 0;
  }
  if (sub == "unassign") {
    if (args.size() != 4)
      throw rdc::UsageError(
          "strategy unassign takes a TARGET (--device ID, --user USER or --device-group GROUP)");
    Target t = parseTarget(args[2], args[3]);
    assignStrategy(db, t.kind, t.key, "", now);
    cmd.out("removed the strategy assignment of " + t.label + "\n");
    return 0;
  }
  throw rdc::UsageError("unknown strategy sub-command '" + sub + "'\n" + kUsage);
}

} // namespace agent
