#include "ab_limits.h"

#include <rdconsole/sdk.hpp>

#include <stdexcept>
#include <string>

namespace ab {
namespace {

Limits g_limits;

int64_t readLimit(bool ownModule, const char *key, int64_t fallback) {
  std::optional<std::string_view> raw =
      ownModule ? rdc::config(key) : rdc::configFrom("ab-store", key);
  if (!raw)
    return fallback;
  std::string s(*raw);
  size_t used = 0;
  int64_t n = -1;
  try {
    n = std::stoll(s, &used);
  } catch (const std::exception &) {
    used = 0;
  }
  if (used == 0 || used != s.size() || n < 0)
    throw std::runtime_error(std::string("config key ab-store.") + key +
                             " must be a non-negative integer, got '" + s + "'");
  return n;
}

} // namespace

Limits loadLimits(bool ownModule) {
  Limits l;
  l.maxPeersPerBook = readLimit(ownModule, "max_peers_per_book", l.maxPeersPerBook);
  l.maxTagsPerBook = readLimit(ownModule, "max_tags_per_book", l.maxTagsPerBook);
  l.maxBooksPerUser = readLimit(ownModule, "max_books_per_user", l.maxBooksPerUser);
  return l;
}

const Limits &limits() {
  return g_limits;
}
void setLimits(const Limits &l) {
  g_limits = l;
}

} // namespace ab
