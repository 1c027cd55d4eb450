#include "keyed_hash.h"

#include <openssl/rand.h>

#include <stdexcept>

namespace agent {

HashKey randomHashKey() {
  unsigned char raw[16];
  if (RAND_bytes(raw, sizeof raw) != 1)
    throw std::runtime_error(
        "cannot draw the presence table's hash key (OpenSSL RAND_bytes failed)");
  return HashKey{siphash_detail::loadLe64(raw), siphash_detail::loadLe64(raw + 8)};
}

} // namespace agent
