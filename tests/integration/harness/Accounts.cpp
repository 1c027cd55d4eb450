#include "Accounts.h"

#include <doctest/doctest.h>

namespace harness {

void addUser(const TestServer &s, const std::string &name, const std::string &password,
             const std::vector<std::string> &extra) {
  std::vector<std::string> args = {"user", "add", name};
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = s.cli(args, password + "\n");
  INFO("user add " << name << ": stdout=" << r.out << " stderr=" << r.err);
  REQUIRE(r.exitCode == 0);
}

std::string loginBody(const std::string &name, const std::string &password,
                      const std::string &uuid) {
  nlohmann::json j = {{"username", name},
                      {"password", password},
                      {"id", kClientId},
                      {"uuid", uuid},
                      {"autoLogin", true},
                      {"type", "account"},
                      {"deviceInfo", {{"os", "linux"}, {"type", "client"}, {"name", "PC1"}}}};
  return j.dump();
}

HttpResponse login(const TestServer &s, const std::string &name, const std::string &password,
                   const std::string &uuid) {
  return s.http().post("/api/login", loginBody(name, password, uuid));
}

std::string loginToken(const TestServer &s, const std::string &name, const std::string &password,
                       const std::string &uuid) {
  auto r = login(s, name, password, uuid);
  INFO("login " << name << ": " << r.describe());
  REQUIRE(r.status == 200);
  auto j = r.json();
  REQUIRE(j.contains("access_token"));
  REQUIRE(j["access_token"].is_string());
  return j["access_token"].get<std::string>();
}

std::string deviceBody(const std::string &uuid) {
  return nlohmann::json{{"id", kClientId}, {"uuid", uuid}}.dump();
}

HttpResponse currentUser(const TestServer &s, const std::string &token, const std::string &body) {
  return s.http().post("/api/currentUser", body, bearer(token));
}

} // namespace harness
