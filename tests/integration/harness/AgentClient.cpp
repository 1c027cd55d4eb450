#include "AgentClient.h"

#include <doctest/doctest.h>

#include <Poco/Base64Encoder.h>

#include <cstdio>
#include <ctime>
#include <regex>
#include <sstream>

namespace harness::agent {
namespace {

std::string base64(const std::string &raw) {
  std::ostringstream out;
  Poco::Base64Encoder enc(out);
  enc.rdbuf()->setLineLength(0);
  enc << raw;
  enc.close();
  return out.str();
}

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos)
    return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> splitLines(const std::string &text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    lines.push_back(line);
  return lines;
}

std::vector<std::string> words(const std::string &line) {
  std::istringstream in(line);
  std::vector<std::string> w;
  std::string x;
  while (in >> x)
    w.push_back(x);
  return w;
}

const std::vector<std::string> kColumns = {"ID",      "ONLINE", "LAST-SEEN",
                                           "VERSION", "OS",     "HOSTNAME"};

bool isHeader(const std::string &line) {
  return words(line) == kColumns;
}

// Cells of a data line: tab-separated when the header is, otherwise cut at
// the header's column offsets (an aligned table; OS values contain spaces).
std::vector<std::string> cells(const std::string &header, const std::string &line) {
  std::vector<std::string> out;
  if (header.find('\t') != std::string::npos) {
    std::string cell;
    std::istringstream in(line);
    while (std::getline(in, cell, '\t'))
      out.push_back(trim(cell));
    while (out.size() < kColumns.size())
      out.emplace_back();
    return out;
  }
  std::vector<size_t> start;
  size_t from = 0;
  for (const auto &c : kColumns) {
    size_t at = header.find(c, from);
    start.push_back(at);
    from = at + c.size();
  }
  for (size_t i = 0; i < start.size(); ++i) {
    size_t b = start[i];
    size_t e = i + 1 < start.size() ? start[i + 1] : std::string::npos;
    out.push_back(b < line.size() ? trim(line.substr(b, e == std::string::npos ? e : e - b)) : "");
  }
  return out;
}

} // namespace

ServerOptions options(const std::vector<std::string> &sets) {
  ServerOptions o = ServerOptions().withModules({"agent-loop"}).withFixtures({});
  for (const auto &s : sets)
    o.set(s);
  return o;
}

Device device(int n) {
  // Numeric ids of 9+ digits like real ones; the uuid is base64 of a
  // machine-id-like string with its newline, as the client makes it (§1.6).
  char machine[64];
  std::snprintf(machine, sizeof machine, "%08x4b1c4e0e9a7d%012d\n",
                0x5eed0000u + static_cast<unsigned>(n), n);
  return {std::to_string(700000000LL + n), base64(machine)};
}

std::string otherUuid(int n, int variant) {
  char machine[64];
  std::snprintf(machine, sizeof machine, "0ther%03d-%08x-%012d\n", variant,
                0xfeed0000u + static_cast<unsigned>(n), n);
  return base64(machine);
}

nlohmann::json heartbeatBody(const Device &d, const std::vector<int> &conns) {
  nlohmann::json j = {{"id", d.id}, {"uuid", d.uuid}, {"ver", kVer}};
  if (!conns.empty())
    j["conns"] = conns;
  j["modified_at"] = 0;
  return j;
}

nlohmann::json sysinfoBody(const Device &d, const nlohmann::json &overrides) {
  nlohmann::json j = {{"cpu", "Intel(R) Core(TM) i7-10700 CPU @ 2.90GHz, 2.90GHz, 8/16 cores"},
                      {"memory", "15.86GB"},
                      {"os", "windows / Windows 11 Pro - 22631"},
                      {"hostname", "PC1"},
                      {"username", "alice"},
                      {"version", "1.4.9"},
                      {"id", d.id},
                      {"uuid", d.uuid},
                      {"preset-address-book-name", "Eng"}};
  for (const auto &[k, v] : overrides.items())
    j[k] = v;
  return j;
}

HttpResponse post(const TestServer &s, const std::string &path, const std::string &body) {
  return s.http().request("POST", path, body, {{"Content-Type", "application/json"}});
}

HttpResponse heartbeat(const TestServer &s, const nlohmann::json &body) {
  return post(s, "/api/heartbeat", body.dump());
}

HttpResponse sysinfo(const TestServer &s, const nlohmann::json &body) {
  return post(s, "/api/sysinfo", body.dump());
}

HttpResponse sysinfoVer(const TestServer &s, const std::string &body) {
  return post(s, "/api/sysinfo_ver", body);
}

nlohmann::json expectHeartbeat(const HttpResponse &r) {
  INFO("heartbeat reply: " << r.describe());
  REQUIRE(r.status == 200);
  CHECK(r.header("Content-Type").value_or("") == kJsonContentType);
  nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  REQUIRE(j.is_object());
  CHECK_FALSE(hasKeyAnywhere(j, "error"));
  // The client's strictness (client-truth §0 B6, §2.24): modified_at is an
  // integer; strategy.config_options and .extra are string -> string maps, or
  // the client drops the whole strategy. A strategy always comes with its
  // stamp, or the client would apply it again at every heartbeat.
  if (j.contains("modified_at"))
    CHECK(j["modified_at"].is_number_integer());
  if (j.contains("strategy")) {
    CHECK(j.contains("modified_at"));
    const auto &st = j["strategy"];
    REQUIRE(st.is_object());
    for (const char *key : {"config_options", "extra"}) {
      if (!st.contains(key))
        continue;
      REQUIRE(st[key].is_object());
      for (const auto &[k, v] : st[key].items()) {
        INFO("strategy." << key << "." << k);
        CHECK(v.is_string());
      }
    }
  }
  if (j.contains("disconnect")) {
    REQUIRE(j["disconnect"].is_array());
    for (const auto &c : j["disconnect"])
      CHECK(c.is_number_integer());
  }
  return j;
}

nlohmann::json beat(const TestServer &s, const Device &d, const std::vector<int> &conns) {
  nlohmann::json body = heartbeatBody(d, conns);
  INFO("POST /api/heartbeat " << body.dump());
  return expectHeartbeat(heartbeat(s, body));
}

void expectSysinfoUpdated(const HttpResponse &r) {
  INFO("sysinfo reply: " << r.describe());
  CHECK(r.status == 200);
  CHECK(r.header("Content-Type").value_or("") == kTextContentType);
  CHECK(r.body == "SYSINFO_UPDATED");
}

void upload(const TestServer &s, const Device &d, const nlohmann::json &overrides) {
  nlohmann::json body = sysinfoBody(d, overrides);
  INFO("POST /api/sysinfo " << body.dump());
  expectSysinfoUpdated(sysinfo(s, body));
}

// --- the CLI -------------------------------------------------------------------

std::string describe(const std::vector<std::string> &args, const RunResult &r) {
  std::string cmd = "rdconsole devices";
  for (const auto &a : args)
    cmd += " " + a;
  return cmd + " -> exit " + std::to_string(r.exitCode) + "\nstdout:\n" + r.out + "\nstderr:\n" +
         r.err;
}

RunResult cli(const TestServer &s, std::vector<std::string> args) {
  args.insert(args.begin(), "devices");
  return s.cli(args);
}

std::string cliOk(const TestServer &s, const std::vector<std::string> &args) {
  auto r = cli(s, args);
  INFO(describe(args, r));
  REQUIRE(r.exitCode == 0);
  return r.out;
}

std::map<std::string, Row> list(const TestServer &s) {
  std::string out = cliOk(s, {"list"});
  auto lines = splitLines(out);
  std::map<std::string, Row> rows;
  size_t h = 0;
  while (h < lines.size() && !isHeader(lines[h]))
    ++h;
  INFO("devices list:\n" << out);
  REQUIRE_MESSAGE(h < lines.size(),
                  "no header line \"ID ONLINE LAST-SEEN VERSION OS HOSTNAME\" in devices list");
  for (size_t i = h + 1; i < lines.size(); ++i) {
    std::string t = trim(lines[i]);
    if (t.empty() || t.find_first_not_of("-=+| ") == std::string::npos)
      continue; // blank or a separator line
    auto c = cells(lines[h], lines[i]);
    // The id from the first word: an id wider than its column would be cut.
    Row r{words(lines[i])[0], c[1], c[2], c[3], c[4], c[5], lines[i]};
    rows[r.id] = r;
  }
  return rows;
}

std::optional<std::chrono::system_clock::time_point>
parseTime(const std::string &cell, std::chrono::milliseconds *resolution) {
  static const std::regex re(
      R"((\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?\s*(Z|UTC|[+-]\d{2}:?\d{2})?)");
  std::smatch m;
  if (!std::regex_search(cell, m, re))
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = std::stoi(m[1]) - 1900;
  tm.tm_mon = std::stoi(m[2]) - 1;
  tm.tm_mday = std::stoi(m[3]);
  tm.tm_hour = std::stoi(m[4]);
  tm.tm_min = std::stoi(m[5]);
  tm.tm_sec = std::stoi(m[6]);
  std::time_t t;
  std::string zone = m[8].matched ? m[8].str() : "";
  if (zone.empty()) {
    tm.tm_isdst = -1; // no zone written: the operator's local time
    t = std::mktime(&tm);
  } else {
    t = timegm(&tm);
    if (zone != "Z" && zone != "UTC") {
      int sign = zone[0] == '-' ? -1 : 1;
      int hh = std::stoi(zone.substr(1, 2));
      int mm = std::stoi(zone.substr(zone.size() - 2));
      t -= sign * (hh * 3600 + mm * 60);
    }
  }
  auto tp = std::chrono::system_clock::from_time_t(t);
  std::chrono::milliseconds res(1000);
  if (m[7].matched) {
    std::string frac = (m[7].str() + "000").substr(0, 3);
    tp += std::chrono::milliseconds(std::stoi(frac));
    res = std::chrono::milliseconds(1);
  }
  if (resolution)
    *resolution = res;
  return tp;
}

} // namespace harness::agent
