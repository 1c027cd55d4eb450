#include "app/Config.h"

#include <Poco/Util/MapConfiguration.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include <algorithm>
#include <cctype>
#include <system_error>

extern char **environ;

namespace rdc::app {
namespace {

// Every core key and its default. etc/rdconsole.properties documents each.
const std::pair<const char *, const char *> kDefaults[] = {
    {"data_dir", "/var/lib/rdconsole"},
    {"log.level", "information"},
    {"log.file", ""},
    {"http.bind", "0.0.0.0"},
    {"http.port", "21114"},
    {"http.port_file", ""},
    {"http.engine", "event"},
    {"http.workers", "0"},
    {"http.reserve_workers", "64"},
    {"http.max_connections", "10000"},
    {"http.max_threads", "512"},
    {"http.max_queued", "2048"},
    {"http.max_body_bytes", "1048576"},
    {"http.read_timeout_ms", "15000"},
    {"http.keep_alive_timeout_ms", "5000"},
    {"http.max_keep_alive_requests", "1000"},
    {"http.access_log", "true"},
    {"http.gzip_min_bytes", "2048"},
    {"http.drain_timeout_ms", "10000"},
    {"http.tls.certificate", ""},
    {"http.tls.private_key", ""},
    {"db.engine", "sqlite"},
    {"db.sqlite.path", ""},
    {"db.postgresql.url", ""},
    {"db.postgresql.password_file", ""},
    {"db.sqlite.busy_timeout_ms", "5000"},
    {"db.pool_size", "8"},
    {"db.acquire_timeout_ms", "5000"},
    {"modules.dir", ""},
    {"modules.disabled", ""},
    {"modules.required", ""},
    {"identity.token_lifetime_seconds", "2592000"},
    {"identity.cache_seconds", "5"},
    {"identity.argon2_memory_kib", "19456"},
    {"identity.argon2_iterations", "2"},
    {"identity.argon2_parallelism", "1"},
    {"identity.bootstrap_admin", "admin"},
    {"identity.purge_interval_seconds", "3600"},
};

// Poco searches layers in ascending priority order.
constexpr int kPriorityOverrides = -300;
constexpr int kPriorityEnv = -200;
constexpr int kPriorityModuleFiles = 0;
constexpr int kPriorityMainFile = 100;
constexpr int kPriorityDefaults = 1000;

std::string trim(std::string s) {
  auto notSpace = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), notSpace));
  s.erase(std::find_if(s.rbegin(), s.rend(), notSpace).base(), s.end());
  return s;
}

void addPropertiesFile(Poco::Util::LayeredConfiguration &layers, const std::filesystem::path &p,
                       int priority, std::vector<std::string> &loaded) {
  try {
    layers.add(new Poco::Util::PropertyFileConfiguration(p.string()), priority);
    loaded.push_back(p.string());
  } catch (const Poco::Exception &e) {
    throw ConfigError("cannot read configuration file " + p.string() + ": " + e.displayText());
  }
}
} // namespace

std::optional<std::string> envVarToKey(std::string_view name) {
  constexpr std::string_view prefix = "RDCONSOLE_";
  if (name.substr(0, prefix.size()) != prefix || name.size() == prefix.size())
    return std::nullopt;
  std::string key;
  std::string_view rest = name.substr(prefix.size());
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '_' && i + 1 < rest.size() && rest[i + 1] == '_') {
      key += '.';
      ++i;
    } else {
      key += static_cast<char>(std::tolower(static_cast<unsigned char>(rest[i])));
    }
  }
  return key;
}

std::filesystem::path defaultConfigFile() {
  return "/etc/rdconsole/rdconsole.properties";
}

Config Config::load(const ConfigSources &sources) {
  Config c;
  c.layers_ = new Poco::Util::LayeredConfiguration;

  Poco::AutoPtr<Poco::Util::MapConfiguration> defaults = new Poco::Util::MapConfiguration;
  for (const auto &[k, v] : kDefaults)
    defaults->setString(k, v);
  c.layers_->add(defaults, kPriorityDefaults);

  std::optional<std::filesystem::path> mainFile = sources.file;
  std::error_code ec;
  if (!mainFile && std::filesystem::exists(defaultConfigFile(), ec))
    mainFile = defaultConfigFile();
  if (mainFile) {
    if (!std::filesystem::is_regular_file(*mainFile, ec))
      throw ConfigError("configuration file not found: " + mainFile->string());
    addPropertiesFile(*c.layers_, *mainFile, kPriorityMainFile, c.loaded_);
    std::filesystem::path modulesD = mainFile->parent_path() / "modules.d";
    if (std::filesystem::is_directory(modulesD, ec)) {
      std::vector<std::filesystem::path> files;
      for (const auto &entry : std::filesystem::directory_iterator(modulesD, ec))
        if (entry.path().extension() == ".properties")
          files.push_back(entry.path());
      std::sort(files.begin(), files.end());
      int prio = kPriorityModuleFiles;
      for (const auto &f : files)
        addPropertiesFile(*c.layers_, f, prio++, c.loaded_);
    }
  }

  Poco::AutoPtr<Poco::Util::MapConfiguration> env = new Poco::Util::MapConfiguration;
  for (char **e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos)
      continue;
    if (auto key = envVarToKey(entry.substr(0, eq)))
      env->setString(*key, std::string(entry.substr(eq + 1)));
  }
  c.layers_->add(env, kPriorityEnv);

  Poco::AutoPtr<Poco::Util::MapConfiguration> overrides = new Poco::Util::MapConfiguration;
  for (const auto &[k, v] : sources.overrides) {
    if (k.empty())
      throw ConfigError("--set needs key=value");
    overrides->setString(k, v);
  }
  c.layers_->add(overrides, kPriorityOverrides);
  return c;
}

std::optional<std::string> Config::find(const std::string &key) const {
  if (!layers_->has(key))
    return std::nullopt;
  // Raw value: no ${...} expansion surprises inside secrets or paths.
  return trim(layers_->getRawString(key));
}

std::string Config::getString(const std::string &key) const {
  return find(key).value_or("");
}

int64_t Config::getInt(const std::string &key, int64_t min, int64_t max) const {
  std::string raw = getString(key);
  size_t used = 0;
  int64_t v = 0;
  try {
    v = std::stoll(raw, &used);
  } catch (const std::exception &) {
    used = 0;
  }
  if (raw.empty() || used != raw.size() || v < min || v > max)
    throw ConfigError("config key " + key + " must be an integer from " + std::to_string(min) +
                      " to " + std::to_string(max) + ", got '" + raw + "'");
  return v;
}

bool Config::getBool(const std::string &key) const {
  std::string raw = getString(key);
  std::transform(raw.begin(), raw.end(), raw.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  if (raw == "true" || raw == "yes" || raw == "on" || raw == "1")
    return true;
  if (raw == "false" || raw == "no" || raw == "off" || raw == "0")
    return false;
  throw ConfigError("config key " + key + " must be true or false, got '" + raw + "'");
}

std::vector<std::string> Config::getList(const std::string &key) const {
  std::vector<std::string> out;
  std::string raw = getString(key);
  size_t start = 0;
  while (start <= raw.size()) {
    size_t comma = raw.find(',', start);
    std::string item =
        trim(raw.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (!item.empty())
      out.push_back(item);
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  return out;
}

std::filesystem::path Config::dataDir() const {
  std::string d = getString("data_dir");
  if (d.empty())
    throw ConfigError("config key data_dir must not be empty");
  return std::filesystem::absolute(d);
}

std::filesystem::path Config::modulesDir(const std::filesystem::path &exeDir) const {
  std::string d = getString("modules.dir");
  if (!d.empty())
    return std::filesystem::absolute(d);
  std::error_code ec;
  if (std::filesystem::is_directory(exeDir / "modules", ec))
    return exeDir / "modules";
  return "/usr/lib/rdconsole/modules";
}

} // namespace rdc::app
