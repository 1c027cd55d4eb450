#include "keyed_hash.h"

#include <doctest/doctest.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <memory>
#include <random>
#include <set>
#include <string>

using namespace agent;

namespace {
HashKey keyFrom(const unsigned char raw[16]) {
  HashKey k;
  for (int i = 7; i >= 0; --i) {
    k.k0 = (k.k0 << 8) | raw[i];
    k.k1 = (k.k1 << 8) | raw[8 + i];
  }
  return k;
}

// OpenSSL's SIPHASH MAC, an implementation independent of ours.
uint64_t opensslSipHash(const unsigned char raw[16], const std::string &data, unsigned c,
                        unsigned d) {
  std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)> mac(EVP_MAC_fetch(nullptr, "SIPHASH", nullptr),
                                                        EVP_MAC_free);
  REQUIRE(mac);
  std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(EVP_MAC_CTX_new(mac.get()),
                                                                EVP_MAC_CTX_free);
  REQUIRE(ctx);
  size_t size = 8;
  OSSL_PARAM params[] = {OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &size),
                         OSSL_PARAM_construct_uint(OSSL_MAC_PARAM_C_ROUNDS, &c),
                         OSSL_PARAM_construct_uint(OSSL_MAC_PARAM_D_ROUNDS, &d),
                         OSSL_PARAM_construct_end()};
  REQUIRE(EVP_MAC_init(ctx.get(), raw, 16, params) == 1);
  REQUIRE(EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char *>(data.data()),
                         data.size()) == 1);
  unsigned char out[8];
  size_t outLen = 0;
  REQUIRE(EVP_MAC_final(ctx.get(), out, &outLen, sizeof out) == 1);
  REQUIRE(outLen == 8);
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i)
    v = (v << 8) | out[i];
  return v;
}
} // namespace

TEST_CASE("SipHash-2-4 gives the paper's test vector") {
  // Aumasson & Bernstein, "SipHash: a fast short-input PRF", appendix A:
  // key 00 01 .. 0f, message 00 01 .. 0e.
  unsigned char raw[16];
  std::string msg;
  for (int i = 0; i < 16; ++i)
    raw[i] = static_cast<unsigned char>(i);
  for (int i = 0; i < 15; ++i)
    msg.push_back(static_cast<char>(i));
  CHECK(sipHash<2, 4>(keyFrom(raw), msg) == 0xa129ca6149be45e5ULL);
}

TEST_CASE("the presence hash is OpenSSL's SipHash-1-3 for every length up to 80 bytes") {
  std::mt19937_64 rng(20261123);
  for (int round = 0; round < 8; ++round) {
    unsigned char raw[16];
    for (auto &b : raw)
      b = static_cast<unsigned char>(rng());
    const HashKey key = keyFrom(raw);
    std::string msg;
    for (size_t len = 0; len <= 80; ++len) {
      CAPTURE(len);
      CHECK(keyedHash(key, msg) == opensslSipHash(raw, msg, 1, 3));
      CHECK(sipHash<2, 4>(key, msg) == opensslSipHash(raw, msg, 2, 4));
      msg.push_back(static_cast<char>(rng()));
    }
  }
}

TEST_CASE("each start-up draws another key, so the same id hashes differently") {
  std::set<uint64_t> seen;
  for (int i = 0; i < 16; ++i)
    seen.insert(keyedHash(randomHashKey(), "123456789"));
  CHECK(seen.size() == 16);
}
