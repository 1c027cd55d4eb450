#include "app/CommandLine.h"

namespace rdc::app {
namespace {

bool startsWith(const std::string &s, const char *prefix) { return s.rfind(prefix, 0) == 0; }

// "--name=value" or "--name value"; advances i when the value is separate.
bool takeOption(const std::vector<std::string> &args, size_t &i, const char *name,
                std::string &value) {
  const std::string &a = args[i];
  std::string eq = std::string(name) + "=";
  if (startsWith(a, eq.c_str())) {
    value = a.substr(eq.size());
    return true;
  }
  if (a == name) {
    if (i + 1 >= args.size())
      throw UsageError(std::string(name) + " needs a value");
    value = args[++i];
    return true;
  }
  return false;
}

void addSet(CommandLine &cl, const std::string &kv) {
  size_t eq = kv.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError("--set needs key=value, got '" + kv + "'");
  cl.sources.overrides.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
}

} // namespace

CommandLine parseCommandLine(int argc, const char *const *argv) {
  CommandLine cl;
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  cl.passthrough.emplace_back(argc > 0 ? argv[0] : "rdconsole");
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &a = args[i];
    std::string v;
    if (!cl.verb.empty()) {
      // Global options may also follow the verb.
      if (takeOption(args, i, "--config", v))
        cl.sources.file = v;
      else if (takeOption(args, i, "--set", v))
        addSet(cl, v);
      else if (takeOption(args, i, "--data-dir", v))
        cl.sources.overrides.emplace_back("data_dir", v);
      else if (takeOption(args, i, "--modules-dir", v))
        cl.sources.overrides.emplace_back("modules.dir", v);
      else
        cl.verb.push_back(a);
      continue;
    }
    if (a == "--help" || a == "-h" || a == "help")
      cl.help = true;
    else if (a == "--version" || a == "version")
      cl.version = true;
    else if (takeOption(args, i, "--config", v) || takeOption(args, i, "-c", v))
      cl.sources.file = v;
    else if (takeOption(args, i, "--set", v) || takeOption(args, i, "-D", v))
      addSet(cl, v);
    else if (takeOption(args, i, "--data-dir", v))
      cl.sources.overrides.emplace_back("data_dir", v);
    else if (takeOption(args, i, "--modules-dir", v))
      cl.sources.overrides.emplace_back("modules.dir", v);
    else if (takeOption(args, i, "--port", v))
      cl.sources.overrides.emplace_back("http.port", v);
    else if (a == "--daemon" || startsWith(a, "--pidfile") || startsWith(a, "--umask") ||
             startsWith(a, "/registerService") || startsWith(a, "/unregisterService") ||
             startsWith(a, "/displayName") || startsWith(a, "/description") ||
             startsWith(a, "/startup"))
      cl.passthrough.push_back(a);
    else if (!a.empty() && a[0] != '-' && a[0] != '/')
      cl.verb.push_back(a); // a core verb or a module command (app/Cli.cpp decides)
    else
      throw UsageError("unknown argument '" + a + "' (see rdconsole --help)");
  }
  return cl;
}

const char *usageText() {
  return R"(Usage: rdconsole [OPTIONS] [VERB ...]

Runs the rdconsole server (no verb), or an operator verb.

Options (before or after a verb):
  -c, --config FILE      main configuration file (default /etc/rdconsole/rdconsole.properties
                         when it exists); FILE's directory/modules.d/*.properties are read too
  -D, --set KEY=VALUE    override one configuration key (repeatable)
      --data-dir DIR     same as --set data_dir=DIR
      --modules-dir DIR  same as --set modules.dir=DIR
      --port N           same as --set http.port=N (0 = any free port)
      --daemon, --pidfile=FILE, --umask=MASK   run in the background (Unix)
  -h, --help             this text
      --version          print the version

Verbs:
  user add NAME [--admin] [--display-name TEXT] [--email ADDRESS]
                         create a user; the password is read from the first line of stdin
  user passwd NAME       set a new password (first line of stdin); signs the user out everywhere
  user disable NAME      block logins and revoke every token of the user
  user enable NAME       allow logins again
  user list              list users
  group add NAME         create a user group (1-64 characters; names ignore case)
  group list             list groups with their member counts
  group delete NAME      delete a group (its members stay; only the membership goes)
  group add-member GROUP USER      put a user into a group
  group remove-member GROUP USER   take a user out of a group
  group members GROUP    list the members of a group
  device-group add NAME [--note TEXT]
                         create a device group (names as for groups)
  device-group list      list device groups with their device and grant counts
  device-group delete NAME         delete a device group (its devices stay, in no group)
  device-group grant NAME --user USER | --group GROUP
                         let a user, or every member of a user group, see its devices
  device-group revoke NAME --user USER | --group GROUP   take a grant back
  device-group grants NAME         list the users and user groups a device group is granted to
  api-token create NAME --scope SCOPE [--scope SCOPE ...] [--expires-days N]
                         create an API token (names as for groups) and print it, once: only
                         its hash is kept. Scopes: devices (rustdesk --assign --token T).
                         N: 1-3650 days; without it the token never expires
  api-token list         list API tokens: scopes, state, created, expires, last used, revoked
                         (never the token)
  api-token revoke NAME  refuse the token from now on (it stays listed, its name taken)
  modules                list the modules found, their version, ABI and state
  db copy-to-postgresql  copy every row of the SQLite database (db.sqlite.path, or
                         <data_dir>/rdconsole.db) into the empty PostgreSQL database of
                         db.postgresql.url, after migrating it with the core and modules.dir
  help                   this text, with the commands the installed modules add
  VERB ...               a module's command (listed below when modules add any); it runs
                         with the database migrated, without starting the server

Environment: RDCONSOLE_<KEY> overrides a key, '.' written as '__'
  (RDCONSOLE_HTTP__PORT=8080 sets http.port).
Exit codes: 0 success, 1 failure, 2 usage error.
)";
}

} // namespace rdc::app
