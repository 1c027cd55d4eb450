// Address-book helpers for the integration tests: servers with the ab-*
// modules, users, the `rdconsole ab ...` CLI, and a client that sends what a
// stock RustDesk client sends (client-truth §1.3, §2.7-2.20, §4 S8-S10) and
// checks the reply shapes the client is strict about.
#pragma once

#include "Accounts.h"
#include "JsonChecks.h"
#include "TestServer.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace harness::ab {

inline constexpr const char *kPassword = "a long enough password";

// auth + ab-store + ab-shared + ab-legacy, no fixture modules.
ServerOptions options();
// auth + ab-store + ab-legacy: a server without the shared-book API.
ServerOptions legacyOnlyOptions();

// `rdconsole user add NAME` (password kPassword), then a client login; the token.
std::string userToken(const TestServer &s, const std::string &name);

// --- the CLI -------------------------------------------------------------------

// `rdconsole ... ab <args>`.
RunResult cli(const TestServer &s, std::vector<std::string> args);
// Same, REQUIREs exit 0; returns stdout.
std::string cliOk(const TestServer &s, const std::vector<std::string> &args);
// `ab create NAME --owner OWNER [extra]`; the printed guid.
std::string createShared(const TestServer &s, const std::string &name, const std::string &owner,
                         const std::vector<std::string> &extra = {});
// `ab grant GUID <subject...> --rule RULE`, subject e.g. {"--user","alice"} or {"--everyone"}.
void grant(const TestServer &s, const std::string &guid, const std::vector<std::string> &subject,
           const std::string &rule);
void revoke(const TestServer &s, const std::string &guid, const std::vector<std::string> &subject);
// The data rows of a CLI table (the header line and separator lines dropped),
// split on whitespace.
std::vector<std::vector<std::string>> tableRows(const std::string &out);

// The core's `rdconsole group ...` verbs (REQUIRE exit 0).
void addGroup(const TestServer &s, const std::string &name);
void addGroupMember(const TestServer &s, const std::string &group, const std::string &user);

// --- reply checks ----------------------------------------------------------------

// 200 with an EMPTY body (client-truth §1.4 _jsonDecodeActionResp, §5.3).
void expectOk(const HttpResponse &r);
// 200, JSON content type, no "error" key anywhere; the parsed body.
nlohmann::json expectJson(const HttpResponse &r);
// A tags reply item list: every item {name:string, color:uint32}.
void checkTagsShape(const nlohmann::json &tags);

enum class Kind { Personal, Shared };
// One peer as the client parses it (peer_model.dart): strings, tags array,
// same_server bool when present, hash only in personal / password only in shared.
void checkPeerShape(const nlohmann::json &peer, Kind kind);

// --- the client --------------------------------------------------------------------

struct Book {
  std::vector<nlohmann::json> peers; // in server order, every page
  nlohmann::json tags = nlohmann::json::array();
  long long total = 0;
  int pages = 0;

  // The peer with this id, or null.
  nlohmann::json peer(const std::string &id) const;
  std::vector<std::string> ids() const;
  std::vector<std::string> tagNames() const;
};

struct ClientPull {
  std::string personalGuid;
  nlohmann::json settings;
  std::vector<nlohmann::json> profiles;
  Book personal;
};

class AbClient {
public:
  AbClient(const TestServer &s, std::string token);

  // Bearer + "Content-Type: application/json" (what the client sends, also on
  // body-less POSTs with Content-Length: 0), plus `extra`.
  HttpResponse call(const std::string &method, const std::string &path,
                    const std::string &body = "", const Headers &extra = {}) const;

  HttpResponse personal() const;
  HttpResponse settings() const;
  HttpResponse profiles(int current = 1, int pageSize = 100) const;
  HttpResponse peers(const std::string &guid, int current = 1, int pageSize = 100) const;
  HttpResponse tags(const std::string &guid) const;

  HttpResponse addPeer(const std::string &guid, const nlohmann::json &body) const;
  HttpResponse updatePeer(const std::string &guid, const nlohmann::json &body) const;
  HttpResponse deletePeers(const std::string &guid, const nlohmann::json &ids) const;
  HttpResponse addTag(const std::string &guid, const std::string &name,
                      const nlohmann::json &color) const;
  HttpResponse renameTag(const std::string &guid, const std::string &from,
                         const std::string &to) const;
  HttpResponse updateTag(const std::string &guid, const std::string &name,
                         const nlohmann::json &color) const;
  HttpResponse deleteTags(const std::string &guid, const nlohmann::json &names) const;

  // Legacy API.
  HttpResponse legacyGet(bool gzip = false) const;
  HttpResponse legacyPost(const nlohmann::json &book) const; // book = the decoded structure
  HttpResponse legacyGetOld() const;                         // POST /api/ab/get {}

  // REQUIREs a 200 {"guid":string}; returns it.
  std::string personalGuid() const;
  // Pages of 100 like the client (ends when current*100 >= total of page 1),
  // then the tags; REQUIREs every reply to be well-formed, total constant and
  // ids unique.
  Book pull(const std::string &guid, Kind kind) const;
  // S8: personal -> settings -> profiles (all pages) -> the personal book.
  ClientPull pullAll() const;
  // {"peers":{id:peer...},"tags":[...]} for before/after comparisons.
  nlohmann::json snapshot(const std::string &guid, Kind kind) const;
  // GET /api/ab decoded: {"tags":[...],"peers":[...],"tag_colors":{...}}
  // (tag_colors decoded from its string); REQUIREs the documented shape.
  nlohmann::json legacyBook() const;
  // A shared-mode helper: add the tags (REQUIREs 200).
  void addTags(const std::string &guid, const std::vector<std::string> &names,
               long long color = 4278190335LL) const;

  const std::string &token() const { return token_; }

private:
  const TestServer &s_;
  std::string token_;
};

// --- legacy encoding -----------------------------------------------------------------

// {"data": "<book with tag_colors double-encoded>"} as the client sends it
// (client-truth §2.20). `book` holds tag_colors as an object.
std::string legacyBody(const nlohmann::json &book);
// Decodes a {"data":"..."} reply; REQUIREs data and tag_colors to be strings.
nlohmann::json decodeLegacy(const nlohmann::json &reply);

// A gzip stream decoded.
std::string gunzip(const std::string &compressed);

} // namespace harness::ab
