// Legacy clients read and write the personal book as one blob. It is the same
// book the shared-mode API serves: an edit through either API is seen through
// the other. A replace is a diff against the stored book, journaled like any
// other change, so even a replace that drops most of the book is restorable
// (`rdconsole ab history` / `ab restore`).
#include "legacy_api.h"

#include "book_tx.h"
#include "legacy_format.h"

#include <rdconsole/json.hpp>

#include <map>
#include <set>

namespace ablegacy {

using nlohmann::json;

namespace {

int64_t userIdOf(rdc::Exchange &ex) {
  auto u = ex.user();
  if (!u)
    throw rdc::HttpError(401, "Not logged in");
  return u->id;
}

std::string currentData(rdc::Exchange &ex) {
  int64_t userId = userIdOf(ex);
  rdc::Db db = rdc::Db::acquire();
  ab::Book book = ab::ensurePersonal(db, userId);
  return ab::legacyDataText(ab::loadTags(db, book.id), ab::loadPeers(db, book.id));
}

} // namespace

void handleGet(rdc::Exchange &ex) {
  // Never `null`: an empty book is {"tags":[],"peers":[],"tag_colors":"{}"}
  // so the client marks the book initialized. licensed_devices 0 = no cut.
  // Large replies are gzipped by the core when the client accepts it.
  std::string body = "{\"data\":" + rdc::jsonQuote(currentData(ex)) + ",\"licensed_devices\":0}";
  ex.json(200, body);
}

void handleSciterGet(rdc::Exchange &ex) {
  rdc::parseJsonObject(ex.body(), /*allowEmpty=*/true);
  ex.json(200, "{\"data\":" + rdc::jsonQuote(currentData(ex)) + "}");
}

void handleReplace(rdc::Exchange &ex) {
  int64_t userId = userIdOf(ex);
  ab::LegacyBook next = ab::parseLegacyBody(ex.body(), ab::limits());
  // Before the lease: the host's token lookup may lease a connection itself.
  ab::Actor actor = ab::actorOf(ex, "ab-legacy");
  rdc::Db db = rdc::Db::acquire();
  ab::Book book = ab::ensurePersonal(db, userId);
  ab::BookTx tx(db, book, actor);

  // Tags: the new list in its order; a tag named without a colour keeps its
  // stored one.
  std::set<std::string> keepTags;
  for (size_t i = 0; i < next.tags.size(); ++i) {
    ab::Tag t = next.tags[i];
    if (!next.tagHasColor[i])
      if (auto old = tx.tag(t.name))
        t.color = old->color;
    keepTags.insert(t.name);
    tx.putTag(t);
  }
  size_t tagsDropped = 0;
  for (const ab::Tag &t : tx.tags())
    if (!keepTags.count(t.name))
      tagsDropped += tx.deleteTag(t.name) ? 1 : 0;

  // Peers: fields a legacy peer does not carry (note, same_server) survive
  // for peers that stay.
  std::set<std::string> keepPeers;
  size_t added = 0, updated = 0, dropped = 0;
  std::map<std::string, json> stored;
  for (auto &[id, data] : tx.peers())
    stored.emplace(id, std::move(data));
  for (const ab::PeerInput &p : next.peers) {
    keepPeers.insert(p.id);
    auto it = stored.find(p.id);
    json merged = ab::mergePeer(it != stored.end() ? it->second : json::object(), p.fields);
    if (it == stored.end()) {
      ++added;
      tx.putPeerKnown(p.id, std::nullopt, merged);
    } else if (merged != it->second) {
      ++updated;
      tx.putPeerKnown(p.id, it->second, merged);
    }
  }
  for (const auto &[id, data] : stored)
    if (!keepPeers.count(id))
      dropped += tx.deletePeer(id) ? 1 : 0;

  tx.commit("legacy.replace", "replaced the book: " + std::to_string(added) + " peer(s) added, " +
                                  std::to_string(updated) + " changed, " + std::to_string(dropped) +
                                  " removed; " + std::to_string(tagsDropped) + " tag(s) removed");
  // 200 with an empty body: the client's success (§2.20).
}

} // namespace ablegacy
