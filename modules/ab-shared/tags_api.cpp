// Tags of a book: the pull (always a JSON array whose items carry an unsigned
// 32-bit colour, client-truth §0 B7) and the four mutations. Renames and
// deletes cascade into the peers' tag lists.
#include "handlers.h"
#include "request.h"

#include "book_tx.h"
#include "rules.h"

#include <rdconsole/json.hpp>

#include <algorithm>

namespace abshared {

using nlohmann::json;

namespace {

std::string tagName(const json &body, const char *key) {
  std::string name = rdc::requireString(body, key, ab::kMaxTagBytes);
  if (name.empty())
    throw rdc::HttpError(400, std::string("Field '") + key + "' must not be empty");
  return name;
}

uint32_t colorOf(const json &body) {
  auto it = body.find("color");
  if (it == body.end() || it->is_null())
    throw rdc::HttpError(400, "Field 'color' is required");
  return ab::parseColor(*it, "color");
}

// Rewrites every peer's tag list with `edit` (journaled per peer).
template <class Edit> void rewritePeerTags(ab::BookTx &tx, Edit edit) {
  for (auto &[id, stored] : tx.peers()) {
    std::vector<std::string> tags = ab::peerTags(stored);
    std::vector<std::string> next = edit(tags);
    if (next != tags) {
      stored["tags"] = next;
      tx.putPeer(id, stored);
    }
  }
}

} // namespace

void handleTags(rdc::Exchange &ex) {
  ab::Caller caller = ab::callerFor(userIdOf(ex));
  std::string guid = guidOf(ex);
  rdc::Db db = rdc::Db::acquire();
  ab::Grant g = ab::openBook(db, guid, caller, ab::kRead);
  json arr = json::array();
  for (const ab::Tag &t : ab::loadTags(db, g.book.id))
    arr.push_back(json{{"name", t.name}, {"color", t.color}});
  rdc::replyJson(ex, 200, arr);
}

void handleTagAdd(rdc::Exchange &ex) {
  ab::Caller caller = ab::callerFor(userIdOf(ex));
  ab::Actor actor = ab::actorOf(ex, "ab-shared"); // before the lease (see rules.h)
  std::string guid = guidOf(ex);
  json body = rdc::parseJsonObject(ex.body());
  std::string name = tagName(body, "name");
  uint32_t color = colorOf(body);
  rdc::Db db = rdc::Db::acquire();
  ab::Grant g = ab::openBook(db, guid, caller, ab::kReadWrite);
  ab::BookTx tx(db, g.book, actor);
  std::optional<ab::Tag> existing = tx.tag(name);
  if (existing) {
    existing->color = color;
    tx.putTag(*existing);
  } else {
    int64_t max = ab::limits().maxTagsPerBook;
    if (max > 0 && static_cast<int64_t>(tx.tags().size()) >= max)
      throw rdc::HttpError(400, "The address book has too many tags (at most " +
                                    std::to_string(max) + ")");
    tx.putTag(ab::Tag{name, color, tx.nextTagPosition()});
  }
  tx.commit("tag.add", "added tag " + name);
}

void handleTagRename(rdc::Exchange &ex) {
  ab::Caller caller = ab::callerFor(userIdOf(ex));
  ab::Actor actor = ab::actorOf(ex, "ab-shared"); // before the lease (see rules.h)
  std::string guid = guidOf(ex);
  json body = rdc::parseJsonObject(ex.body());
  std::string from = tagName(body, "old");
  std::string to = tagName(body, "new");
  rdc::Db db = rdc::Db::acquire();
  ab::Grant g = ab::openBook(db, guid, caller, ab::kReadWrite);
  ab::BookTx tx(db, g.book, actor);
  std::optional<ab::Tag> tag = tx.tag(from);
  if (!tag)
    throw rdc::HttpError(404, "Tag not found");
  if (from == to)
    return;
  if (tx.tag(to))
    throw rdc::HttpError(409, "A tag with the new name already exists");
  tx.deleteTag(from);
  tx.putTag(ab::Tag{to, tag->color, tag->position});
  rewritePeerTags(tx, [&](std::vector<std::string> tags) {
    std::vector<std::string> out;
    for (std::string &t : tags) {
      std::string n = t == from ? to : t;
      if (std::find(out.begin(), out.end(), n) == out.end())
        out.push_back(n);
    }
    return out;
  });
  tx.commit("tag.rename", "renamed tag " + from + " to " + to);
}

void handleTagUpdate(rdc::Exchange &ex) {
  ab::Caller caller = ab::callerFor(userIdOf(ex));
  ab::Actor actor = ab::actorOf(ex, "ab-shared"); // before the lease (see rules.h)
  std::string guid = guidOf(ex);
  json body = rdc::parseJsonObject(ex.body());
  std::string name = tagName(body, "name");
  uint32_t color = colorOf(body);
  rdc::Db db = rdc::Db::acquire();
  ab::Grant g = ab::openBook(db, guid, caller, ab::kReadWrite);
  ab::BookTx tx(db, g.book, actor);
  std::optional<ab::Tag> tag = tx.tag(name);
  if (!tag)
    throw rdc::HttpError(404, "Tag not found");
  tag->color = color;
  tx.putTag(*tag);
  tx.commit("tag.update", "changed the colour of tag " + name);
}

void handleTagDelete(rdc::Exchange &ex) {
  ab::Caller caller = ab::callerFor(userIdOf(ex));
  ab::Actor actor = ab::actorOf(ex, "ab-shared"); // before the lease (see rules.h)
  std::string guid = guidOf(ex);
  std::vector<std::string> names = parseStringArray(ex.body(), "tag names", ab::kMaxTagBytes);
  rdc::Db db = rdc::Db::acquire();
  ab::Grant g = ab::openBook(db, guid, caller, ab::kReadWrite);
  ab::BookTx tx(db, g.book, actor);
  size_t deleted = 0;
  for (const std::string &n : names)
    deleted += tx.deleteTag(n) ? 1 : 0;
  rewritePeerTags(tx, [&](std::vector<std::string> tags) {
    std::erase_if(tags, [&](const std::string &t) {
      return std::find(names.begin(), names.end(), t) != names.end();
    });
    return tags;
  });
  tx.commit("tag.delete", "deleted " + std::to_string(deleted) + " tag(s)");
}

} // namespace abshared
