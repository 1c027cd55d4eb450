// Address books: the personal book every user has, and shared books an
// operator creates. Table ab_books (schema in ../schema.cpp).
#pragma once

#include "ab_limits.h"
#include "peer.h"

#include <rdconsole/sdk.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace ab {

// Names a shared book may never take: the client keys books by name and
// shows the personal one under these (client-truth §2.9, §5.15).
inline constexpr const char *kPersonalBookName = "My address book";
inline constexpr const char *kLegacyBookName = "Legacy address book";

struct Book {
  int64_t id = 0;
  std::string guid;
  int64_t ownerId = 0;
  BookKind kind = BookKind::Personal;
  std::string name, note;
  nlohmann::json info = nlohmann::json::object(); // e.g. {"password": default shared password}
};

// A fresh random guid in the 8-4-4-4-12 hex form: URL-safe, unguessable.
std::string newGuid();

// The user's personal book, created on first use (race-free).
Book ensurePersonal(rdc::Db &db, int64_t userId);
std::optional<Book> findBook(rdc::Db &db, std::string_view guid);
std::optional<Book> findBookById(rdc::Db &db, int64_t id);
// The shared book of this name (names are unique, case-insensitively for ASCII).
std::optional<Book> findSharedBook(rdc::Db &db, std::string_view name);

// Creates a shared book owned by `ownerId`. Throws std::invalid_argument for
// a bad or reserved name, a name in use, or an owner at maxBooksPerUser.
Book createShared(rdc::Db &db, std::string_view name, int64_t ownerId, std::string_view note,
                  std::string_view defaultPassword, const Limits &limits);

// Every book, or those owned by one user; ordered by owner, then name.
std::vector<Book> listBooks(rdc::Db &db, std::optional<int64_t> ownerId);

// Shared books owned by `ownerId` or carrying a rule matching `ruleFilter`
// (an SQL condition on ab_rules whose only placeholder is the user id).
std::vector<Book> sharedBookCandidates(rdc::Db &db, int64_t ownerId, const std::string &ruleFilter);

int64_t countPeers(rdc::Db &db, int64_t bookId);
int64_t countTags(rdc::Db &db, int64_t bookId);

// Problem with a shared book name, or "" when it is acceptable.
std::string bookNameProblem(std::string_view name);

} // namespace ab
