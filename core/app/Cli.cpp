#include "app/Cli.h"

#include "app/CliVerbs.h"
#include "app/DbCopy.h"
#include "app/Runtime.h"
#include "modules/ModuleLoader.h"

#include <fmt/format.h>

#include <ctime>
#include <iostream>
#include <stdexcept>
#include <termios.h>
#include <unistd.h>

namespace rdc::app {

namespace cli {
std::string formatTime(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%SZ", &tm);
  return buf;
}

const char *statusName(int32_t s) {
  return s == 1 ? "active" : s == 0 ? "disabled" : "unverified";
}
} // namespace cli

namespace {
using cli::formatTime;
using cli::statusName;

// The first line of stdin; no echo when stdin is a terminal.
std::string readPassword() {
  bool tty = ::isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (tty) {
    std::cerr << "Password: " << std::flush;
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!got)
    throw std::invalid_argument("no password on standard input");
  if (!line.empty() && line.back() == '\r')
    line.pop_back();
  return line;
}

int userVerb(const std::vector<std::string> &v, const Config &cfg) {
  if (v.size() < 2)
    throw UsageError("user needs a sub-command: add, passwd, disable, enable, list");
  const std::string &sub = v[1];
  Runtime rt(cfg);
  if (sub == "list") {
    if (v.size() != 2)
      throw UsageError("user list takes no arguments");
    std::cout << fmt::format("{:<32} {:<6} {:<10} {}\n", "NAME", "ADMIN", "STATUS", "CREATED");
    for (const auto &u : rt.users->list())
      std::cout << fmt::format("{:<32} {:<6} {:<10} {}\n", u.name, u.isAdmin ? "yes" : "no",
                               statusName(u.status), formatTime(u.createdAtMs));
    return 0;
  }
  if (v.size() < 3)
    throw UsageError("user " + sub + " needs a user name");
  const std::string &name = v[2];
  if (sub == "add") {
    auth::NewUser nu;
    nu.name = name;
    for (size_t i = 3; i < v.size(); ++i) {
      if (v[i] == "--admin")
        nu.isAdmin = true;
      else if (v[i] == "--display-name" && i + 1 < v.size())
        nu.displayName = v[++i];
      else if (v[i] == "--email" && i + 1 < v.size())
        nu.email = v[++i];
      else
        throw UsageError("user add: unknown argument '" + v[i] + "'");
    }
    nu.password = readPassword();
    rt.users->create(nu);
    std::cout << "created user '" << name << "'" << (nu.isAdmin ? " (administrator)" : "")
              << "\n";
    return 0;
  }
  if (v.size() != 3)
    throw UsageError("user " + sub + " takes exactly one user name");
  auto user = rt.users->findByName(name);
  if (!user)
    throw std::invalid_argument("no user named '" + name + "'");
  if (sub == "passwd") {
    rt.users->setPassword(name, readPassword());
    int64_t n = rt.tokens->revokeAllOf(user->id);
    std::cout << "password changed for '" << user->name << "'; " << n << " session(s) signed out\n";
  } else if (sub == "disable") {
    rt.users->setStatus(name, 0);
    int64_t n = rt.tokens->revokeAllOf(user->id);
    std::cout << "disabled '" << user->name << "'; " << n << " session(s) signed out\n";
  } else if (sub == "enable") {
    rt.users->setStatus(name, 1);
    std::cout << "enabled '" << user->name << "'\n";
  } else {
    throw UsageError("unknown user sub-command '" + sub + "'");
  }
  return 0;
}

int modulesVerb(const std::vector<std::string> &v, const Config &cfg,
                const std::filesystem::path &exeDir) {
  if (v.size() != 1)
    throw UsageError("modules takes no arguments");
  modules::LoaderOptions o;
  o.dir = cfg.modulesDir(exeDir);
  o.disabled = cfg.getList("modules.disabled");
  modules::ModuleLoader loader(nullptr, o);
  loader.discover();
  std::cout << "modules directory: " << o.dir.string() << "\n";
  std::cout << fmt::format("{:<20} {:<10} {:<5} {}\n", "NAME", "VERSION", "ABI", "STATE");
  for (const auto &m : loader.modules()) {
    std::string name = m->name.empty() ? std::filesystem::path(m->file).filename().string() : m->name;
    std::string abi = m->desc ? fmt::format("{}.{}", m->abiMajor, m->abiMinor) : "-";
    std::string state = m->state == modules::ModuleState::Found ? "ok"
                                                                 : modules::stateName(m->state);
    if (!m->reason.empty())
      state += ": " + m->reason;
    std::cout << fmt::format("{:<20} {:<10} {:<5} {}\n", name, m->version.empty() ? "-" : m->version,
                             abi, state);
  }
  return 0;
}

int dbVerb(const std::vector<std::string> &v, const Config &cfg,
           const std::filesystem::path &exeDir) {
  if (v.size() < 2)
    throw UsageError("db needs a sub-command: copy-to-postgresql");
  if (v[1] != "copy-to-postgresql")
    throw UsageError("unknown db sub-command '" + v[1] + "'");
  if (v.size() != 2)
    throw UsageError("db copy-to-postgresql takes no arguments");
  copyToPostgresql(cfg, exeDir, std::cout);
  return 0;
}

} // namespace

int runVerb(const CommandLine &cl, const Config &cfg, const std::filesystem::path &exeDir) {
  try {
    if (cl.verb[0] == "user")
      return userVerb(cl.verb, cfg);
    if (cl.verb[0] == "modules")
      return modulesVerb(cl.verb, cfg, exeDir);
    if (cl.verb[0] == "db")
      return dbVerb(cl.verb, cfg, exeDir);
    if (cl.verb[0] == "group")
      return cli::groupVerb(cl.verb, cfg);
    if (cl.verb[0] == "device-group")
      return cli::deviceGroupVerb(cl.verb, cfg);
    if (cl.verb[0] == "api-token")
      return cli::apiTokenVerb(cl.verb, cfg);
    // Anything else may be a command that a module adds (ABI 1.1).
    return cli::moduleCommand(cl.verb, cfg, exeDir);
  } catch (const UsageError &e) {
    std::cerr << "rdconsole: " << e.what() << "\n";
    return 2;
  } catch (const std::exception &e) {
    std::cerr << "rdconsole: " << e.what() << "\n";
    return 1;
  }
}

} // namespace rdc::app
