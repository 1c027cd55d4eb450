#include "legacy_format.h"

#include <rdconsole/json.hpp>

#include <map>

namespace ab {

using nlohmann::json;

namespace {

json parseEmbedded(const std::string &text, const char *what) {
  std::string_view v(text);
  if (rdc::detail::nestingDepth(v, rdc::kMaxJsonDepth) > rdc::kMaxJsonDepth)
    throw rdc::HttpError(400, std::string(what) + " is nested too deeply");
  json j = json::parse(v.begin(), v.end(), nullptr, false);
  if (j.is_discarded())
    throw rdc::HttpError(400, std::string(what) + " is not valid JSON");
  return j;
}

} // namespace

LegacyBook parseLegacyBody(std::string_view body, const Limits &limits) {
  json outer = rdc::parseJsonObject(body);
  std::string dataText = rdc::requireString(outer, "data", body.size());
  json data = parseEmbedded(dataText, "Field 'data'");
  if (!data.is_object())
    throw rdc::HttpError(400, "Field 'data' must hold a JSON object");

  LegacyBook book;
  // tag_colors: a string holding a JSON object (what clients send), or the
  // object itself (tolerated).
  std::map<std::string, uint32_t> colors;
  if (auto it = data.find("tag_colors"); it != data.end() && !it->is_null()) {
    json map = it->is_string() ? parseEmbedded(it->get<std::string>(), "Field 'tag_colors'") : *it;
    if (!map.is_object())
      throw rdc::HttpError(400, "Field 'tag_colors' must hold a JSON object of colours");
    for (auto c = map.begin(); c != map.end(); ++c)
      colors[c.key()] = parseColor(c.value(), "tag_colors");
  }
  if (auto it = data.find("tags"); it != data.end() && !it->is_null()) {
    int64_t pos = 0;
    for (const std::string &name : parseTagList(*it, "tags", limits)) {
      auto c = colors.find(name);
      book.tags.push_back(Tag{name, c != colors.end() ? c->second : kDefaultTagColor, ++pos});
      book.tagHasColor.push_back(c != colors.end());
    }
  }
  if (auto it = data.find("peers"); it != data.end() && !it->is_null()) {
    if (!it->is_array())
      throw rdc::HttpError(400, "Field 'peers' must be an array");
    if (limits.maxPeersPerBook > 0 && it->size() > static_cast<size_t>(limits.maxPeersPerBook))
      throw rdc::HttpError(400, "The address book would hold " + std::to_string(it->size()) +
                                    " peers; the limit is " +
                                    std::to_string(limits.maxPeersPerBook));
    std::map<std::string, size_t> index;
    for (const json &p : *it) {
      PeerInput in = parsePeer(p, BookKind::Personal, limits);
      if (auto seen = index.find(in.id); seen != index.end()) {
        book.peers[seen->second].fields = mergePeer(book.peers[seen->second].fields, in.fields);
      } else {
        index[in.id] = book.peers.size();
        book.peers.push_back(std::move(in));
      }
    }
  }
  return book;
}

std::string legacyDataText(const std::vector<Tag> &tags,
                           const std::vector<std::pair<std::string, json>> &peers) {
  json names = json::array();
  json colors = json::object();
  for (const Tag &t : tags) {
    names.push_back(t.name);
    colors[t.name] = t.color;
  }
  json list = json::array();
  for (const auto &[id, stored] : peers)
    list.push_back(peerForLegacy(id, stored));
  // Key order as the client writes it (tags, peers, tag_colors): an empty
  // book is then byte-for-byte the documented empty structure.
  nlohmann::ordered_json data = nlohmann::ordered_json::object();
  data["tags"] = std::move(names);
  data["peers"] = std::move(list);
  data["tag_colors"] = rdc::jsonDump(colors);
  return data.dump(-1, ' ', false, json::error_handler_t::replace);
}

} // namespace ab
