#include "auth/Passwords.h"

#include <argon2.h>
#include <openssl/rand.h>

#include <stdexcept>
#include <string>

namespace rdc::auth {
namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
constexpr size_t kMaxPasswordBytes = 1024;
constexpr size_t kMinPasswordChars = 8;

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above
// U+10FFFF. Returns the number of code points, or -1 when invalid.
long utf8Length(std::string_view s) {
  long count = 0;
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t extra = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      cp = c;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return -1;
    }
    if (i + extra >= s.size() && extra > 0)
      return -1; // truncated sequence
    for (size_t k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80)
        return -1;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((extra == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
      return -1;
    i += extra + 1;
    ++count;
  }
  return count;
}

} // namespace

PasswordHasher::PasswordHasher(Argon2Params p) : p_(p) {
  if (p_.iterations < 1)
    throw std::invalid_argument("argon2 iterations must be at least 1");
  if (p_.parallelism < 1 || p_.parallelism > 255)
    throw std::invalid_argument("argon2 parallelism must be between 1 and 255");
  if (p_.memoryKib < 8 * p_.parallelism)
    throw std::invalid_argument("argon2 memory must be at least 8 KiB per lane (" +
                                std::to_string(8 * p_.parallelism) + " KiB)");
  // A real hash with the live parameters, so verifyDummy() costs what a real
  // verification costs.
  dummy_ = hash("rdconsole-dummy-password");
}

std::string PasswordHasher::hash(std::string_view password) const {
  unsigned char salt[kSaltBytes];
  if (RAND_bytes(salt, sizeof salt) != 1)
    throw std::runtime_error("cannot generate a password salt (OpenSSL RAND_bytes failed)");
  std::string encoded(argon2_encodedlen(p_.iterations, p_.memoryKib, p_.parallelism, kSaltBytes,
                                        kHashBytes, Argon2_id),
                      '\0');
  int rc = argon2id_hash_encoded(p_.iterations, p_.memoryKib, p_.parallelism, password.data(),
                                 password.size(), salt, kSaltBytes, kHashBytes, encoded.data(),
                                 encoded.size());
  if (rc != ARGON2_OK)
    throw std::runtime_error(std::string("argon2id hashing failed: ") + argon2_error_message(rc));
  encoded.resize(encoded.find('\0')); // the length estimate includes the terminator
  return encoded;
}

bool PasswordHasher::verify(std::string_view password, std::string_view encoded) const {
  const std::string enc(encoded); // libargon2 wants a NUL-terminated string
  if (enc.empty() || enc.find('\0') != std::string::npos)
    return false;
  return argon2id_verify(enc.c_str(), password.data(), password.size()) == ARGON2_OK;
}

void PasswordHasher::verifyDummy(std::string_view password) const {
  (void)verify(password, dummy_);
}

std::string passwordProblem(std::string_view password) {
  if (password.size() > kMaxPasswordBytes)
    return "Password is too long (at most " + std::to_string(kMaxPasswordBytes) + " bytes)";
  const long chars = utf8Length(password);
  if (chars < 0)
    return "Password is not valid UTF-8 text";
  if (password.find('\0') != std::string_view::npos)
    return "Password must not contain NUL characters";
  if (chars < static_cast<long>(kMinPasswordChars))
    return "Password is too short (at least " + std::to_string(kMinPasswordChars) + " characters)";
  return "";
}

} // namespace rdc::auth
