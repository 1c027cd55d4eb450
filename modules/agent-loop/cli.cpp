// `rdconsole devices ...`: the operator's view of devices and the requests an
// operator can queue for them. Requests go to the database; a running server
// picks them up within about one flush interval.
#include "cli.h"

#include "assign.h"
#include "settings.h"
#include "store.h"

#include <ctime>
#include <stdexcept>

namespace agent {
namespace {

const char *kUsage =
    "usage: rdconsole devices <sub-command>\n"
    "  list                        ID ONLINE LAST-SEEN VERSION OS HOSTNAME\n"
    "  disconnect ID CONN_ID       drop one connection at the next heartbeat\n"
    "  request-sysinfo ID          ask the device to upload its sysinfo again\n"
    "  repin ID [UUID]             pin another uuid; without UUID, the next one "
    "seen is pinned\n"
    "  assign ID [--user USER] [--device-group GROUP] [--strategy NAME] [--note TEXT]\n"
    "                              owner, device group, strategy, note (an empty\n"
    "                              value clears; address books: rustdesk --assign)\n";

std::string pad(std::string s, size_t width) {
  if (s.size() < width)
    s.append(width - s.size(), ' ');
  return s + " ";
}

std::string formatTime(int64_t ms) {
  if (ms <= 0)
    return "never";
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%SZ", &tm);
  return buf;
}

void requireDevice(const std::string &id) {
  if (!rdc::getDevice(id))
    throw std::invalid_argument("no device with id '" + id + "'");
}

int list(rdc::Command &cmd) {
  rdc::Db db = rdc::Db::acquire();
  int64_t now = rdc::api().now_ms();
  int64_t window = settings().onlineWindowSeconds * 1000;
  cmd.out(pad("ID", 20) + pad("ONLINE", 6) + pad("LAST-SEEN", 20) + pad("VERSION", 10) +
          pad("OS", 40) + "HOSTNAME\n");
  for (const DeviceRow &d : listDevices(db)) {
    bool online = d.lastSeenMs > 0 && now - d.lastSeenMs <= window;
    cmd.out(pad(d.id, 20) + pad(online ? "yes" : "no", 6) + pad(formatTime(d.lastSeenMs), 20) +
            pad(d.version.empty() ? "-" : d.version, 10) + pad(d.os.empty() ? "-" : d.os, 40) +
            (d.hostname.empty() ? "-" : d.hostname) + "\n");
  }
  return 0;
}

int64_t connIdOf(const std::string &s) {
  size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(s, &used);
  } catch (const std::exception &) {
    used = 0;
  }
  if (used == 0 || used != s.size() || v < INT32_MIN || v > INT32_MAX)
    throw rdc::UsageError("CONN_ID must be a 32-bit integer, got '" + s + "'");
  return v;
}

// `devices assign ID --flag VALUE ...`: the same checks and effects as
// `rustdesk --assign` (assign.cpp), without the address book, whose filing is
// an event that a command process does not deliver.
int assign(rdc::Command &cmd, const std::vector<std::string> &args) {
  if (args.size() < 5 || args.size() % 2 == 0)
    throw rdc::UsageError("devices assign takes an ID and --user, --device-group, --strategy or "
                          "--note options, each with a value");
  const std::string &id = args[2];
  AssignRequest req;
  for (size_t i = 3; i + 1 < args.size(); i += 2) {
    const std::string &flag = args[i];
    std::optional<std::string> *field = flag == "--user"           ? &req.userName
                                        : flag == "--device-group" ? &req.deviceGroupName
                                        : flag == "--strategy"     ? &req.strategyName
                                        : flag == "--note"         ? &req.note
                                                                   : nullptr;
    if (!field)
      throw rdc::UsageError("unknown devices assign option '" + flag + "'");
    if (*field)
      throw rdc::UsageError("devices assign option '" + flag + "' given twice");
    *field = args[i + 1];
  }
  auto device = rdc::getDevice(id);
  if (!device)
    throw std::invalid_argument("no device with id '" + id + "'");
  AssignPlan plan;
  try {
    plan = planAssignment(req);
  } catch (const AssignError &e) {
    throw std::invalid_argument(e.what());
  }
  std::vector<std::string> changed = applyAssignment(*device, plan, AssignSource{"cli", 0, ""});
  std::string list;
  for (const std::string &c : changed)
    list += (list.empty() ? "" : ", ") + c;
  cmd.out("assigned " + id + (list.empty() ? ": nothing changed" : ": " + list) + "\n");
  return 0;
}

} // namespace

int runDevicesCommand(rdc::Command &cmd, const std::vector<std::string> &args) {
  if (args.size() < 2) {
    cmd.err(kUsage); // a usage mistake: stderr, exit 2
    return 2;
  }
  if (args[1] == "help" || args[1] == "--help") {
    cmd.out(kUsage);
    return 0;
  }
  const std::string &sub = args[1];
  if (sub == "list") {
    if (args.size() != 2)
      throw rdc::UsageError("devices list takes no arguments");
    return list(cmd);
  }
  if (sub == "disconnect") {
    if (args.size() != 4)
      throw rdc::UsageError("devices disconnect takes an ID and a CONN_ID");
    int64_t conn = connIdOf(args[3]);
    requireDevice(args[2]);
    rdc::Db db = rdc::Db::acquire();
    queueRequest(db, args[2], "disconnect", conn, rdc::api().now_ms());
    cmd.out("queued: disconnect connection " + args[3] + " of " + args[2] + "\n");
    return 0;
  }
  if (sub == "request-sysinfo") {
    if (args.size() != 3)
      throw rdc::UsageError("devices request-sysinfo takes an ID");
    requireDevice(args[2]);
    rdc::Db db = rdc::Db::acquire();
    queueRequest(db, args[2], "sysinfo", 0, rdc::api().now_ms());
    cmd.out("queued: sysinfo re-upload of " + args[2] + "\n");
    return 0;
  }
  if (sub == "repin") {
    if (args.size() != 3 && args.size() != 4)
      throw rdc::UsageError("devices repin takes an ID and optionally a UUID");
    std::string uuid = args.size() == 4 ? args[3] : "";
    if (!rdc::repinDevice(args[2], uuid))
      throw std::invalid_argument("no device with id '" + args[2] + "'");
    {
      // Tells running servers to drop the pin they hold in memory.
      rdc::Db db = rdc::Db::acquire();
      recordRepin(db, args[2], rdc::api().now_ms());
    }
    cmd.out(uuid.empty() ? "unpinned " + args[2] + ": the next uuid it presents is pinned\n"
                         : "pinned " + args[2] + " to the given uuid\n");
    return 0;
  }
  if (sub == "assign")
    return assign(cmd, args);
  throw rdc::UsageError("unknown devices sub-command '" + sub + "'\n" + kUsage);
}

} // namespace agent
