// The legacy address book's one-blob format (client-truth §2.19, §2.20):
//   {"data":"<JSON text of {tags:[..], peers:[..], tag_colors:"<JSON text of {tag:int}>"}>"}
// Pure logic: parsing what a client pushes and building what it pulls.
#pragma once

#include "book_tx.h"
#include "peer.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace ab {

struct LegacyBook {
  std::vector<Tag> tags;         // positions 1..n; colour from tag_colors
  std::vector<bool> tagHasColor; // false: keep the stored colour, or the default
  std::vector<PeerInput> peers;  // unique ids, in order
};

// Parses a POST /api/ab body. Throws rdc::HttpError(400) on any problem,
// including more peers or tags than the limits allow.
LegacyBook parseLegacyBody(std::string_view body, const Limits &limits);

// The `data` text a pull answers: tags by position, peers by id,
// tag_colors double-encoded.
std::string legacyDataText(const std::vector<Tag> &tags,
                           const std::vector<std::pair<std::string, nlohmann::json>> &peers);

} // namespace ab
