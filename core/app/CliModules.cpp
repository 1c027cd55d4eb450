// Commands that modules add (ABI 1.1 command_add): `rdconsole <verb> ...`
// runs one of them, `rdconsole help` lists them.
//
// A command runs as the server would run its module, minus start(): the same
// configuration, database and modules directory (modules.disabled honoured),
// every module initialized and migrated in dependency order. Nothing is ever
// started, so no module's stop() is called; modules are load-once, so their
// code stays mapped until the process exits.
#include "app/Cli.h"
#include "app/CliVerbs.h"
#include "app/CommandLine.h"
#include "app/Runtime.h"
#include "db/CoreSchema.h"
#include "db/Migrations.h"
#include "db/Sqlite.h"
#include "events/EventBus.h"
#include "modules/Host.h"
#include "modules/ModuleLoader.h"

#include <fmt/format.h>

#include <iostream>
#include <stdexcept>

namespace rdc::app {
namespace {

modules::LoaderOptions loaderOptions(const Config &cfg, const std::filesystem::path &exeDir) {
  modules::LoaderOptions o;
  o.dir = cfg.modulesDir(exeDir);
  o.disabled = cfg.getList("modules.disabled");
  return o;
}

std::string commandList(const modules::ModuleLoader &loader) {
  std::string names;
  for (const auto &[module, cmd] : loader.commands())
    names += (names.empty() ? "" : ", ") + cmd->name;
  return names.empty() ? "none" : names;
}

std::string coreVerbList() {
  std::string out;
  for (const auto &v : modules::coreVerbs())
    out += (out.empty() ? "" : ", ") + v;
  return out;
}

int32_t runCommand(const modules::Command &cmd, const std::vector<std::string> &v) {
  std::vector<const char *> argv;
  for (const auto &a : v)
    argv.push_back(a.c_str());
  argv.push_back(nullptr);
  rdc_command_ctx ctx{&std::cout, &std::cerr};
  int32_t rc = 1;
  try {
    rc = cmd.fn(&ctx, static_cast<int32_t>(v.size()), argv.data(), cmd.userData);
  } catch (...) {
    // The module broke the no-exceptions rule; report a failure.
    std::cerr << "rdconsole: command '" << cmd.name << "' failed with an exception\n";
    rc = 1;
  }
  std::cout.flush();
  std::cerr.flush();
  // An exit status is one byte; anything outside 0..255 is a failure, not a
  // value that wraps round to success.
  return rc >= 0 && rc <= 255 ? rc : 1;
}

} // namespace

namespace cli {

int moduleCommand(const std::vector<std::string> &v, const Config &cfg,
                  const std::filesystem::path &exeDir) {
  const std::string &verb = v[0];
  Runtime rt(cfg);
  events::EventBus bus; // never started: a command's events are not delivered
  modules::Host host{cfg,        *rt.pool,    *rt.users,        *rt.tokens,   bus,
                     *rt.groups, *rt.devices, *rt.deviceGroups, *rt.apiTokens};
  modules::ModuleLoader loader(&host, loaderOptions(cfg, exeDir));
  // init first and migrate only when the verb exists: a typo changes nothing.
  loader.initAll();
  const rdc_module *owner = nullptr;
  if (!loader.findCommand(verb, &owner))
    throw UsageError("unknown verb '" + verb + "' (core verbs: " + coreVerbList() +
                     "; module commands: " + commandList(loader) + "; see rdconsole help)");
  loader.migrateAll();
  const modules::Command *cmd = loader.findCommand(verb, &owner);
  if (!cmd)
    throw std::runtime_error("module '" + owner->name + "', which adds '" + verb +
                             "', could not prepare its schema: " + owner->reason);
  return runCommand(*cmd, v);
}

} // namespace cli

void printModuleCommands(const Config &cfg, const std::filesystem::path &exeDir,
                         std::ostream &out) {
  const auto opts = loaderOptions(cfg, exeDir);
  try {
    // Modules register their commands in init, which needs the host
    // services; a private in-memory database stands in for the configured
    // one, so asking for help never creates, migrates or even opens it.
    db::Pool pool(db::sqliteFactory({":memory:", 0}), 1, std::chrono::milliseconds(5000));
    {
      auto lease = pool.acquire();
      db::migrate(*lease, "core", db::coreMigrations());
    }
    auth::PasswordHasher hasher;
    auth::UserStore users(pool, hasher);
    auth::TokenService tokens(pool, users, std::chrono::hours(1), std::chrono::seconds(0));
    auth::GroupStore groups(pool);
    auth::DeviceStore devices(pool);
    auth::DeviceGroupStore deviceGroups(pool);
    auth::ApiTokenStore apiTokens(pool);
    events::EventBus bus;
    modules::Host host{cfg, pool, users, tokens, bus, groups, devices, deviceGroups, apiTokens};
    modules::ModuleLoader loader(&host, opts);
    loader.initAll();
    auto commands = loader.commands();
    out << "\nModule commands (modules in " << opts.dir.string() << "):\n";
    if (commands.empty())
      out << "  none\n";
    for (const auto &[module, cmd] : commands)
      out << fmt::format("  {:<22} {} [{}]\n", cmd->name, cmd->summary, module->name);
  } catch (const std::exception &e) {
    out << "\nModule commands: cannot list them (" << e.what() << ")\n";
  }
}

} // namespace rdc::app
