#pragma once
// SipHash (Aumasson & Bernstein), keyed with a secret drawn at start-up, for
// the presence table's index. Device ids arrive on tokenless endpoints, so a
// hash anyone can compute offline (std::hash has a fixed seed) would let a
// sender pick ids that share one shard and one probe run; with a secret key
// those ids cannot be chosen. SipHash-1-3 is what Rust's HashMap and Python's
// str hash use for the same reason.
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace agent {

struct HashKey {
  uint64_t k0 = 0;
  uint64_t k1 = 0;
};

// A key from the OpenSSL CSPRNG; throws std::runtime_error if it fails.
HashKey randomHashKey();

namespace siphash_detail {
inline uint64_t rotl(uint64_t x, int b) {
  return (x << b) | (x >> (64 - b));
}
// Eight bytes as a little-endian number: one load on little-endian hosts.
inline uint64_t loadLe64(const unsigned char *p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (std::endian::native == std::endian::big) {
    uint64_t r = 0;
    for (int i = 0; i < 8; ++i, v >>= 8)
      r = (r << 8) | (v & 0xff);
    v = r;
  }
  return v;
}
struct State {
  uint64_t v0, v1, v2, v3;
  void round() {
    v0 += v1;
    v1 = rotl(v1, 13);
    v1 ^= v0;
    v0 = rotl(v0, 32);
    v2 += v3;
    v3 = rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = rotl(v1, 17);
    v1 ^= v2;
    v2 = rotl(v2, 32);
  }
};
} // namespace siphash_detail

// SipHash-C-D with a 64-bit result, as in the paper and OpenSSL's SIPHASH MAC
// (whose 8-byte output is this value, little-endian).
template <int C, int D> uint64_t sipHash(const HashKey &key, std::string_view data) {
  using namespace siphash_detail;
  State s{key.k0 ^ 0x736f6d6570736575ULL, key.k1 ^ 0x646f72616e646f6dULL,
          key.k0 ^ 0x6c7967656e657261ULL, key.k1 ^ 0x7465646279746573ULL};
  const auto *p = reinterpret_cast<const unsigned char *>(data.data());
  const size_t len = data.size();
  const size_t whole = len & ~size_t{7};
  for (size_t i = 0; i < whole; i += 8) {
    const uint64_t m = loadLe64(p + i);
    s.v3 ^= m;
    for (int r = 0; r < C; ++r)
      s.round();
    s.v0 ^= m;
  }
  // The last block: the remaining bytes, and the length's low byte on top.
  uint64_t b = static_cast<uint64_t>(len & 0xff) << 56;
  for (size_t i = 0; i < (len & 7); ++i)
    b |= static_cast<uint64_t>(p[whole + i]) << (8 * i);
  s.v3 ^= b;
  for (int r = 0; r < C; ++r)
    s.round();
  s.v0 ^= b;
  s.v2 ^= 0xff;
  for (int r = 0; r < D; ++r)
    s.round();
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

inline uint64_t keyedHash(const HashKey &key, std::string_view data) {
  return sipHash<1, 3>(key, data);
}

} // namespace agent
