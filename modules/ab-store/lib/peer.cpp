#include "peer.h"

#include <rdconsole/json.hpp>

#include <set>

namespace ab {
namespace {

using nlohmann::json;

// Text fields a peer may carry, with the book kind that keeps each secret.
constexpr const char *kTextFields[] = {"alias", "note", "username", "hostname", "platform"};

std::string fieldError(std::string_view key, std::string_view tail) {
  return "Field '" + std::string(key) + "' " + std::string(tail);
}

} // namespace

std::vector<std::string> parseTagList(const json &value, const char *field, const Limits &limits) {
  if (!value.is_array())
    throw rdc::HttpError(400, fieldError(field, "must be an array of strings"));
  if (limits.maxTagsPerBook > 0 && value.size() > static_cast<size_t>(limits.maxTagsPerBook))
    throw rdc::HttpError(400, fieldError(field, "has too many tags (max " +
                                                    std::to_string(limits.maxTagsPerBook) + ")"));
  std::vector<std::string> tags;
  std::set<std::string> seen;
  for (const json &t : value) {
    if (!t.is_string())
      throw rdc::HttpError(400, fieldError(field, "must be an array of strings"));
    const std::string &s = t.get_ref<const std::string &>();
    if (s.empty() || s.size() > kMaxTagBytes)
      throw rdc::HttpError(400, fieldError(field, "holds a tag that is empty or longer than " +
                                                      std::to_string(kMaxTagBytes) + " bytes"));
    if (s.find('\0') != std::string::npos)
      throw rdc::HttpError(400, fieldError(field, "must not contain NUL characters"));
    if (seen.insert(s).second)
      tags.push_back(s);
  }
  return tags;
}

PeerInput parsePeer(const json &obj, BookKind kind, const Limits &limits) {
  if (!obj.is_object())
    throw rdc::HttpError(400, "A peer must be a JSON object");
  PeerInput in;
  in.id = rdc::requireString(obj, "id", kMaxIdBytes);
  if (in.id.empty())
    throw rdc::HttpError(400, "Field 'id' must not be empty");
  for (const char *key : kTextFields)
    if (auto v = rdc::optString(obj, key, kMaxFieldBytes))
      in.fields[key] = *v;
  const char *secret = kind == BookKind::Personal ? "hash" : "password";
  if (auto v = rdc::optString(obj, secret, kMaxFieldBytes))
    in.fields[secret] = *v;
  if (auto it = obj.find("tags"); it != obj.end() && !it->is_null())
    in.fields["tags"] = parseTagList(*it, "tags", limits);
  if (auto v = rdc::optBool(obj, "same_server"))
    in.fields["same_server"] = *v;
  return in;
}

json mergePeer(json stored, const json &fields) {
  if (!stored.is_object())
    stored = json::object();
  for (auto it = fields.begin(); it != fields.end(); ++it)
    stored[it.key()] = it.value();
  return stored;
}

namespace {
std::string textOf(const json &stored, const char *key) {
  auto it = stored.find(key);
  return it != stored.end() && it->is_string() ? it->get<std::string>() : std::string();
}
} // namespace

std::vector<std::string> peerTags(const json &stored) {
  std::vector<std::string> tags;
  auto it = stored.find("tags");
  if (it != stored.end() && it->is_array())
    for (const json &t : *it)
      if (t.is_string())
        tags.push_back(t.get<std::string>());
  return tags;
}

json peerForShared(const std::string &id, const json &stored, BookKind kind) {
  json out = json::object();
  out["id"] = id;
  for (const char *key : kTextFields)
    out[key] = textOf(stored, key);
  out["tags"] = peerTags(stored);
  const char *secret = kind == BookKind::Personal ? "hash" : "password";
  out[secret] = textOf(stored, secret);
  if (auto it = stored.find("same_server"); it != stored.end() && it->is_boolean())
    out["same_server"] = *it;
  return out;
}

json peerForLegacy(const std::string &id, const json &stored) {
  json out = json::object();
  out["id"] = id;
  out["username"] = textOf(stored, "username");
  out["hostname"] = textOf(stored, "hostname");
  out["platform"] = textOf(stored, "platform");
  out["alias"] = textOf(stored, "alias");
  out["tags"] = peerTags(stored);
  out["hash"] = textOf(stored, "hash");
  out["note"] = textOf(stored, "note");
  return out;
}

uint32_t parseColor(const json &value, const char *field) {
  if (value.is_number_unsigned()) {
    uint64_t u = value.get<uint64_t>();
    if (u <= 0xFFFFFFFFull)
      return static_cast<uint32_t>(u);
  } else if (value.is_number_integer()) {
    int64_t s = value.get<int64_t>();
    if (s >= INT32_MIN && s <= 0xFFFFFFFFll)
      return static_cast<uint32_t>(s);
  }
  throw rdc::HttpError(400, fieldError(field, "must be an integer colour between 0 and "
                                              "4294967295"));
}

} // namespace ab
