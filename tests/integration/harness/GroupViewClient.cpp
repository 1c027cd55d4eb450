#include "GroupViewClient.h"

#include "Poll.h"

#include <doctest/doctest.h>

#include <set>

namespace harness::agent {

ServerOptions groupOptions(bool addressBooks, const std::vector<std::string> &sets) {
  std::vector<std::string> modules = {"auth", "agent-loop"};
  if (addressBooks) {
    modules.push_back("ab-store");
    modules.push_back("ab-shared");
  }
  ServerOptions o = ServerOptions().withModules(modules).withFixtures({});
  for (const auto &s : sets)
    o.set(s);
  return o;
}

std::string userToken(const TestServer &s, const std::string &name,
                      const std::vector<std::string> &extra) {
  addUser(s, name, kUserPassword, extra);
  return loginToken(s, name, kUserPassword);
}

std::string startWithAdmin(TestServer &s, const std::string &name,
                           const std::vector<std::string> &extra) {
  std::vector<std::string> args = {"--admin"};
  args.insert(args.end(), extra.begin(), extra.end());
  addUser(s, name, kUserPassword, args);
  s.start();
  return loginToken(s, name, kUserPassword);
}

HttpResponse groupGet(const TestServer &s, const std::string &token, const std::string &target) {
  return s.http().get(target, bearer(token));
}

nlohmann::json expectPage(const HttpResponse &r) {
  INFO("reply: " << r.describe());
  REQUIRE(r.status == 200);
  CHECK(r.header("Content-Type").value_or("") == kJsonContentType);
  nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  REQUIRE(j.is_object());
  CHECK_FALSE(hasKeyAnywhere(j, "error"));
  REQUIRE(j.contains("total"));
  REQUIRE(j["total"].is_number_integer());
  CHECK(j["total"].get<long long>() >= 0);
  REQUIRE(j.contains("data"));
  REQUIRE(j["data"].is_array());
  return j;
}

nlohmann::json page(const TestServer &s, const std::string &token, const std::string &target) {
  INFO("GET " << target);
  return expectPage(groupGet(s, token, target));
}

std::vector<nlohmann::json> pullAll(const TestServer &s, const std::string &token,
                                    const std::string &path, const std::string &extraQuery) {
  std::vector<nlohmann::json> items;
  long long total = -1;
  for (int current = 1;; ++current) {
    std::string target =
        path + "?current=" + std::to_string(current) + "&pageSize=100" + extraQuery;
    nlohmann::json p = page(s, token, target);
    if (total < 0)
      total = p["total"].get<long long>();
    CHECK(p["total"].get<long long>() == total);
    for (const auto &item : p["data"])
      items.push_back(item);
    if (current * 100LL >= total)
      break;
    REQUIRE(current < 1000);
  }
  CHECK(static_cast<long long>(items.size()) == total);
  return items;
}

namespace {
std::vector<std::string> keysOf(const std::vector<nlohmann::json> &items, const char *key) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto &item : items) {
    REQUIRE(item.is_object());
    REQUIRE(item.contains(key));
    REQUIRE(item[key].is_string());
    std::string k = item[key].get<std::string>();
    CHECK_MESSAGE(seen.insert(k).second, "duplicate " << key << " " << k);
    out.push_back(k);
  }
  return out;
}
} // namespace

std::vector<std::string> peerIds(const TestServer &s, const std::string &token) {
  return keysOf(pullAll(s, token, "/api/peers", "&accessible=&status=1"), "id");
}

std::vector<std::string> userNames(const TestServer &s, const std::string &token,
                                   const std::string &extraQuery) {
  return keysOf(pullAll(s, token, "/api/users", extraQuery), "name");
}

std::vector<std::string> deviceGroupNames(const TestServer &s, const std::string &token) {
  return keysOf(pullAll(s, token, "/api/device-group/accessible"), "name");
}

nlohmann::json peerEntry(const TestServer &s, const std::string &adminToken,
                         const std::string &id) {
  for (const auto &p : pullAll(s, adminToken, "/api/peers", "&accessible=&status=1"))
    if (p.value("id", "") == id)
      return p;
  return nullptr;
}

HttpResponse assignCli(const TestServer &s, const std::string &token, const nlohmann::json &body) {
  return s.http().post(
      "/api/devices/cli", body.dump(),
      {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
}

HttpResponse deploy(const TestServer &s, const std::string &token, const nlohmann::json &body) {
  return s.http().post(
      "/api/devices/deploy", body.dump(),
      {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
}

void expectDone(const HttpResponse &r) {
  INFO("reply: " << r.describe());
  CHECK(r.status == 200);
  CHECK(r.body.empty());
}

std::string expectRefusal(const HttpResponse &r) {
  INFO("reply: " << r.describe());
  CHECK(r.status >= 400);
  CHECK(r.status < 500);
  CHECK(r.header("Content-Type").value_or("") == kTextContentType);
  CHECK(r.body.rfind("Error: ", 0) == 0);
  CHECK(r.body.find('\n') == std::string::npos);
  return r.body;
}

void assignOk(const TestServer &s, const std::string &adminToken, const nlohmann::json &body) {
  INFO("POST /api/devices/cli " << body.dump());
  expectDone(assignCli(s, adminToken, body));
}

nlohmann::json waitForFiledPeer(const harness::ab::AbClient &reader, const std::string &guid,
                                const std::string &id) {
  nlohmann::json peer;
  std::string last;
  bool found = pollUntil(
      std::chrono::seconds(10),
      [&] {
        HttpResponse r = reader.peers(guid, 1, 1000);
        last = r.describe();
        nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
        if (r.status != 200 || !j.is_object() || !j["data"].is_array())
          return false;
        for (const auto &p : j["data"])
          if (p.is_object() && p.value("id", "") == id) {
            peer = p;
            return true;
          }
        return false;
      },
      std::chrono::milliseconds(50));
  INFO("last /api/ab/peers reply: " << last);
  REQUIRE_MESSAGE(found, "device " << id << " was not filed into address book " << guid);
  return peer;
}

std::string runOk(const TestServer &s, const std::vector<std::string> &args) {
  auto r = s.cli(args);
  std::string cmd = "rdconsole";
  for (const auto &a : args)
    cmd += " " + a;
  INFO(cmd << " -> exit " << r.exitCode << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err);
  REQUIRE(r.exitCode == 0);
  return r.out;
}

void addDeviceGroup(const TestServer &s, const std::string &name) {
  runOk(s, {"device-group", "add", name});
}

void grantDeviceGroup(const TestServer &s, const std::string &name,
                      const std::vector<std::string> &subject) {
  std::vector<std::string> args = {"device-group", "grant", name};
  args.insert(args.end(), subject.begin(), subject.end());
  runOk(s, args);
}

} // namespace harness::agent
