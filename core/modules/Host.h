// The services the ABI's host table exposes, and the module handle behind
// the opaque rdc_module.
#pragma once

#include "app/Config.h"
#include "auth/ApiTokens.h"
#include "auth/DeviceGroups.h"
#include "auth/Devices.h"
#include "auth/Groups.h"
#include "auth/Tokens.h"
#include "auth/Users.h"
#include "db/Database.h"
#include "db/Migrations.h"
#include "events/EventBus.h"
#include "http/RouteTarget.h"
#include "modules/Commands.h"
#include "rdconsole/module.h"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace Poco {
class Logger;
}

namespace rdc::modules {

struct Host {
  const app::Config &config;
  db::Pool &pool;
  auth::UserStore &users;
  auth::TokenService &tokens;
  events::EventBus &events;
  auth::GroupStore &groups;
  auth::DeviceStore &devices;
  auth::DeviceGroupStore &deviceGroups;
  auth::ApiTokenStore &apiTokens;
};

// The host that identity calls without an exchange (ABI 1.1, ex == NULL)
// use: the one of the live ModuleLoader (one per process).
void setCurrentHost(Host *host);
Host *currentHost();

enum class ModuleState { Found, Disabled, Rejected, Initializing, Initialized, Started, Stopped };
const char *stateName(ModuleState s);

struct Subscription {
  std::string topic;
  rdc_event_fn fn = nullptr;
  void *userData = nullptr;
};

// The host table (one static instance).
const rdc_host_api *hostApi();

} // namespace rdc::modules

struct rdc_module {
  rdc::modules::Host *host = nullptr;
  std::string file; // the .so path
  void *handle = nullptr;
  const rdc_module_descriptor *desc = nullptr;
  std::string name, version, description;
  uint32_t abiMajor = 0, abiMinor = 0;
  std::vector<std::string> dependencies;
  rdc::modules::ModuleState state = rdc::modules::ModuleState::Found;
  std::string reason; // why it was skipped
  Poco::Logger *logger = nullptr;

  // Registration, filled during init only.
  bool registrationOpen = false;
  std::vector<std::unique_ptr<rdc::http::RouteTarget>> routes;
  std::vector<rdc::db::Migration> migrations;
  std::vector<rdc::modules::Subscription> subscriptions;
  std::vector<rdc::modules::Command> commands;
  // Set by command_add when a name collides with a core verb: the module is
  // skipped even if its init ignores the refusal.
  std::string commandConflict;
  std::string lastErrorLogged; // reported as the reason when init fails

  // Config values handed out stay valid until stop (std::map nodes are stable).
  std::mutex configMu;
  std::map<std::string, std::string> configCache;
};
