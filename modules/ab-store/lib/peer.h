// One address-book peer: validation of what clients send, merging partial
// updates, and the two shapes it is answered in. Pure logic, no host calls.
//
// A stored peer is a JSON object of the known fields only (alias, tags, note,
// hash, password, username, hostname, platform, same_server); keys a client
// adds for its own use (forceAlwaysRelay, rdpPort, ...) are ignored, as the
// client contract asks (client-truth §2.12).
#pragma once

#include "ab_limits.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace ab {

// Which book a peer belongs to decides which secret it may carry: `hash` in
// the personal book, `password` in shared ones (client-truth §2.10).
enum class BookKind { Personal, Shared };

struct PeerInput {
  std::string id;
  nlohmann::json fields = nlohmann::json::object(); // only keys present and non-null
};

// Validates one peer object (add, update, or an element of a legacy book).
// Throws rdc::HttpError(400) with a clear message. Null values count as
// absent; the other book kind's secret is dropped.
PeerInput parsePeer(const nlohmann::json &obj, BookKind kind, const Limits &limits);

// A validated tag list: strings of 1..kMaxTagBytes bytes, duplicates removed
// (first kept), at most limits.maxTagsPerBook entries.
std::vector<std::string> parseTagList(const nlohmann::json &value, const char *field,
                                      const Limits &limits);

// `stored` with every key of `fields` replaced.
nlohmann::json mergePeer(nlohmann::json stored, const nlohmann::json &fields);

// The peer as /api/ab/peers answers it: every string field present ("" when
// unset), tags always an array, `hash` or `password` by book kind, and
// same_server only when a boolean was stored.
nlohmann::json peerForShared(const std::string &id, const nlohmann::json &stored, BookKind kind);

// The peer inside a legacy book's `data` (client-truth §2.19/§2.20).
nlohmann::json peerForLegacy(const std::string &id, const nlohmann::json &stored);

std::vector<std::string> peerTags(const nlohmann::json &stored);

// A tag colour as clients send it: an unsigned 32-bit ARGB value; negative
// int32 values (older spec) are masked to 32 bits. Throws HttpError(400).
uint32_t parseColor(const nlohmann::json &value, const char *field);

// Colour given to tags a legacy book names without one (opaque grey).
inline constexpr uint32_t kDefaultTagColor = 0xFF9E9E9Eu;

} // namespace ab
