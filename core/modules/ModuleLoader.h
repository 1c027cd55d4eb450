// Finds modules in a directory and runs their lifecycle:
//   validate (dlopen RTLD_NOW|RTLD_LOCAL, entry symbol, descriptor) →
//   dependency order → init (registration) → migrate → start → routes live.
// A module that fails any step is skipped with one log line (and so are the
// modules that depend on it); the server keeps serving. A module listed in
// modules.required that does not start makes loadAll() throw.
#pragma once

#include "http/Router.h"
#include "modules/Host.h"

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rdc::modules {

class FatalModuleError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct LoaderOptions {
  std::filesystem::path dir;
  std::vector<std::string> disabled;
  std::vector<std::string> required;
};

class ModuleLoader {
public:
  ModuleLoader(Host *host, LoaderOptions opts);
  ~ModuleLoader();
  ModuleLoader(const ModuleLoader &) = delete;
  ModuleLoader &operator=(const ModuleLoader &) = delete;

  // Opens every *.so (*.dll on Windows) and validates its descriptor; runs no
  // module code but the entry function. Safe without a Host (CLI listing).
  void discover();
  // init → migrate → start for every valid module, in dependency order; adds
  // the routes of started modules to `router` and their subscriptions to the
  // event bus. Throws FatalModuleError for a failed required module.
  // `coreRoutes` are already in the router; modules may not collide with them.
  void loadAll(http::Router &router, const std::vector<const http::RouteTarget *> &coreRoutes);
  // init → migrate (never start) for every valid module, in dependency
  // order: brings a database's schema to what these modules expect without
  // running them (db copy-to-postgresql). Skips failing modules as loadAll
  // does; modules.required is not checked. Do not call loadAll afterwards.
  // Same as initAll() followed by migrateAll().
  void prepareSchemas();
  // The two halves of prepareSchemas, for module commands: init every valid
  // module (so their commands are known) without touching the database,
  // then — only when a command will run — apply their migrations.
  void initAll();
  void migrateAll();
  // The command `name` of an initialized (or started) module, with its
  // module; nullptr when no module added it.
  const Command *findCommand(std::string_view name, const rdc_module **owner = nullptr) const;
  // Every command of initialized (or started) modules, sorted by name.
  std::vector<std::pair<const rdc_module *, const Command *>> commands() const;
  // Calls stop() of started modules in reverse start order (never the stop()
  // of a module that was not started).
  void stopAll();

  const std::vector<std::unique_ptr<rdc_module>> &modules() const { return modules_; }

private:
  void skip(rdc_module &m, const std::string &why);
  // True when every dependency of `m` is in state `reached`; else skips `m`.
  bool dependenciesReady(rdc_module &m, ModuleState reached);
  std::vector<rdc_module *> dependencyOrder();
  // Found → Initialized with its migrations applied; false (and skipped) when
  // a dependency has not reached `dependenciesReached` or a step failed.
  bool initAndMigrate(rdc_module &m, ModuleState dependenciesReached);
  void initOne(rdc_module &m);
  // "" or why `m`'s commands cannot be added (taken by another module).
  std::string commandConflict(const rdc_module &m) const;
  void migrateOne(rdc_module &m);
  void startOne(rdc_module &m, http::Router &router);
  std::string routeConflict(const rdc_module &m) const;

  Host *host_;
  LoaderOptions opts_;
  std::vector<std::unique_ptr<rdc_module>> modules_; // dependency order after loadAll
  std::vector<rdc_module *> started_;
  std::vector<rdc_module *> prepareOrder_; // between initAll and migrateAll
  std::vector<const http::RouteTarget *> liveRoutes_;
  bool discovered_ = false;
};

} // namespace rdc::modules
