// Peers of a book: the paginated pull and the three mutations. Mutations
// answer 200 with an EMPTY body (client-truth §0 B1): the SDK's default reply.
#include "handlers.h"
#include "request.h"

#include "book_tx.h"
#include "rules.h"

#include <rdconsole/json.hpp>

namespace abshared {

using nlohmann::json;

namespace {

std::string fieldList(const json &fields) {
  std::string s;
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (!s.empty())
      s += ", ";
    s += it.key();
  }
  return s.empty() ? "nothing" : s;
}

} // namespace

void handlePeers(rdc::Exchange &ex) {
  ab::Caller caller = ab::callerFor(userIdOf(ex));
  auto guid = ex.query("ab");
  if (!guid || guid->empty())
    throw rdc::HttpError(400, "Query parameter 'ab' (the address book guid) is required");
  Page page = pageOf(ex);
  rdc::Db db = rdc::Db::acquire();
  ab::Grant g = ab::openBook(db, *guid, caller, ab::kRead);
  ab::PeerPage peers = ab::loadPeerPage(db, g.book.id, page.offset(), page.pageSize);
  json data = json::array();
  for (const auto &[id, stored] : peers.rows)
    data.push_back(ab::peerForShared(id, stored, g.book.kind));
  rdc::replyJson(ex, 200, json{{"total", peers.total}, {"data", std::move(data)}});
}

void handlePeerAdd(rdc::Exchange &ex) {
  ab::Caller caller = ab::callerFor(userIdOf(ex));
  ab::Actor actor = ab::actorOf(ex, "ab-shared"); // before the lease (see rules.h)
  std::string guid = guidOf(ex);
  json body = rdc::parseJsonObject(ex.body());
  rdc::Db db = rdc::Db::acquire();
  ab::Grant g = ab::openBook(db, guid, caller, ab::kReadWrite);
  ab::PeerInput in = ab::parsePeer(body, g.book.kind, ab::limits());
  ab::BookTx tx(db, g.book, actor);
  std::optional<json> existing = tx.peer(in.id);
  int64_t max = ab::limits().maxPeersPerBook;
  if (!existing && max > 0 && tx.peerCount() >= max)
    throw rdc::HttpError(400,
                         "The address book is full (at most " + std::to_string(max) + " peers)");
  // Adding an id that is already there merges, so a retried or racing add
  // never duplicates a peer or drops its fields.
  tx.putPeer(in.id, ab::mergePeer(existing.value_or(json::object()), in.fields));
  tx.commit(existing ? "peer.update" : "peer.add",
            (existing ? "updated peer " : "added peer ") + in.id);
}

void handlePeerUpdate(rdc::Exchange &ex) {
  ab::Caller caller = ab::callerFor(userIdOf(ex));
  ab::Actor actor = ab::actorOf(ex, "ab-shared"); // before the lease (see rules.h)
  std::string guid = guidOf(ex);
  json body = rdc::parseJsonObject(ex.body());
  rdc::Db db = rdc::Db::acquire();
  ab::Grant g = ab::openBook(db, guid, caller, ab::kReadWrite);
  ab::PeerInput in = ab::parsePeer(body, g.book.kind, ab::limits());
  ab::BookTx tx(db, g.book, actor);
  std::optional<json> existing = tx.peer(in.id);
  if (!existing)
    throw rdc::HttpError(404, "Peer not found");
  tx.putPeer(in.id, ab::mergePeer(*existing, in.fields));
  tx.commit("peer.update", "updated peer " + in.id + ": " + fieldList(in.fields));
}

void handlePeerDelete(rdc::Exchange &ex) {
  ab::Caller caller = ab::callerFor(userIdOf(ex));
  ab::Actor actor = ab::actorOf(ex, "ab-shared"); // before the lease (see rules.h)
  std::string guid = guidOf(ex);
  std::vector<std::string> ids = parseStringArray(ex.body(), "peer ids", ab::kMaxIdBytes);
  rdc::Db db = rdc::Db::acquire();
  ab::Grant g = ab::openBook(db, guid, caller, ab::kReadWrite);
  ab::BookTx tx(db, g.book, actor);
  size_t deleted = 0;
  for (const std::string &id : ids)
    deleted += tx.deletePeer(id) ? 1 : 0;
  tx.commit("peer.delete", "deleted " + std::to_string(deleted) + " peer(s)");
}

} // namespace abshared
