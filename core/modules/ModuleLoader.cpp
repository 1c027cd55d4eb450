#include "modules/ModuleLoader.h"

#include <Poco/Logger.h>

#include <algorithm>
#include <cstddef>
#include <dlfcn.h>
#include <functional>
#include <map>

namespace rdc::modules {
namespace {

Poco::Logger &logger() { return Poco::Logger::get("modules"); }

bool validName(const char *name) {
  if (!name)
    return false;
  size_t n = 0;
  for (const char *p = name; *p; ++p, ++n) {
    char c = *p;
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok || n >= 32)
      return false;
  }
  return n > 0;
}

std::string displayName(const rdc_module &m) {
  std::string file = std::filesystem::path(m.file).filename().string();
  if (m.name.empty())
    return "module '" + file + "'";
  return "module '" + m.name + "' (" + file + ")";
}

bool isModuleFile(const std::filesystem::path &p) {
#ifdef _WIN32
  return p.extension() == ".dll";
#else
  return p.extension() == ".so";
#endif
}

} // namespace

ModuleLoader::ModuleLoader(Host *host, LoaderOptions opts) : host_(host), opts_(std::move(opts)) {
  if (host_)
    setCurrentHost(host_);
}

// Modules are load-once: handles of modules whose code ran stay open until
// the process exits (their static data may still be referenced). No module
// code runs after this: identity calls without an exchange find no host.
ModuleLoader::~ModuleLoader() {
  if (host_ && currentHost() == host_)
    setCurrentHost(nullptr);
}

void ModuleLoader::skip(rdc_module &m, const std::string &why) {
  m.state = ModuleState::Rejected;
  m.reason = why;
  m.routes.clear();
  m.migrations.clear();
  m.subscriptions.clear();
  m.commands.clear();
  logger().error(displayName(m) + " skipped: " + why);
}

void ModuleLoader::discover() {
  if (discovered_)
    return;
  discovered_ = true;
  std::error_code ec;
  if (!std::filesystem::is_directory(opts_.dir, ec)) {
    logger().warning("modules directory " + opts_.dir.string() +
                     " does not exist; no modules loaded");
    return;
  }
  std::vector<std::filesystem::path> files;
  for (const auto &entry : std::filesystem::directory_iterator(opts_.dir, ec))
    if (isModuleFile(entry.path()) && entry.is_regular_file(ec))
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());

  std::map<std::string, std::string> seen; // name -> file
  for (const auto &file : files) {
    auto m = std::make_unique<rdc_module>();
    m->host = host_;
    m->file = file.string();
    m->logger = &Poco::Logger::get("module." + file.stem().string());
    rdc_module &mod = *m;
    modules_.push_back(std::move(m));

    dlerror();
    mod.handle = dlopen(mod.file.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!mod.handle) {
      const char *err = dlerror();
      skip(mod, std::string("cannot load: ") + (err ? err : "unknown dlopen error"));
      continue;
    }
    auto entry = reinterpret_cast<rdc_module_entry_fn>(dlsym(mod.handle, "rdc_module_entry_v1"));
    if (!entry) {
      mod.name = file.stem().string();
      std::string why = "does not export rdc_module_entry_v1 (not an rdconsole module)";
      for (int major = 2; major <= 9; ++major) {
        std::string sym = "rdc_module_entry_v" + std::to_string(major);
        if (dlsym(mod.handle, sym.c_str())) {
          why = "built for ABI major " + std::to_string(major) + ", this server speaks " +
                std::to_string(RDC_ABI_MAJOR) + "." + std::to_string(RDC_ABI_MINOR);
          break;
        }
      }
      dlclose(mod.handle);
      mod.handle = nullptr;
      skip(mod, why);
      continue;
    }
    const rdc_module_descriptor *d = nullptr;
    try {
      d = entry();
    } catch (...) {
      d = nullptr;
    }
    std::string why;
    if (!d)
      why = "its entry function returned no descriptor";
    else if (d->struct_size < offsetof(rdc_module_descriptor, stop) + sizeof(d->stop))
      why = "its descriptor is too small (" + std::to_string(d->struct_size) + " bytes)";
    else if (d->abi_major != RDC_ABI_MAJOR)
      why = "built for ABI major " + std::to_string(d->abi_major) + ", this server speaks " +
            std::to_string(RDC_ABI_MAJOR) + "." + std::to_string(RDC_ABI_MINOR);
    else if (d->abi_minor > RDC_ABI_MINOR)
      why = "built for ABI " + std::to_string(d->abi_major) + "." + std::to_string(d->abi_minor) +
            ", newer than this server's " + std::to_string(RDC_ABI_MAJOR) + "." +
            std::to_string(RDC_ABI_MINOR) + "; upgrade rdconsole";
    else if (!validName(d->name))
      why = "its name is not 1-32 characters of a-z 0-9 - _";
    else if (!d->init)
      why = "its descriptor has no init function";
    if (why.empty() && d->dependencies) {
      for (const char *const *dep = d->dependencies; *dep; ++dep) {
        if (!validName(*dep) || mod.dependencies.size() >= 64) {
          why = "its dependency list is malformed";
          break;
        }
        mod.dependencies.emplace_back(*dep);
      }
    }
    if (why.empty()) {
      mod.name = d->name;
      mod.logger = &Poco::Logger::get("module." + mod.name);
      auto prev = seen.find(mod.name);
      if (prev != seen.end())
        why = "another module named '" + mod.name + "' was already loaded from " + prev->second;
    }
    if (!why.empty()) {
      dlclose(mod.handle);
      mod.handle = nullptr;
      mod.dependencies.clear();
      skip(mod, why);
      continue;
    }
    seen.emplace(mod.name, mod.file);
    mod.desc = d;
    mod.version = d->version ? d->version : "?";
    mod.description = d->description ? d->description : "";
    mod.abiMajor = d->abi_major;
    mod.abiMinor = d->abi_minor;
    if (std::find(opts_.disabled.begin(), opts_.disabled.end(), mod.name) != opts_.disabled.end()) {
      mod.state = ModuleState::Disabled;
      mod.reason = "disabled by configuration (modules.disabled)";
      logger().information(displayName(mod) + " disabled by configuration (modules.disabled)");
    }
  }
}

bool ModuleLoader::dependenciesReady(rdc_module &m, ModuleState reached) {
  for (const auto &dep : m.dependencies) {
    auto it = std::find_if(modules_.begin(), modules_.end(),
                           [&](const auto &o) { return o->name == dep; });
    if (it == modules_.end() || (*it)->state == ModuleState::Disabled) {
      skip(m, "needs module '" + dep + "', which is not available");
      return false;
    }
    if ((*it)->state != reached) {
      skip(m, "needs module '" + dep + "', which " +
                  (reached == ModuleState::Started ? "did not start"
                                                   : "could not prepare its schema"));
      return false;
    }
  }
  return true;
}

bool ModuleLoader::initAndMigrate(rdc_module &m, ModuleState dependenciesReached) {
  if (m.state != ModuleState::Found || !dependenciesReady(m, dependenciesReached))
    return false;
  initOne(m);
  if (m.state == ModuleState::Initialized)
    migrateOne(m);
  return m.state == ModuleState::Initialized;
}

void ModuleLoader::initOne(rdc_module &m) {
  m.state = ModuleState::Initializing;
  m.registrationOpen = true;
  rdc_status s = RDC_ERROR;
  try {
    s = m.desc->init(&m, hostApi());
  } catch (...) {
    s = RDC_ERROR; // a module let an exception escape; treat as a failed init
  }
  m.registrationOpen = false;
  if (s != RDC_OK) {
    skip(m, "init failed: " + (m.lastErrorLogged.empty() ? "status " + std::to_string(s)
                                                          : m.lastErrorLogged));
    return;
  }
  // A command that could never be reached is a broken module, as a route
  // conflict is, even when its init ignored command_add's refusal.
  std::string conflict = m.commandConflict.empty() ? commandConflict(m) : m.commandConflict;
  if (!conflict.empty()) {
    skip(m, "init failed: " + conflict);
    return;
  }
  m.state = ModuleState::Initialized;
}

std::string ModuleLoader::commandConflict(const rdc_module &m) const {
  for (const auto &c : m.commands) {
    const rdc_module *owner = nullptr;
    if (findCommand(c.name, &owner) && owner != &m)
      return "command '" + c.name + "' was already added by module '" + owner->name + "'";
  }
  return {};
}

const Command *ModuleLoader::findCommand(std::string_view name, const rdc_module **owner) const {
  for (const auto &m : modules_) {
    if (m->state != ModuleState::Initialized && m->state != ModuleState::Started)
      continue;
    for (const auto &c : m->commands)
      if (c.name == name) {
        if (owner)
          *owner = m.get();
        return &c;
      }
  }
  return nullptr;
}

std::vector<std::pair<const rdc_module *, const Command *>> ModuleLoader::commands() const {
  std::vector<std::pair<const rdc_module *, const Command *>> out;
  for (const auto &m : modules_)
    if (m->state == ModuleState::Initialized || m->state == ModuleState::Started)
      for (const auto &c : m->commands)
        out.emplace_back(m.get(), &c);
  std::sort(out.begin(), out.end(),
            [](const auto &a, const auto &b) { return a.second->name < b.second->name; });
  return out;
}

void ModuleLoader::migrateOne(rdc_module &m) {
  if (m.migrations.empty())
    return;
  std::sort(m.migrations.begin(), m.migrations.end(),
            [](const auto &a, const auto &b) { return a.version < b.version; });
  try {
    auto lease = host_->pool.acquire();
    int ran = db::migrate(*lease, m.name, m.migrations);
    if (ran > 0)
      logger().information("module '" + m.name + "': applied " + std::to_string(ran) +
                           " migration(s)");
  } catch (const std::exception &e) {
    skip(m, std::string("migration failed: ") + e.what());
  }
}

std::string ModuleLoader::routeConflict(const rdc_module &m) const {
  http::Router trial;
  for (const auto *r : liveRoutes_)
    trial.add(r->method, r->pattern, r);
  for (const auto &r : m.routes) {
    try {
      trial.add(r->method, r->pattern, r.get());
    } catch (const std::invalid_argument &e) {
      return e.what();
    }
  }
  return {};
}

void ModuleLoader::startOne(rdc_module &m, http::Router &router) {
  std::string conflict = routeConflict(m);
  if (!conflict.empty()) {
    skip(m, "route conflict: " + conflict);
    return;
  }
  if (m.desc->start) {
    rdc_status s = RDC_ERROR;
    try {
      s = m.desc->start(&m);
    } catch (...) {
      s = RDC_ERROR;
    }
    if (s != RDC_OK) {
      skip(m, "start failed (status " + std::to_string(s) + ")");
      return;
    }
  }
  for (const auto &r : m.routes) {
    router.add(r->method, r->pattern, r.get());
    liveRoutes_.push_back(r.get());
  }
  for (const auto &sub : m.subscriptions) {
    rdc_event_fn fn = sub.fn;
    void *ud = sub.userData;
    host_->events.subscribe(sub.topic, [fn, ud](const std::string &topic, const std::string &p) {
      fn(topic.c_str(), rdc_str{p.data(), p.size()}, ud);
    });
  }
  m.state = ModuleState::Started;
  started_.push_back(&m);
  logger().information("module '" + m.name + "' " + m.version + " (ABI " +
                       std::to_string(m.abiMajor) + "." + std::to_string(m.abiMinor) +
                       ") started");
}

std::vector<rdc_module *> ModuleLoader::dependencyOrder() {
  // Depth-first; cycles are skipped.
  std::vector<rdc_module *> order;
  std::map<std::string, int> mark; // 1 visiting, 2 done
  std::function<void(rdc_module &)> visit = [&](rdc_module &m) {
    if (mark[m.name] == 2)
      return;
    if (mark[m.name] == 1) {
      skip(m, "dependency cycle involving '" + m.name + "'");
      return;
    }
    mark[m.name] = 1;
    for (const auto &dep : m.dependencies)
      for (auto &o : modules_)
        if (o->name == dep && o->state == ModuleState::Found)
          visit(*o);
    mark[m.name] = 2;
    order.push_back(&m);
  };
  for (auto &m : modules_)
    if (m->state == ModuleState::Found)
      visit(*m);
  return order;
}

void ModuleLoader::loadAll(http::Router &router,
                           const std::vector<const http::RouteTarget *> &coreRoutes) {
  discover();
  liveRoutes_ = coreRoutes;

  for (rdc_module *m : dependencyOrder())
    if (initAndMigrate(*m, ModuleState::Started))
      startOne(*m, router);

  for (const auto &name : opts_.required) {
    auto it = std::find_if(modules_.begin(), modules_.end(),
                           [&](const auto &o) { return o->name == name; });
    if (it == modules_.end())
      throw FatalModuleError("required module '" + name + "' was not found in " +
                             opts_.dir.string());
    if ((*it)->state != ModuleState::Started)
      throw FatalModuleError("required module '" + name +
                             "' did not start: " + (*it)->reason);
  }
}

void ModuleLoader::prepareSchemas() {
  initAll();
  migrateAll();
}

void ModuleLoader::initAll() {
  discover();
  // A dependency counts once it is initialized (later: once its schema is in
  // place): it is never started.
  prepareOrder_ = dependencyOrder();
  for (rdc_module *m : prepareOrder_)
    if (m->state == ModuleState::Found && dependenciesReady(*m, ModuleState::Initialized))
      initOne(*m);
}

void ModuleLoader::migrateAll() {
  for (rdc_module *m : prepareOrder_)
    if (m->state == ModuleState::Initialized && dependenciesReady(*m, ModuleState::Initialized))
      migrateOne(*m);
  prepareOrder_.clear();
}

void ModuleLoader::stopAll() {
  for (auto it = started_.rbegin(); it != started_.rend(); ++it) {
    rdc_module &m = **it;
    if (m.desc->stop) {
      try {
        m.desc->stop(&m);
      } catch (...) {
        logger().error("module '" + m.name + "' threw from stop()");
      }
    }
    m.state = ModuleState::Stopped;
  }
  started_.clear();
}

} // namespace rdc::modules
