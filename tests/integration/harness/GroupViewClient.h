// Helpers for agent-loop's logged-in side (issue 5): the group view a stock
// client pulls (client-truth §2.21-2.23, §4 S11), `rustdesk --assign` and
// `--deploy` with an administrator's token (§2.32, E3, S16), and the core's
// `rdconsole device-group ...` verbs that set up device groups and grants.
#pragma once

#include "AbClient.h"
#include "Accounts.h"
#include "AgentClient.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace harness::agent {

inline constexpr const char *kUserPassword = "a long enough password";

// auth + agent-loop (+ ab-store and ab-shared with `addressBooks`), no
// fixtures, plus `sets`.
ServerOptions groupOptions(bool addressBooks = false, const std::vector<std::string> &sets = {});

// `rdconsole user add NAME [extra]` (password kUserPassword) and a client
// login; the access token.
std::string userToken(const TestServer &s, const std::string &name,
                      const std::vector<std::string> &extra = {});

// Adds administrator `name` (with `extra`, e.g. --display-name) before the
// first start — so the server creates no bootstrap "admin" — then starts the
// server and logs `name` in; the token.
std::string startWithAdmin(TestServer &s, const std::string &name = "root",
                           const std::vector<std::string> &extra = {});

// GET with only `Authorization: Bearer <token>`, as the client sends it
// (no Content-Type, client-truth §1.3).
HttpResponse groupGet(const TestServer &s, const std::string &token, const std::string &target);
// 200, application/json; charset=utf-8, no "error" key anywhere, and
// {"total":int >= 0,"data":array}; returns it.
nlohmann::json expectPage(const HttpResponse &r);
// groupGet + expectPage.
nlohmann::json page(const TestServer &s, const std::string &token, const std::string &target);
// Every item of a list, read like the client: pageSize 100 from current=1
// until current*100 >= the first page's total. REQUIREs every page
// well-formed and the total constant.
std::vector<nlohmann::json> pullAll(const TestServer &s, const std::string &token,
                                    const std::string &path, const std::string &extraQuery = "");
// The ids of /api/peers (every page), or the names of the other two lists.
std::vector<std::string> peerIds(const TestServer &s, const std::string &token);
std::vector<std::string> userNames(const TestServer &s, const std::string &token,
                                   const std::string &extraQuery = "");
std::vector<std::string> deviceGroupNames(const TestServer &s, const std::string &token);
// The /api/peers entry of one device (admin token: every device), or null.
nlohmann::json peerEntry(const TestServer &s, const std::string &adminToken, const std::string &id);

// POST with Bearer and Content-Type: application/json (R:src/core_main.rs).
HttpResponse assignCli(const TestServer &s, const std::string &token, const nlohmann::json &body);
HttpResponse deploy(const TestServer &s, const std::string &token, const nlohmann::json &body);
// 200 with an EMPTY body: the client prints "Done!".
void expectDone(const HttpResponse &r);
// A refusal the client prints verbatim: 4xx, text/plain; charset=utf-8, one
// line starting with "Error: "; returns the body.
std::string expectRefusal(const HttpResponse &r);
// assignCli + expectDone.
void assignOk(const TestServer &s, const std::string &adminToken, const nlohmann::json &body);

// Filing into an address book is asynchronous (an event): polls
// /api/ab/peers of `guid`, read by `reader`, until peer `id` is there; the
// peer. These polls skip AbClient::pull's checks on purpose: a filing may
// commit between the reply's count and its page.
nlohmann::json waitForFiledPeer(const harness::ab::AbClient &reader, const std::string &guid,
                                const std::string &id);

// `rdconsole device-group add NAME`, `device-group grant NAME <subject...>`
// with subject {"--user", U} or {"--group", G}; REQUIRE exit 0.
void addDeviceGroup(const TestServer &s, const std::string &name);
void grantDeviceGroup(const TestServer &s, const std::string &name,
                      const std::vector<std::string> &subject);
// `rdconsole <args...>`, REQUIREs exit 0; stdout.
std::string runOk(const TestServer &s, const std::vector<std::string> &args);

} // namespace harness::agent
