#include "app/CommandLine.h"
#include "app/Config.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

using namespace rdc::app;

namespace {
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() / ("rdc-config-" + std::to_string(rd()));
    std::filesystem::create_directories(path / "modules.d");
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  void write(const std::string &rel, const std::string &content) const {
    std::ofstream(path / rel) << content;
  }
};
} // namespace

TEST_CASE("environment variable names map to keys") {
  CHECK(envVarToKey("RDCONSOLE_HTTP__PORT").value() == "http.port");
  CHECK(envVarToKey("RDCONSOLE_HTTP__MAX_BODY_BYTES").value() == "http.max_body_bytes");
  CHECK(envVarToKey("RDCONSOLE_DATA_DIR").value() == "data_dir");
  CHECK_FALSE(envVarToKey("HOME"));
  CHECK_FALSE(envVarToKey("RDCONSOLE_"));
}

TEST_CASE("layers: --set beats environment beats modules.d beats main file beats defaults") {
  TempDir d;
  d.write("main.properties", "http.port = 1000\nhttp.bind = 127.0.0.1\nauth.x = main\n"
                             "db.pool_size = 3\n");
  d.write("modules.d/auth.properties", "auth.x = module\nauth.y = module\n");
  ::setenv("RDCONSOLE_HTTP__BIND", "10.0.0.1", 1);
  ::setenv("RDCONSOLE_AUTH__Y", "env", 1);
  ConfigSources src;
  src.file = d.path / "main.properties";
  src.overrides = {{"http.port", "2000"}};
  Config c = Config::load(src);
  ::unsetenv("RDCONSOLE_HTTP__BIND");
  ::unsetenv("RDCONSOLE_AUTH__Y");

  CHECK(c.getInt("http.port", 0, 65535) == 2000);    // --set
  CHECK(c.getString("http.bind") == "10.0.0.1");     // environment
  CHECK(c.getString("auth.y") == "env");             // environment over modules.d
  CHECK(c.getString("auth.x") == "module");          // modules.d over main file
  CHECK(c.getInt("db.pool_size", 1, 100) == 3);      // main file
  CHECK(c.getInt("http.max_body_bytes", 1, INT64_MAX) == 1048576); // default
  CHECK(c.loadedFiles().size() == 2);
}

TEST_CASE("typed getters reject bad values with the key in the message") {
  ConfigSources src;
  src.overrides = {{"http.port", "80x"}, {"http.access_log", "maybe"}, {"db.pool_size", "0"},
                   {"modules.disabled", " a, ,b ,"}};
  Config c = Config::load(src);
  CHECK_THROWS_WITH_AS(c.getInt("http.port", 0, 65535),
                       doctest::Contains("http.port"), ConfigError);
  CHECK_THROWS_WITH_AS(c.getBool("http.access_log"), doctest::Contains("http.access_log"),
                       ConfigError);
  CHECK_THROWS_AS(c.getInt("db.pool_size", 1, 10), ConfigError);
  CHECK(c.getList("modules.disabled") == std::vector<std::string>{"a", "b"});
  CHECK_FALSE(c.find("no.such.key"));
}

TEST_CASE("a missing --config file is an error, not a silent default") {
  ConfigSources src;
  src.file = "/nonexistent/rdconsole.properties";
  CHECK_THROWS_AS(Config::load(src), ConfigError);
}

TEST_CASE("command line: global options, verbs, passthrough, usage errors") {
  const char *argv1[] = {"rdconsole", "--config", "/etc/x.properties", "--set", "a.b=c=d",
                         "--port", "0", "--daemon"};
  CommandLine cl = parseCommandLine(8, argv1);
  CHECK(cl.sources.file.value() == "/etc/x.properties");
  REQUIRE(cl.sources.overrides.size() == 2);
  CHECK(cl.sources.overrides[0] == std::pair<std::string, std::string>{"a.b", "c=d"});
  CHECK(cl.sources.overrides[1] == std::pair<std::string, std::string>{"http.port", "0"});
  CHECK(cl.verb.empty());
  CHECK(cl.passthrough == std::vector<std::string>{"rdconsole", "--daemon"});

  const char *argv2[] = {"rdconsole", "user", "add", "bob", "--admin", "--data-dir", "/d"};
  CommandLine v = parseCommandLine(7, argv2);
  CHECK(v.verb == std::vector<std::string>{"user", "add", "bob", "--admin"});
  CHECK(v.sources.overrides.at(0) == std::pair<std::string, std::string>{"data_dir", "/d"});

  const char *bad1[] = {"rdconsole", "--frobnicate"};
  CHECK_THROWS_AS(parseCommandLine(2, bad1), UsageError);
  const char *bad2[] = {"rdconsole", "--set", "novalue"};
  CHECK_THROWS_AS(parseCommandLine(3, bad2), UsageError);
  const char *bad3[] = {"rdconsole", "--config"};
  CHECK_THROWS_AS(parseCommandLine(2, bad3), UsageError);
}

TEST_CASE("command line: any word is a verb (a core verb or a module's command)") {
  const char *argv1[] = {"rdconsole", "--data-dir", "/d", "ab", "list", "--user", "bob"};
  CommandLine cl = parseCommandLine(7, argv1);
  CHECK(cl.verb == std::vector<std::string>{"ab", "list", "--user", "bob"});
  const char *argv2[] = {"rdconsole", "group", "add", "Sales EU"};
  CHECK(parseCommandLine(4, argv2).verb == std::vector<std::string>{"group", "add", "Sales EU"});
  const char *argv3[] = {"rdconsole", "help"};
  CHECK(parseCommandLine(2, argv3).help);
  // Options are still options, and unknown ones are still usage errors.
  const char *bad[] = {"rdconsole", "-x", "ab"};
  CHECK_THROWS_AS(parseCommandLine(3, bad), UsageError);
}
