// POST /api/devices/cli: the client prints the reply body verbatim and
// "Done!" for an empty one, whatever the status (client-truth §2.32), so
// success is 200 with an empty body and every failure a 4xx with one line of
// plain text. It takes an enabled administrator's login token or an API token
// with scope "devices" (rdconsole api-token create NAME --scope devices); the
// route is registered without an auth level, so the handler decides.
// POST /api/devices/deploy always answers 200
// {"result":"OK"|"NOT_ENABLED"|"INVALID_INPUT"|"ID_TAKEN"} (E3); anything
// else would be shown raw.
#include "devices_api.h"

#include "agent_request.h"
#include "assign.h"
#include "device_store.h"

#include <rdconsole/json.hpp>

#include <atomic>
#include <stdexcept>

namespace agent {
namespace {

using nlohmann::json;

std::atomic<bool> g_deployEnabled{true};

// ---- /api/devices/cli ---------------------------------------------------------

void replyText(rdc::Exchange &ex, int status, std::string_view text) {
  std::string line(text);
  for (char &c : line)
    if (c == '\n' || c == '\r')
      c = ' ';
  ex.header("Content-Type", "text/plain; charset=utf-8");
  ex.json(status, line);
}

AssignRequest assignRequestOf(const json &body) {
  constexpr size_t kCap = 8192; // far above every field's own limit (assign.cpp)
  AssignRequest r;
  r.userName = rdc::optString(body, "user_name", kCap);
  r.strategyName = rdc::optString(body, "strategy_name", kCap);
  r.deviceGroupName = rdc::optString(body, "device_group_name", kCap);
  r.note = rdc::optString(body, "note", kCap);
  r.deviceUsername = rdc::optString(body, "device_username", kCap);
  r.deviceName = rdc::optString(body, "device_name", kCap);
  r.addressBookName = rdc::optString(body, "address_book_name", kCap);
  r.addressBookTag = rdc::optString(body, "address_book_tag", kCap);
  r.addressBookAlias = rdc::optString(body, "address_book_alias", kCap);
  r.addressBookPassword = rdc::optString(body, "address_book_password", kCap);
  r.addressBookNote = rdc::optString(body, "address_book_note", kCap);
  return r;
}

constexpr const char *kDevicesScope = "devices";

// Who asks, checked before the body is even read. A login token is tried
// first (the host caches those); a disabled user's token verifies as
// nothing, and so falls through to the API-token check, which refuses it.
AssignSource callerOf(rdc::Exchange &ex) {
  auto bearer = ex.bearer();
  if (!bearer || bearer->empty())
    throw rdc::HttpError(401, "missing token: use rustdesk --assign --token <an administrator's "
                              "login token, or an API token with scope 'devices'>");
  if (std::optional<rdc::User> user = ex.user()) {
    if (!user->isAdmin)
      throw rdc::HttpError(403, "Administrator rights required (or an API token with scope "
                                "'devices'): '" +
                                    shownName(user->name) + "' is not an administrator");
    return AssignSource{"devices-cli", user->id, user->name};
  }
  if (std::optional<rdc::ApiToken> token = rdc::verifyApiToken(ex, kDevicesScope))
    return AssignSource{"devices-cli", 0, "api-token:" + token->name};
  throw rdc::HttpError(401, "invalid token: neither an administrator's login token nor a live API "
                            "token with scope 'devices' (unknown, expired, revoked, or without "
                            "that scope)");
}

void assignFromCli(rdc::Exchange &ex) {
  const AssignSource source = callerOf(ex);
  json body = rdc::parseJsonObject(ex.body());
  DeviceKey key = parseDeviceKey(body);
  AssignRequest request = assignRequestOf(body);
  if (request.empty())
    throw rdc::HttpError(400, "nothing to assign: give at least one of user_name, strategy_name,"
                              " address_book_name, device_group_name, note, device_username,"
                              " device_name");
  // Every name is resolved before the device is even registered: a refused
  // request leaves no trace.
  AssignPlan plan = planAssignment(request);
  rdc::PinResult pin = rdc::pinDevice(key.id, key.uuid);
  if (!pin.pinned) {
    rdc::logWarn("devices/cli: device id " + rdc::jsonQuote(key.id) +
                 " is pinned to another uuid: assignment refused");
    throw rdc::HttpError(403, "device " + shownName(key.id) +
                                  " is registered to another machine (uuid mismatch)");
  }
  std::vector<std::string> changed = applyAssignment(pin.device, plan, source);
  std::string what;
  for (const std::string &c : changed)
    what += (what.empty() ? "" : ", ") + c;
  rdc::logInfo("devices/cli: " + source.byName + " assigned device " + rdc::jsonQuote(key.id) +
               (what.empty() ? ": nothing changed" : ": " + what));
  ex.status(200); // an empty body: the client prints "Done!"
}

// ---- /api/devices/deploy ------------------------------------------------------------

int base64Value(char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

// Standard base64 (padding optional); nullopt when malformed.
std::optional<std::string> decodeBase64(std::string_view s) {
  while (!s.empty() && s.back() == '=')
    s.remove_suffix(1);
  if (s.size() % 4 == 1)
    return std::nullopt;
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    int v = base64Value(c);
    if (v < 0)
      return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  // Leftover bits must be zero, or two texts would decode to one key.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
    return std::nullopt;
  return out;
}

std::string encodeBase64(std::string_view raw) {
  static const char *kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < raw.size(); i += 3) {
    uint32_t n = (static_cast<unsigned char>(raw[i]) << 16) |
                 (static_cast<unsigned char>(raw[i + 1]) << 8) |
                 static_cast<unsigned char>(raw[i + 2]);
    for (int k = 18; k >= 0; k -= 6)
      out += kAlphabet[(n >> k) & 63];
  }
  if (i < raw.size()) {
    uint32_t n = static_cast<unsigned char>(raw[i]) << 16;
    if (i + 1 < raw.size())
      n |= static_cast<unsigned char>(raw[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < raw.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// A RustDesk id: digits, or a custom id of letters, digits, '_' and '-'
// (client-truth §1.6), at most kMaxIdBytes.
bool plausibleId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdBytes)
    return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
          c == '-'))
      return false;
  return true;
}

struct DeployInput {
  std::string id, uuid, pk; // pk: canonical base64
};

std::optional<DeployInput> deployInputOf(std::string_view text) {
  json body;
  try {
    body = rdc::parseJsonObject(text);
  } catch (const rdc::HttpError &) {
    return std::nullopt;
  }
  auto str = [&](const char *key, size_t max) -> std::optional<std::string> {
    auto it = body.find(key);
    if (it == body.end() || !it->is_string())
      return std::nullopt;
    const auto &s = it->get_ref<const std::string &>();
    if (s.empty() || s.size() > max)
      return std::nullopt;
    for (unsigned char c : s)
      if (c < 0x20 || c == 0x7F)
        return std::nullopt;
    return s;
  };
  auto id = str("id", kMaxIdBytes);
  auto uuid = str("uuid", kMaxUuidBytes);
  auto pk = str("pk", 128);
  if (!id || !uuid || !pk || !plausibleId(*id))
    return std::nullopt;
  auto key = decodeBase64(*pk);
  if (!key || key->size() != 32) // an Ed25519 public key
    return std::nullopt;
  return DeployInput{*id, *uuid, encodeBase64(*key)};
}

} // namespace

void loadDeploySettings() {
  std::string v = rdc::configString("deploy_enabled", "true");
  for (char &c : v)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  if (v == "true" || v == "yes" || v == "on" || v == "1")
    g_deployEnabled = true;
  else if (v == "false" || v == "no" || v == "off" || v == "0")
    g_deployEnabled = false;
  else
    throw std::runtime_error("config key agent-loop.deploy_enabled must be true or false, got '" +
                             v + "'");
}

void handleDevicesCli(rdc::Exchange &ex) {
  try {
    assignFromCli(ex);
  } catch (const rdc::HttpError &e) {
    replyText(ex, e.status(), std::string("Error: ") + e.what());
  } catch (const AssignError &e) {
    replyText(ex, e.status(), std::string("Error: ") + e.what());
  }
}

void handleDeploy(rdc::Exchange &ex) {
  auto reply = [&](const char *result) { rdc::replyJson(ex, 200, json{{"result", result}}); };
  if (!g_deployEnabled)
    return reply("NOT_ENABLED");
  std::optional<DeployInput> in = deployInputOf(ex.body());
  if (!in)
    return reply("INVALID_INPUT");
  rdc::PinResult pin = rdc::pinDevice(in->id, in->uuid);
  if (!pin.pinned)
    return reply("ID_TAKEN");
  {
    rdc::Db db = rdc::Db::acquire();
    saveDeviceKey(db, in->id, in->pk, rdc::api().now_ms());
  }
  std::string by = ex.user() ? ex.user()->name : std::string("?");
  rdc::logInfo("devices/deploy: " + by + " registered device " + rdc::jsonQuote(in->id));
  reply("OK");
}

} // namespace agent
