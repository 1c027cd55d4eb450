#include "device_filing.h"

#include "actor.h"
#include "book_tx.h"
#include "books.h"

#include <rdconsole/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace ab {
namespace {

using nlohmann::json;

std::optional<std::string> text(const json &p, const char *key, size_t maxBytes,
                                bool required = false) {
  auto it = p.find(key);
  if (it == p.end() || it->is_null() ||
      (it->is_string() && it->get_ref<const std::string &>().empty())) {
    if (required)
      throw std::invalid_argument(std::string("'") + key + "' is missing");
    return std::nullopt;
  }
  if (!it->is_string())
    throw std::invalid_argument(std::string("'") + key + "' is not a string");
  const auto &s = it->get_ref<const std::string &>();
  if (s.size() > maxBytes)
    throw std::invalid_argument(std::string("'") + key + "' is longer than " +
                                std::to_string(maxBytes) + " bytes");
  if (s.find('\0') != std::string::npos)
    throw std::invalid_argument(std::string("'") + key + "' contains a NUL character");
  return s;
}

std::string lowerAscii(std::string_view s) {
  std::string out(s);
  for (char &c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool namesPersonalBook(std::string_view name) {
  std::string n = lowerAscii(name);
  return n == lowerAscii(kPersonalBookName) || n == lowerAscii(kLegacyBookName);
}

std::string shown(std::string_view s) {
  return rdc::jsonQuote(s.substr(0, 128));
}

// The book the filing names; nullopt (after a warning) when there is none or
// more than one.
std::optional<Book> bookFor(rdc::Db &db, const Filing &f, std::optional<int64_t> userId) {
  if (namesPersonalBook(f.bookName)) {
    if (!userId) {
      // Every user has one: without a user the name is ambiguous.
      rdc::logWarn("filing device " + shown(f.id) + ": address book " + shown(f.bookName) +
                   " names every user's personal book; give a user name to pick one");
      return std::nullopt;
    }
    return ensurePersonal(db, *userId);
  }
  std::optional<Book> book = findSharedBook(db, f.bookName);
  if (!book) {
    rdc::logWarn("filing device " + shown(f.id) + ": no shared address book named " +
                 shown(f.bookName));
    return std::nullopt;
  }
  if (userId && book->ownerId != *userId) {
    rdc::logWarn("filing device " + shown(f.id) + ": the address book " + shown(f.bookName) +
                 " is not owned by " + shown(*f.userName));
    return std::nullopt;
  }
  return book;
}

} // namespace

Filing parseFiling(std::string_view payload) {
  json p = json::parse(payload.begin(), payload.end(), nullptr, false);
  if (!p.is_object())
    throw std::invalid_argument("the payload is not a JSON object");
  Filing f;
  f.id = *text(p, "id", kMaxIdBytes, true);
  f.bookName = *text(p, "address_book_name", kMaxBookNameBytes, true);
  f.tag = text(p, "tag", kMaxTagBytes);
  f.alias = text(p, "alias", kMaxFieldBytes);
  f.password = text(p, "password", kMaxFieldBytes);
  f.note = text(p, "note", kMaxFieldBytes);
  f.userName = text(p, "user_name", kMaxFieldBytes);
  f.username = text(p, "username", kMaxFieldBytes);
  f.hostname = text(p, "hostname", kMaxFieldBytes);
  f.platform = text(p, "platform", kMaxFieldBytes);
  f.via = text(p, "via", 64).value_or("");
  if (auto it = p.find("by_user_id"); it != p.end() && it->is_number_integer())
    f.byUserId = it->get<int64_t>();
  return f;
}

json filedPeer(const std::optional<json> &existing, const Filing &f, BookKind kind) {
  json peer = existing && existing->is_object() ? *existing : json::object();
  if (f.alias)
    peer["alias"] = *f.alias;
  if (f.note)
    peer["note"] = *f.note;
  if (f.password && kind == BookKind::Shared) // a personal book keeps a hash, never a password
    peer["password"] = *f.password;
  if (f.tag) {
    std::vector<std::string> tags = peerTags(peer);
    if (std::find(tags.begin(), tags.end(), *f.tag) == tags.end()) {
      tags.push_back(*f.tag);
      peer["tags"] = tags;
    }
  }
  // What the device reported: only where the peer shows nothing yet, so a
  // user's own edits are never overwritten.
  const std::pair<const char *, const std::optional<std::string> *> shown[] = {
      {"username", &f.username}, {"hostname", &f.hostname}, {"platform", &f.platform}};
  for (const auto &[key, value] : shown) {
    auto it = peer.find(key);
    if (*value && (it == peer.end() || !it->is_string() || it->get<std::string>().empty()))
      peer[key] = **value;
  }
  return peer;
}

void onDeviceFiling(std::string_view payload) {
  Filing f;
  try {
    f = parseFiling(payload);
  } catch (const std::invalid_argument &e) {
    rdc::logWarn(std::string("address-book filing ignored: ") + e.what());
    return;
  }
  // Identity first: the host's identity calls lease connections of their own
  // (see rules.h), so none is held here.
  std::optional<int64_t> userId;
  if (f.userName) {
    auto u = rdc::findUserByName(*f.userName);
    if (!u) {
      rdc::logWarn("filing device " + shown(f.id) + ": no user named " + shown(*f.userName));
      return;
    }
    userId = u->id;
  }
  std::string by = f.via == "devices-cli" ? "rustdesk --assign" : "sysinfo preset";
  if (f.byUserId != 0)
    if (auto admin = rdc::getUser(f.byUserId))
      by += " by " + admin->name;

  rdc::Db db = rdc::Db::acquire();
  std::optional<Book> book = bookFor(db, f, userId);
  if (!book)
    return;
  const Limits &lim = limits();
  BookTx tx(db, *book, Actor{f.byUserId, f.id, "agent-loop"});
  std::optional<json> existing = tx.peer(f.id);
  if (!existing && lim.maxPeersPerBook > 0 && tx.peerCount() >= lim.maxPeersPerBook) {
    rdc::logWarn("filing device " + shown(f.id) + ": address book " + shown(book->name) +
                 " is full (ab-store.max_peers_per_book = " + std::to_string(lim.maxPeersPerBook) +
                 ")");
    return;
  }
  json peer = filedPeer(existing, f, book->kind);
  if (lim.maxTagsPerBook > 0 && static_cast<int64_t>(peerTags(peer).size()) > lim.maxTagsPerBook) {
    rdc::logWarn("filing device " + shown(f.id) + ": the peer would carry too many tags");
    return;
  }
  if (f.tag && !tx.tag(*f.tag)) {
    if (lim.maxTagsPerBook > 0 && static_cast<int64_t>(tx.tags().size()) >= lim.maxTagsPerBook) {
      rdc::logWarn("filing device " + shown(f.id) + ": address book " + shown(book->name) +
                   " has too many tags to add " + shown(*f.tag));
      return;
    }
    tx.putTag(Tag{*f.tag, kDefaultTagColor, tx.nextTagPosition()});
  }
  tx.putPeer(f.id, peer); // no journal row when nothing changed
  if (f.password && book->kind == BookKind::Personal)
    rdc::logWarn("filing device " + shown(f.id) +
                 ": a personal address book keeps no password; it was not stored");
  std::string summary = (existing ? "updated peer " : "added peer ") + f.id + " (" + by + ")";
  if (tx.commit(existing ? "peer.update" : "peer.add", summary) != 0)
    rdc::logInfo("address book " + shown(book->name) + ": " + summary);
}

} // namespace ab
