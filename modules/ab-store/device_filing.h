// Filing a device into an address book when agent-loop assigns one
// (`rustdesk --assign --address_book_name ...` or a sysinfo preset,
// client-truth §2.26, §2.32). agent-loop does not touch address books: it
// publishes event "agent-loop.address_book_assign" and this subscriber does
// the filing through the journaled write path (lib/book_tx.h).
#pragma once

#include "ab_limits.h"
#include "peer.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ab {

inline constexpr const char *kDeviceFilingTopic = "agent-loop.address_book_assign";

// The event payload (README "Filing devices"):
// {"id","address_book_name","tag"?,"alias"?,"password"?,"note"?,"user_name"?,
//  "via"?,"by_user_id"?,"username"?,"hostname"?,"platform"?}.
struct Filing {
  std::string id, bookName;
  std::optional<std::string> tag, alias, password, note, userName;
  std::optional<std::string> username, hostname, platform; // shown for a new peer
  std::string via;                                         // "devices-cli" | "sysinfo-preset"
  int64_t byUserId = 0; // the administrator behind --assign; 0 for presets
};

// Checks the payload against the address-book limits. Throws
// std::invalid_argument naming the problem. Pure.
Filing parseFiling(std::string_view payload);

// The peer as stored after filing: `existing` (or a new peer) with alias,
// note and — in shared books — password set when given, the tag added to its
// tags when missing, and username/hostname/platform filled in only where the
// peer has none yet. Equal to `existing` when the filing changes nothing (a
// re-sent preset). Pure.
nlohmann::json filedPeer(const std::optional<nlohmann::json> &existing, const Filing &f,
                         BookKind kind);

// The event callback: finds the book (the personal one of user_name when the
// name is "My address book", else the shared book of that name — owned by
// user_name when one is given) and files the device. An unknown or
// ambiguous book, an unknown user or a full book is logged as a warning and
// changes nothing.
void onDeviceFiling(std::string_view payload);

} // namespace ab
