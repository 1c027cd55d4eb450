#include "AbClient.h"

#include <doctest/doctest.h>

#include <Poco/InflatingStream.h>
#include <Poco/StreamCopier.h>

#include <set>
#include <sstream>

namespace harness::ab {
namespace {

const char *const kClientContentType = "application/json";

std::string lastLine(const std::string &text) {
  std::istringstream in(text);
  std::string line, last;
  while (std::getline(in, line)) {
    size_t b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos)
      continue;
    size_t e = line.find_last_not_of(" \t\r");
    last = line.substr(b, e - b + 1);
  }
  return last;
}

std::string cliText(const std::vector<std::string> &args, const RunResult &r) {
  std::string cmd;
  for (const auto &a : args)
    cmd += a + " ";
  return "rdconsole " + cmd + "-> exit " + std::to_string(r.exitCode) + "\nstdout:\n" + r.out +
         "\nstderr:\n" + r.err;
}

bool isUnsigned32(const nlohmann::json &v) {
  if (!v.is_number_integer())
    return false;
  if (v.is_number_unsigned())
    return v.get<unsigned long long>() <= 4294967295ULL;
  return v.get<long long>() >= 0 && v.get<long long>() <= 4294967295LL;
}

} // namespace

ServerOptions options() {
  return ServerOptions()
      .withModules({"auth", "ab-store", "ab-shared", "ab-legacy"})
      .withFixtures({});
}

ServerOptions legacyOnlyOptions() {
  return ServerOptions().withModules({"auth", "ab-store", "ab-legacy"}).withFixtures({});
}

std::string userToken(const TestServer &s, const std::string &name) {
  addUser(s, name, kPassword);
  return loginToken(s, name, kPassword);
}

// --- the CLI -------------------------------------------------------------------

RunResult cli(const TestServer &s, std::vector<std::string> args) {
  args.insert(args.begin(), "ab");
  return s.cli(args);
}

std::string cliOk(const TestServer &s, const std::vector<std::string> &args) {
  auto r = cli(s, args);
  std::vector<std::string> full = {"ab"};
  full.insert(full.end(), args.begin(), args.end());
  INFO(cliText(full, r));
  REQUIRE(r.exitCode == 0);
  return r.out;
}

std::string createShared(const TestServer &s, const std::string &name, const std::string &owner,
                         const std::vector<std::string> &extra) {
  std::vector<std::string> args = {"create", name, "--owner", owner};
  args.insert(args.end(), extra.begin(), extra.end());
  std::string guid = lastLine(cliOk(s, args));
  INFO("ab create printed: [" << guid << "]");
  REQUIRE(!guid.empty());
  REQUIRE(guid.find(' ') == std::string::npos);
  return guid;
}

void grant(const TestServer &s, const std::string &guid, const std::vector<std::string> &subject,
           const std::string &rule) {
  std::vector<std::string> args = {"grant", guid};
  args.insert(args.end(), subject.begin(), subject.end());
  args.insert(args.end(), {"--rule", rule});
  cliOk(s, args);
}

void revoke(const TestServer &s, const std::string &guid, const std::vector<std::string> &subject) {
  std::vector<std::string> args = {"revoke", guid};
  args.insert(args.end(), subject.begin(), subject.end());
  cliOk(s, args);
}

std::vector<std::vector<std::string>> tableRows(const std::string &out) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(out);
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r-=+|") == std::string::npos)
      continue; // blank or a separator
    if (header) {
      header = false;
      continue;
    }
    std::istringstream words(line);
    std::vector<std::string> row;
    std::string w;
    while (words >> w)
      row.push_back(w);
    rows.push_back(std::move(row));
  }
  return rows;
}

void addGroup(const TestServer &s, const std::string &name) {
  std::vector<std::string> args = {"group", "add", name};
  auto r = s.cli(args);
  INFO(cliText(args, r));
  REQUIRE_MESSAGE(r.exitCode == 0, "the core's `rdconsole group add` verb failed or is missing");
}

void addGroupMember(const TestServer &s, const std::string &group, const std::string &user) {
  std::vector<std::string> args = {"group", "add-member", group, user};
  auto r = s.cli(args);
  INFO(cliText(args, r));
  REQUIRE_MESSAGE(r.exitCode == 0,
                  "the core's `rdconsole group add-member` verb failed or is missing");
}

// --- reply checks ----------------------------------------------------------------

void expectOk(const HttpResponse &r) {
  INFO(r.describe());
  CHECK(r.status == 200);
  CHECK_MESSAGE(r.body.empty(), "a mutation reply must have an EMPTY body");
}

nlohmann::json expectJson(const HttpResponse &r) {
  INFO(r.describe());
  REQUIRE(r.status == 200);
  CHECK(r.header("Content-Type").value_or("") == kJsonContentType);
  nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  REQUIRE_MESSAGE(!j.is_discarded(), "reply is not JSON");
  CHECK_MESSAGE(!hasKeyAnywhere(j, "error"), "a success reply must not carry an \"error\" key");
  return j;
}

void checkTagsShape(const nlohmann::json &tags) {
  INFO("tags: " << tags.dump());
  REQUIRE(tags.is_array());
  for (const auto &t : tags) {
    REQUIRE(t.is_object());
    REQUIRE(t.contains("name"));
    CHECK(t["name"].is_string());
    REQUIRE_MESSAGE(t.contains("color"), "the client needs a color on every tag");
    CHECK_MESSAGE(isUnsigned32(t["color"]), "color must be a JSON integer 0..4294967295");
  }
}

void checkPeerShape(const nlohmann::json &peer, Kind kind) {
  INFO("peer: " << peer.dump());
  REQUIRE(peer.is_object());
  for (const char *k : {"id", "alias", "note", "username", "hostname", "platform"}) {
    INFO("key " << k);
    REQUIRE(peer.contains(k));
    CHECK(peer[k].is_string());
  }
  REQUIRE(peer.contains("tags"));
  CHECK(peer["tags"].is_array());
  for (const auto &t : peer["tags"])
    CHECK(t.is_string());
  if (peer.contains("same_server"))
    CHECK_MESSAGE(peer["same_server"].is_boolean(), "same_server only when a bool was stored");
  if (kind == Kind::Personal) {
    REQUIRE_MESSAGE(peer.contains("hash"), "personal-book peers carry hash");
    CHECK(peer["hash"].is_string());
    CHECK_MESSAGE(!peer.contains("password"), "personal-book peers carry no password");
  } else {
    REQUIRE_MESSAGE(peer.contains("password"), "shared-book peers carry password");
    CHECK(peer["password"].is_string());
    CHECK_MESSAGE(!peer.contains("hash"), "shared-book peers carry no hash");
  }
}

// --- Book ----------------------------------------------------------------------------

nlohmann::json Book::peer(const std::string &id) const {
  for (const auto &p : peers)
    if (p.value("id", "") == id)
      return p;
  return nullptr;
}

std::vector<std::string> Book::ids() const {
  std::vector<std::string> out;
  for (const auto &p : peers)
    out.push_back(p.value("id", ""));
  return out;
}

std::vector<std::string> Book::tagNames() const {
  std::vector<std::string> out;
  for (const auto &t : tags)
    out.push_back(t.value("name", ""));
  return out;
}

// --- the client --------------------------------------------------------------------

AbClient::AbClient(const TestServer &s, std::string token) : s_(s), token_(std::move(token)) {}

HttpResponse AbClient::call(const std::string &method, const std::string &path,
                            const std::string &body, const Headers &extra) const {
  Headers h = bearer(token_);
  bool hasType = false;
  for (const auto &[k, v] : extra)
    if (k == "Content-Type")
      hasType = true;
  if (!hasType)
    h.emplace_back("Content-Type", kClientContentType);
  h.insert(h.end(), extra.begin(), extra.end());
  return s_.http().timeout(std::chrono::seconds(60)).request(method, path, body, h);
}

HttpResponse AbClient::personal() const {
  return call("POST", "/api/ab/personal");
}
HttpResponse AbClient::settings() const {
  return call("POST", "/api/ab/settings");
}
HttpResponse AbClient::profiles(int current, int pageSize) const {
  return call("POST", "/api/ab/shared/profiles?current=" + std::to_string(current) +
                          "&pageSize=" + std::to_string(pageSize));
}
HttpResponse AbClient::peers(const std::string &guid, int current, int pageSize) const {
  return call("POST", "/api/ab/peers?current=" + std::to_string(current) +
                          "&pageSize=" + std::to_string(pageSize) + "&ab=" + guid);
}
HttpResponse AbClient::tags(const std::string &guid) const {
  return call("POST", "/api/ab/tags/" + guid);
}
HttpResponse AbClient::addPeer(const std::string &guid, const nlohmann::json &body) const {
  return call("POST", "/api/ab/peer/add/" + guid, body.dump());
}
HttpResponse AbClient::updatePeer(const std::string &guid, const nlohmann::json &body) const {
  return call("PUT", "/api/ab/peer/update/" + guid, body.dump());
}
HttpResponse AbClient::deletePeers(const std::string &guid, const nlohmann::json &ids) const {
  return call("DELETE", "/api/ab/peer/" + guid, ids.dump());
}
HttpResponse AbClient::addTag(const std::string &guid, const std::string &name,
                              const nlohmann::json &color) const {
  return call("POST", "/api/ab/tag/add/" + guid,
              nlohmann::json{{"name", name}, {"color", color}}.dump());
}
HttpResponse AbClient::renameTag(const std::string &guid, const std::string &from,
                                 const std::string &to) const {
  return call("PUT", "/api/ab/tag/rename/" + guid,
              nlohmann::json{{"old", from}, {"new", to}}.dump());
}
HttpResponse AbClient::updateTag(const std::string &guid, const std::string &name,
                                 const nlohmann::json &color) const {
  return call("PUT", "/api/ab/tag/update/" + guid,
              nlohmann::json{{"name", name}, {"color", color}}.dump());
}
HttpResponse AbClient::deleteTags(const std::string &guid, const nlohmann::json &names) const {
  return call("DELETE", "/api/ab/tag/" + guid, names.dump());
}

HttpResponse AbClient::legacyGet(bool gzip) const {
  Headers extra;
  if (gzip)
    extra.emplace_back("Accept-Encoding", "gzip");
  return call("GET", "/api/ab", "", extra);
}
HttpResponse AbClient::legacyPost(const nlohmann::json &book) const {
  return call("POST", "/api/ab", legacyBody(book));
}
HttpResponse AbClient::legacyGetOld() const {
  return call("POST", "/api/ab/get", "{}");
}

std::string AbClient::personalGuid() const {
  auto j = expectJson(personal());
  INFO(j.dump());
  REQUIRE(j.is_object());
  REQUIRE(j.contains("guid"));
  REQUIRE(j["guid"].is_string());
  std::string guid = j["guid"].get<std::string>();
  REQUIRE(!guid.empty());
  return guid;
}

Book AbClient::pull(const std::string &guid, Kind kind) const {
  Book b;
  std::set<std::string> seen;
  for (int current = 1;; ++current) {
    auto r = peers(guid, current, 100);
    INFO("peers page " << current << " of " << guid);
    auto j = expectJson(r);
    REQUIRE(j.is_object());
    REQUIRE(j.contains("total"));
    REQUIRE_MESSAGE(j["total"].is_number_integer(), "total must be a JSON integer");
    REQUIRE(j.contains("data"));
    REQUIRE(j["data"].is_array());
    long long total = j["total"].get<long long>();
    if (current == 1)
      b.total = total;
    else
      CHECK_MESSAGE(total == b.total, "total changed between pages");
    CHECK(j["data"].size() <= 100);
    for (const auto &p : j["data"]) {
      checkPeerShape(p, kind);
      std::string id = p.value("id", "");
      CHECK_MESSAGE(seen.insert(id).second, "peer " << id << " appears twice across pages");
      b.peers.push_back(p);
    }
    b.pages = current;
    if (b.total == 0 || current * 100LL >= b.total)
      break;
    REQUIRE_MESSAGE(current < 10000, "runaway pagination");
  }
  CHECK_MESSAGE(static_cast<long long>(b.peers.size()) == b.total,
                "pages held " << b.peers.size() << " peers, total said " << b.total);
  b.tags = expectJson(tags(guid));
  checkTagsShape(b.tags);
  return b;
}

ClientPull AbClient::pullAll() const {
  ClientPull out;
  out.personalGuid = personalGuid();
  out.settings = expectJson(settings());
  INFO("settings: " << out.settings.dump());
  REQUIRE(out.settings.is_object());
  REQUIRE(out.settings.contains("max_peer_one_ab"));
  CHECK(out.settings["max_peer_one_ab"].is_number_integer());
  long long total = 0;
  for (int current = 1;; ++current) {
    auto j = expectJson(profiles(current, 100));
    INFO("profiles page " << current << ": " << j.dump());
    REQUIRE(j.is_object());
    REQUIRE(j["total"].is_number_integer());
    REQUIRE(j["data"].is_array());
    if (current == 1)
      total = j["total"].get<long long>();
    for (const auto &p : j["data"])
      out.profiles.push_back(p);
    if (total == 0 || current * 100LL >= total)
      break;
    REQUIRE(current < 1000);
  }
  out.personal = pull(out.personalGuid, Kind::Personal);
  return out;
}

nlohmann::json AbClient::snapshot(const std::string &guid, Kind kind) const {
  Book b = pull(guid, kind);
  nlohmann::json peersById = nlohmann::json::object();
  for (const auto &p : b.peers)
    peersById[p.value("id", "")] = p;
  return {{"peers", peersById}, {"tags", b.tags}};
}

nlohmann::json AbClient::legacyBook() const {
  auto j = expectJson(legacyGet(false));
  INFO("GET /api/ab: " << j.dump().substr(0, 400));
  REQUIRE(j.is_object());
  REQUIRE(j.contains("licensed_devices"));
  CHECK(j["licensed_devices"].is_number_integer());
  return decodeLegacy(j);
}

void AbClient::addTags(const std::string &guid, const std::vector<std::string> &names,
                       long long color) const {
  for (const auto &n : names) {
    auto r = addTag(guid, n, color);
    INFO("add tag " << n);
    expectOk(r);
  }
}

// --- legacy encoding -----------------------------------------------------------------

std::string legacyBody(const nlohmann::json &book) {
  nlohmann::json inner = book;
  if (!inner.contains("tag_colors"))
    inner["tag_colors"] = nlohmann::json::object();
  if (!inner["tag_colors"].is_string())
    inner["tag_colors"] = inner["tag_colors"].dump();
  return nlohmann::json{{"data", inner.dump()}}.dump();
}

nlohmann::json decodeLegacy(const nlohmann::json &reply) {
  INFO("legacy reply: " << reply.dump().substr(0, 400));
  REQUIRE(reply.is_object());
  REQUIRE(reply.contains("data"));
  REQUIRE_MESSAGE(reply["data"].is_string(), "legacy data must be a JSON string");
  nlohmann::json inner = nlohmann::json::parse(reply["data"].get<std::string>(), nullptr, false);
  REQUIRE_MESSAGE(inner.is_object(), "legacy data must hold a JSON object");
  REQUIRE(inner.contains("tags"));
  CHECK(inner["tags"].is_array());
  REQUIRE(inner.contains("peers"));
  REQUIRE(inner["peers"].is_array());
  REQUIRE(inner.contains("tag_colors"));
  REQUIRE_MESSAGE(inner["tag_colors"].is_string(), "tag_colors must be a string (double-encoded)");
  nlohmann::json colors =
      nlohmann::json::parse(inner["tag_colors"].get<std::string>(), nullptr, false);
  REQUIRE_MESSAGE(colors.is_object(), "tag_colors must hold a JSON object");
  for (const auto &[k, v] : colors.items()) {
    INFO("tag_colors[" << k << "] = " << v.dump());
    CHECK(v.is_number_integer());
  }
  inner["tag_colors"] = colors;
  for (const auto &p : inner["peers"]) {
    INFO("legacy peer " << p.dump());
    REQUIRE(p.is_object());
    for (const char *k : {"id", "username", "hostname", "platform", "alias", "hash"}) {
      INFO("key " << k);
      REQUIRE(p.contains(k));
      CHECK(p[k].is_string());
    }
    REQUIRE(p.contains("tags"));
    CHECK(p["tags"].is_array());
  }
  return inner;
}

std::string gunzip(const std::string &compressed) {
  std::istringstream in(compressed);
  Poco::InflatingInputStream inflater(in, Poco::InflatingStreamBuf::STREAM_GZIP);
  std::ostringstream out;
  Poco::StreamCopier::copyStream(inflater, out);
  return out.str();
}

} // namespace harness::ab
