// Agent-loop helpers for the integration tests: servers with the agent-loop
// module, the requests a stock RustDesk service sends (client-truth §2.24-2.26,
// §4 S12) with the reply checks the client is strict about, and the
// `rdconsole devices ...` CLI with its table parsed.
#pragma once

#include "JsonChecks.h"
#include "TestServer.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace harness::agent {

inline constexpr const char *kTextContentType = "text/plain; charset=utf-8";
inline constexpr const char *kMismatch =
    "This device id is registered to another machine (uuid mismatch)";
inline constexpr const char *kTooMany = "Too many requests for this device";
// get_version_number("1.4.9") (client-truth §1.6).
inline constexpr long long kVer = 1004090;

// agent-loop only (no auth, no fixtures), plus `sets`.
ServerOptions options(const std::vector<std::string> &sets = {});

// A device as the service identifies itself: a 9-digit id and a base64 uuid
// derived from `n` (distinct n, distinct ids and uuids).
struct Device {
  std::string id;
  std::string uuid;
};
Device device(int n);
// Another machine's uuid for the same id (a different base64 string).
std::string otherUuid(int n, int variant = 1);

// The heartbeat body the client sends: {"id","uuid","ver","conns"? (only when
// non-empty),"modified_at":0}.
nlohmann::json heartbeatBody(const Device &d, const std::vector<int> &conns = {});
// The sysinfo body the client sends (client-truth §2.26 / S12 step 1), with
// `overrides` merged over it.
nlohmann::json sysinfoBody(const Device &d,
                           const nlohmann::json &overrides = nlohmann::json::object());

// POSTs with the client's only header, Content-Type: application/json.
HttpResponse post(const TestServer &s, const std::string &path, const std::string &body);
HttpResponse heartbeat(const TestServer &s, const nlohmann::json &body);
HttpResponse sysinfo(const TestServer &s, const nlohmann::json &body);
HttpResponse sysinfoVer(const TestServer &s, const std::string &body = "");

// A successful heartbeat reply: 200, JSON content type, a JSON object with no
// "error" key (client-truth §5.4), and a strategy only in the shape the client
// accepts (string maps, with an integer modified_at); returns it.
nlohmann::json expectHeartbeat(const HttpResponse &r);
// heartbeat(), expectHeartbeat().
nlohmann::json beat(const TestServer &s, const Device &d, const std::vector<int> &conns = {});
// 200, text/plain; charset=utf-8, body exactly SYSINFO_UPDATED (§5.17).
void expectSysinfoUpdated(const HttpResponse &r);
// sysinfo(sysinfoBody(d, overrides)), expectSysinfoUpdated().
void upload(const TestServer &s, const Device &d,
            const nlohmann::json &overrides = nlohmann::json::object());

// --- the CLI -------------------------------------------------------------------

// `rdconsole ... devices <args>`.
RunResult cli(const TestServer &s, std::vector<std::string> args);
// Same, REQUIREs exit 0; returns stdout.
std::string cliOk(const TestServer &s, const std::vector<std::string> &args);
// A one-line description of a CLI run for failure messages.
std::string describe(const std::vector<std::string> &args, const RunResult &r);

// One row of `devices list` (columns ID ONLINE LAST-SEEN VERSION OS HOSTNAME).
struct Row {
  std::string id, online, lastSeen, version, os, hostname;
  std::string line; // the raw line, for messages
};
// `devices list` parsed (REQUIREs exit 0 and the documented header); by id.
std::map<std::string, Row> list(const TestServer &s);
// The LAST-SEEN cell as a time point; nullopt when it holds no time ("-",
// "never", empty). `resolution` is set to the cell's precision (1 s for
// whole seconds, 1 ms with fractional seconds).
std::optional<std::chrono::system_clock::time_point>
parseTime(const std::string &cell, std::chrono::milliseconds *resolution = nullptr);

} // namespace harness::agent
