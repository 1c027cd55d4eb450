// Layered configuration: --set (command line) > RDCONSOLE_* environment >
// etc/modules.d/*.properties > main .properties file > built-in defaults.
#pragma once

#include <Poco/AutoPtr.h>
#include <Poco/Util/LayeredConfiguration.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace rdc::app {

class ConfigError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct ConfigSources {
  std::optional<std::filesystem::path> file; // --config
  std::vector<std::pair<std::string, std::string>> overrides; // --set, in order
};

class Config {
public:
  // Throws ConfigError for an unreadable file or a malformed override.
  static Config load(const ConfigSources &sources);

  std::optional<std::string> find(const std::string &key) const;
  std::string getString(const std::string &key) const; // default from the table
  // Integer within [min, max]; ConfigError naming the key otherwise.
  int64_t getInt(const std::string &key, int64_t min, int64_t max) const;
  bool getBool(const std::string &key) const;
  std::vector<std::string> getList(const std::string &key) const; // comma-separated

  std::filesystem::path dataDir() const;
  std::filesystem::path modulesDir(const std::filesystem::path &exeDir) const;
  // Files that were read, for the start-up log.
  const std::vector<std::string> &loadedFiles() const { return loaded_; }

private:
  Poco::AutoPtr<Poco::Util::LayeredConfiguration> layers_;
  std::vector<std::string> loaded_;
};

// RDCONSOLE_HTTP__MAX_BODY_BYTES -> http.max_body_bytes; nullopt if not ours.
std::optional<std::string> envVarToKey(std::string_view name);

// The default path of the main file when --config is not given.
std::filesystem::path defaultConfigFile();

} // namespace rdc::app
