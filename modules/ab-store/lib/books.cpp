#include "books.h"

#include <rdconsole/json.hpp>

#include <cctype>
#include <stdexcept>

namespace ab {
namespace {

constexpr const char *kBookColumns = "id, guid, owner_id, personal, name, note, info";

Book readBook(rdc::Stmt &st) {
  Book b;
  b.id = st.getInt(0);
  b.guid = st.getText(1);
  b.ownerId = st.getInt(2);
  b.kind = st.getInt(3) != 0 ? BookKind::Personal : BookKind::Shared;
  b.name = st.getText(4);
  b.note = st.getText(5);
  b.info = nlohmann::json::parse(st.getView(6), nullptr, false);
  if (!b.info.is_object())
    b.info = nlohmann::json::object();
  return b;
}

std::optional<Book> selectOne(rdc::Db &db, const std::string &where,
                              const std::function<void(rdc::Stmt &)> &bind) {
  rdc::Stmt st =
      db.prepare(std::string("SELECT ") + kBookColumns + " FROM ab_books WHERE " + where);
  bind(st);
  if (!st.step())
    return std::nullopt;
  return readBook(st);
}

// Case-insensitive for ASCII; other bytes compare exactly.
std::string lowerAscii(std::string_view s) {
  std::string out(s);
  for (char &c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string personalKey(int64_t userId) {
  return "personal:" + std::to_string(userId);
}
std::string sharedKey(std::string_view name) {
  return "shared:" + lowerAscii(name);
}

} // namespace

std::string newGuid() {
  unsigned char b[16];
  rdc::check(rdc::api().random_bytes(b, sizeof b), "random bytes");
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40); // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80); // RFC 4122 variant
  static const char hex[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      s += '-';
    s += hex[b[i] >> 4];
    s += hex[b[i] & 0xF];
  }
  return s;
}

Book ensurePersonal(rdc::Db &db, int64_t userId) {
  std::string key = personalKey(userId);
  auto bindKey = [&](rdc::Stmt &st) { st.bind(1, key); };
  if (auto b = selectOne(db, "name_key = ?", bindKey))
    return *b;
  int64_t now = rdc::api().now_ms();
  // Two first requests of one user may race: the unique name_key keeps one.
  db.exec("INSERT INTO ab_books (guid, owner_id, personal, name, name_key, note, info, created_at,"
          " updated_at) VALUES (?, ?, 1, ?, ?, '', '{}', ?, ?) ON CONFLICT (name_key) DO NOTHING",
          newGuid(), userId, std::string(kPersonalBookName), key, now, now);
  if (auto b = selectOne(db, "name_key = ?", bindKey))
    return *b;
  throw std::runtime_error("personal address book could not be created");
}

std::optional<Book> findBook(rdc::Db &db, std::string_view guid) {
  return selectOne(db, "guid = ?", [&](rdc::Stmt &st) { st.bind(1, guid); });
}

std::optional<Book> findBookById(rdc::Db &db, int64_t id) {
  return selectOne(db, "id = ?", [&](rdc::Stmt &st) { st.bind(1, id); });
}

std::optional<Book> findSharedBook(rdc::Db &db, std::string_view name) {
  if (!bookNameProblem(name).empty())
    return std::nullopt; // cannot exist (and PostgreSQL refuses bad UTF-8)
  return selectOne(db, "name_key = ?", [&](rdc::Stmt &st) { st.bind(1, sharedKey(name)); });
}

std::string bookNameProblem(std::string_view name) {
  if (name.empty() || name.size() > kMaxBookNameBytes)
    return "an address book name must be 1-" + std::to_string(kMaxBookNameBytes) + " bytes";
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7F)
      return "an address book name must not contain control characters";
  if (name.front() == ' ' || name.back() == ' ')
    return "an address book name must not start or end with a space";
  std::string lower = lowerAscii(name);
  if (lower == lowerAscii(kPersonalBookName) || lower == lowerAscii(kLegacyBookName))
    return "'" + std::string(name) + "' is reserved for the personal address book";
  return "";
}

Book createShared(rdc::Db &db, std::string_view name, int64_t ownerId, std::string_view note,
                  std::string_view defaultPassword, const Limits &limits) {
  if (std::string p = bookNameProblem(name); !p.empty())
    throw std::invalid_argument(p);
  if (note.size() > kMaxFieldBytes || defaultPassword.size() > kMaxFieldBytes)
    throw std::invalid_argument("note and password must be at most " +
                                std::to_string(kMaxFieldBytes) + " bytes");
  rdc::Transaction tx(db);
  if (limits.maxBooksPerUser > 0) {
    rdc::Stmt st = db.prepare("SELECT COUNT(*) FROM ab_books WHERE owner_id = ? AND personal = 0");
    st.bind(1, ownerId);
    st.step();
    if (st.getInt(0) >= limits.maxBooksPerUser)
      throw std::invalid_argument("the owner already has " + std::to_string(st.getInt(0)) +
                                  " shared address books (ab-store.max_books_per_user = " +
                                  std::to_string(limits.maxBooksPerUser) + ")");
  }
  nlohmann::json info = nlohmann::json::object();
  if (!defaultPassword.empty())
    info["password"] = std::string(defaultPassword);
  int64_t now = rdc::api().now_ms();
  try {
    db.exec("INSERT INTO ab_books (guid, owner_id, personal, name, name_key, note, info,"
            " created_at, updated_at) VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?)",
            newGuid(), ownerId, name, sharedKey(name), note, rdc::jsonDump(info), now, now);
  } catch (const rdc::HostError &e) {
    if (e.code() == RDC_CONFLICT)
      throw std::invalid_argument("an address book named '" + std::string(name) +
                                  "' already exists");
    throw;
  }
  tx.commit();
  auto b = selectOne(db, "name_key = ?", [&](rdc::Stmt &st) { st.bind(1, sharedKey(name)); });
  if (!b)
    throw std::runtime_error("shared address book vanished after creation");
  return *b;
}

std::vector<Book> listBooks(rdc::Db &db, std::optional<int64_t> ownerId) {
  std::string sql = std::string("SELECT ") + kBookColumns + " FROM ab_books";
  if (ownerId)
    sql += " WHERE owner_id = ?";
  sql += " ORDER BY owner_id, personal DESC, name_key";
  rdc::Stmt st = db.prepare(sql);
  if (ownerId)
    st.bind(1, *ownerId);
  std::vector<Book> out;
  while (st.step())
    out.push_back(readBook(st));
  return out;
}

std::vector<Book> sharedBookCandidates(rdc::Db &db, int64_t ownerId,
                                       const std::string &ruleFilter) {
  rdc::Stmt st = db.prepare(std::string("SELECT ") + kBookColumns +
                            " FROM ab_books WHERE personal = 0 AND (owner_id = ? OR id IN"
                            " (SELECT book_id FROM ab_rules WHERE " +
                            ruleFilter + "))");
  st.bind(1, ownerId).bind(2, ownerId);
  std::vector<Book> out;
  while (st.step())
    out.push_back(readBook(st));
  return out;
}

int64_t countPeers(rdc::Db &db, int64_t bookId) {
  rdc::Stmt st = db.prepare("SELECT COUNT(*) FROM ab_peers WHERE book_id = ?");
  st.bind(1, bookId);
  st.step();
  return st.getInt(0);
}

int64_t countTags(rdc::Db &db, int64_t bookId) {
  rdc::Stmt st = db.prepare("SELECT COUNT(*) FROM ab_tags WHERE book_id = ?");
  st.bind(1, bookId);
  st.step();
  return st.getInt(0);
}

} // namespace ab
