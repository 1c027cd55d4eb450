#include "auth/Passwords.h"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

using namespace rdc;

namespace {
// Small parameters keep the suite fast (also under ASan); production uses the
// defaults of Argon2Params.
const auth::Argon2Params kFast{1024, 1, 1};
} // namespace

TEST_CASE("passwords: hash then verify") {
  auth::PasswordHasher h(kFast);
  const std::string pw = "correct horse battery staple";
  const std::string enc = h.hash(pw);
  CHECK(h.verify(pw, enc));
  CHECK_FALSE(h.verify("correct horse battery stapl", enc));
  CHECK_FALSE(h.verify("", enc));
  CHECK_FALSE(h.verify(pw, ""));
  CHECK_FALSE(h.verify(pw, "not a hash"));
  CHECK_FALSE(h.verify(pw, std::string(enc).replace(enc.size() - 4, 4, "AAAA")));
}

TEST_CASE("passwords: the hash is a PHC argon2id string with the configured parameters") {
  auth::PasswordHasher h({2048, 2, 1});
  const std::string enc = h.hash("some password");
  CHECK(enc.rfind("$argon2id$v=19$m=2048,t=2,p=1$", 0) == 0);
  // salt (16 bytes) and hash (32 bytes) in unpadded base64: 22 and 43 chars
  const size_t saltStart = 30; // just after the parameter block
  const auto hashStart = enc.find('$', saltStart) + 1;
  CHECK(hashStart - saltStart - 1 == 22);
  CHECK(enc.size() - hashStart == 43);
  CHECK(enc.find('\0') == std::string::npos);
  CHECK(h.params().memoryKib == 2048);
}

TEST_CASE("passwords: two hashes of one password differ (fresh salt) and both verify") {
  auth::PasswordHasher h(kFast);
  const auto a = h.hash("same password");
  const auto b = h.hash("same password");
  CHECK(a != b);
  CHECK(h.verify("same password", a));
  CHECK(h.verify("same password", b));
}

TEST_CASE("passwords: a hash made with other parameters still verifies (parameter upgrades)") {
  auth::PasswordHasher old(kFast);
  auth::PasswordHasher current({2048, 2, 1});
  CHECK(current.verify("an old password", old.hash("an old password")));
}

TEST_CASE("passwords: bytes after a NUL count") {
  auth::PasswordHasher h(kFast);
  const std::string withNul("abc\0defgh", 9);
  const auto enc = h.hash(withNul);
  CHECK(h.verify(withNul, enc));
  CHECK_FALSE(h.verify("abc", enc));
}

TEST_CASE("passwords: impossible parameters are refused up front") {
  CHECK_THROWS_AS(auth::PasswordHasher({1024, 0, 1}), std::invalid_argument);
  CHECK_THROWS_AS(auth::PasswordHasher({1024, 1, 0}), std::invalid_argument);
  CHECK_THROWS_AS(auth::PasswordHasher({8, 1, 2}), std::invalid_argument);
}

TEST_CASE("passwords: verifyDummy accepts any input without throwing") {
  auth::PasswordHasher h(kFast);
  CHECK_NOTHROW(h.verifyDummy(""));
  CHECK_NOTHROW(h.verifyDummy(std::string(5000, 'x')));
}

TEST_CASE("passwords: passwordProblem") {
  CHECK(auth::passwordProblem("12345678") == "");
  CHECK(auth::passwordProblem("1234567") == "Password is too short (at least 8 characters)");
  CHECK(auth::passwordProblem("") == "Password is too short (at least 8 characters)");
  // Characters, not bytes: 8 two-byte letters pass, 7 (14 bytes) do not.
  CHECK(auth::passwordProblem("ääääääää") == "");
  CHECK(auth::passwordProblem("äääääää") == "Password is too short (at least 8 characters)");
  CHECK(auth::passwordProblem(std::string(1024, 'a')) == "");
  CHECK(auth::passwordProblem(std::string(1025, 'a')) ==
        "Password is too long (at most 1024 bytes)");
  CHECK(auth::passwordProblem("abcdefgh\xff") == "Password is not valid UTF-8 text");
  CHECK(auth::passwordProblem("abcdefgh\xc3") == "Password is not valid UTF-8 text"); // truncated
  CHECK(auth::passwordProblem("abcdefgh\xc0\xaf") ==
        "Password is not valid UTF-8 text"); // overlong
  CHECK(auth::passwordProblem("abcdefgh\xed\xa0\x80") ==
        "Password is not valid UTF-8 text");                      // surrogate
  CHECK(auth::passwordProblem("abcdefgh\xf0\x9f\x98\x80") == ""); // emoji
  CHECK(auth::passwordProblem(std::string("abcd\0efgh", 9)) ==
        "Password must not contain NUL characters");
}
