// Limits every address-book write path enforces, from ab-store's config
// (etc/modules.d/ab-store.properties).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ab {

inline constexpr std::size_t kMaxIdBytes = 256;     // a peer id (clients allow any string)
inline constexpr std::size_t kMaxTagBytes = 256;    // one tag name
inline constexpr std::size_t kMaxFieldBytes = 4096; // alias, note, hash, password, ...
inline constexpr std::size_t kMaxBookNameBytes = 128;

struct Limits {
  int64_t maxPeersPerBook = 20000; // 0 = unlimited; answered as max_peer_one_ab
  int64_t maxTagsPerBook = 1000;   // 0 = unlimited
  int64_t maxBooksPerUser = 100;   // shared books one user may own; 0 = unlimited
};

// Reads ab-store.max_peers_per_book, ab-store.max_tags_per_book and
// ab-store.max_books_per_user. `ownModule` is true inside ab-store itself;
// the API modules read them as a dependency's keys. Throws on a malformed or
// negative value (the module's init fails with that message).
Limits loadLimits(bool ownModule);

// The process-wide limits of this module, set once in init.
const Limits &limits();
void setLimits(const Limits &l);

} // namespace ab
