#include "app/ServerApp.h"

#include "app/Bootstrap.h"
#include "app/Housekeeping.h"
#include "app/Runtime.h"
#include "events/EventBus.h"
#include "http/Dispatcher.h"
#include "http/HttpServer.h"
#include "http/Router.h"
#include "modules/Host.h"
#include "modules/ModuleLoader.h"

#include <Poco/Logger.h>

#include <fstream>

namespace rdc::app {
namespace {

Poco::Logger &serverLog() {
  return Poco::Logger::get("server");
}

// Written atomically so a reader never sees a half-written number.
void writePortFile(const std::string &path, uint16_t port) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << "\n";
    if (!out)
      throw std::runtime_error("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path);
}

http::ServerOptions serverOptions(const Config &c) {
  http::ServerOptions o;
  o.bind = c.getString("http.bind");
  o.port = static_cast<uint16_t>(c.getInt("http.port", 0, 65535));
  o.engine = c.getString("http.engine");
  if (o.engine != "event" && o.engine != "threads")
    throw ConfigError("http.engine must be 'event' or 'threads', not '" + o.engine + "'");
  o.workers = static_cast<int>(c.getInt("http.workers", 0, 4096));
  o.reserveWorkers = static_cast<int>(c.getInt("http.reserve_workers", 0, 4096));
  o.maxConnections = static_cast<int>(c.getInt("http.max_connections", 1, 10000000));
  o.maxThreads = static_cast<int>(c.getInt("http.max_threads", 2, 100000));
  o.maxQueued = static_cast<int>(c.getInt("http.max_queued", 1, 1000000));
  o.readTimeoutMs = static_cast<int>(c.getInt("http.read_timeout_ms", 100, 3600000));
  o.keepAliveTimeoutMs = static_cast<int>(c.getInt("http.keep_alive_timeout_ms", 0, 3600000));
  o.maxKeepAliveRequests = static_cast<int>(c.getInt("http.max_keep_alive_requests", 0, 100000000));
  o.tlsCertificate = c.getString("http.tls.certificate");
  o.tlsPrivateKey = c.getString("http.tls.private_key");
  if (o.tlsCertificate.empty() != o.tlsPrivateKey.empty())
    throw ConfigError("TLS needs both http.tls.certificate and http.tls.private_key");
  for (const auto &[key, file] : {std::pair{"http.tls.certificate", o.tlsCertificate},
                                  std::pair{"http.tls.private_key", o.tlsPrivateKey}}) {
    std::error_code ec;
    if (!file.empty() && !std::filesystem::is_regular_file(file, ec))
      throw ConfigError(std::string(key) + ": file not found: " + file);
  }
  return o;
}

} // namespace

ServerApp::ServerApp(const Config &cfg, std::filesystem::path exeDir)
    : cfg_(cfg), exeDir_(std::move(exeDir)) {}

int ServerApp::main(const std::vector<std::string> &) {
  try {
    int rc = serve();
    serverLog().information(rc == 0 ? "stopped" : "stopped after a start-up failure");
    return rc;
  } catch (const Poco::Exception &e) {
    serverLog().fatal("cannot start: " + e.displayText());
  } catch (const std::exception &e) {
    serverLog().fatal(std::string("cannot start: ") + e.what());
  }
  return 1;
}

int ServerApp::serve() {
  // Read every option first so a typo fails before anything is touched.
  http::ServerOptions serverOpts = serverOptions(cfg_);
  http::DispatcherOptions dispatchOpts;
  dispatchOpts.maxBodyBytes = cfg_.getInt("http.max_body_bytes", 1, INT64_C(1) << 40);
  dispatchOpts.accessLog = cfg_.getBool("http.access_log");
  dispatchOpts.gzipMinBytes = cfg_.getInt("http.gzip_min_bytes", 0, INT64_C(1) << 40);
  auto drainBound = std::chrono::milliseconds(cfg_.getInt("http.drain_timeout_ms", 0, 3600000));
  std::string portFile = cfg_.getString("http.port_file");
  auto purgeEvery =
      std::chrono::seconds(cfg_.getInt("identity.purge_interval_seconds", 0, 30LL * 86400));
  modules::LoaderOptions loaderOpts;
  loaderOpts.dir = cfg_.modulesDir(exeDir_);
  loaderOpts.disabled = cfg_.getList("modules.disabled");
  loaderOpts.required = cfg_.getList("modules.required");

  for (const auto &f : cfg_.loadedFiles())
    serverLog().information("configuration: " + f);
  Runtime rt(cfg_);
  serverLog().information("data directory: " + rt.dataDir.string());
  ensureInitialAdmin(rt);
  Housekeeping housekeeping(*rt.tokens, purgeEvery);

  events::EventBus bus;
  modules::Host host{cfg_,       *rt.pool,    *rt.users,        *rt.tokens,   bus,
                     *rt.groups, *rt.devices, *rt.deviceGroups, *rt.apiTokens};
  http::Router router;
  std::vector<const http::RouteTarget *> coreRoutes{http::healthRoute()};
  for (const auto *r : coreRoutes)
    router.add(r->method, r->pattern, r);

  modules::ModuleLoader loader(&host, loaderOpts);
  http::Dispatcher dispatcher(host, router, dispatchOpts);
  std::unique_ptr<http::HttpServer> server;
  // Whatever happens from here on (a fatal module, a taken port, a failed
  // port file, a termination request), shut down in order: no new requests,
  // drain running ones, deliver queued events, then stop modules — while the
  // pool and the modules' handles are still alive.
  struct Shutdown {
    std::unique_ptr<http::HttpServer> &server;
    events::EventBus &bus;
    modules::ModuleLoader &loader;
    std::chrono::milliseconds drain;
    ~Shutdown() {
      if (server)
        server->stop(drain);
      bus.drainAndStop();
      loader.stopAll();
    }
  } shutdown{server, bus, loader, drainBound};

  try {
    loader.loadAll(router, coreRoutes);
  } catch (const modules::FatalModuleError &e) {
    serverLog().fatal(e.what());
    return 1;
  }
  bus.start();
  try {
    server = std::make_unique<http::HttpServer>(dispatcher, serverOpts);
  } catch (const Poco::Exception &e) {
    serverLog().fatal("cannot listen on " + serverOpts.bind + ":" +
                      std::to_string(serverOpts.port) + ": " + e.displayText());
    return 1;
  } catch (const std::exception &e) {
    serverLog().fatal("cannot listen on " + serverOpts.bind + ":" +
                      std::to_string(serverOpts.port) + ": " + e.what());
    return 1;
  }
  server->start();
  if (!portFile.empty())
    writePortFile(portFile, server->port());
  serverLog().information(std::string("rdconsole ") + RDC_VERSION + " listening on " +
                          (server->tls() ? "https://" : "http://") + serverOpts.bind + ":" +
                          std::to_string(server->port()) + " (" + server->engine() + " listener)");

  waitForTerminationRequest();
  serverLog().information("stopping: draining requests");
  return 0; // ~Shutdown stops everything; "stopped" is logged by main()
}

} // namespace rdc::app
