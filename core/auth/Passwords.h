// argon2id password hashing (libargon2, the reference implementation).
// Hashes are PHC strings: $argon2id$v=19$m=...,t=...,p=...$salt$hash
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rdc::auth {

struct Argon2Params {
  uint32_t memoryKib = 19456; // OWASP 2023 minimum for argon2id
  uint32_t iterations = 2;
  uint32_t parallelism = 1;
};

class PasswordHasher {
public:
  explicit PasswordHasher(Argon2Params p = {});
  std::string hash(std::string_view password) const; // fresh 16-byte salt
  bool verify(std::string_view password, std::string_view encoded) const;
  // Burns the same time as verify() for a user that does not exist, so login
  // timing does not reveal which names exist.
  void verifyDummy(std::string_view password) const;
  const Argon2Params &params() const { return p_; }

private:
  Argon2Params p_;
  std::string dummy_;
};

// Rules an operator-set password must meet; returns an error text or "".
std::string passwordProblem(std::string_view password);

} // namespace rdc::auth
