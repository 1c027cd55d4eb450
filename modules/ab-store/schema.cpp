// ab-store's tables. Never edit an applied version: add a new one.
#include "schema.h"

#include <rdconsole/sdk.hpp>

namespace ab {

void addSchema() {
  // ab_books.name_key is unique: "personal:<user id>" (one personal book per
  // user) or "shared:<lower-case name>" (shared names never collide, so no
  // user ever sees two books of one name). info is a JSON object.
  // ab_rules.subject_kind: 1 user, 2 user group (core ids), 3 everyone (id 0).
  // ab_peers.data: the peer's fields as a JSON object (lib/peer.h).
  // ab_tags.color: unsigned 32-bit ARGB kept in a 64-bit integer.
  // ab_journal.changes: [{"t":"peer"|"tag","k":key,"b":before,"a":after}].
  rdc::addMigration(1, R"sql(
CREATE TABLE ab_books (
  id INTEGER PRIMARY KEY,
  guid TEXT NOT NULL UNIQUE,
  owner_id INTEGER NOT NULL,
  personal INTEGER NOT NULL,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL UNIQUE,
  note TEXT NOT NULL DEFAULT '',
  info TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX ab_books_owner_id ON ab_books (owner_id);
CREATE TABLE ab_rules (
  book_id INTEGER NOT NULL REFERENCES ab_books (id) ON DELETE CASCADE,
  subject_kind INTEGER NOT NULL,
  subject_id INTEGER NOT NULL,
  rule INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (book_id, subject_kind, subject_id)
);
CREATE INDEX ab_rules_subject ON ab_rules (subject_kind, subject_id);
CREATE TABLE ab_peers (
  book_id INTEGER NOT NULL REFERENCES ab_books (id) ON DELETE CASCADE,
  peer_id TEXT NOT NULL,
  data TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (book_id, peer_id)
);
CREATE TABLE ab_tags (
  book_id INTEGER NOT NULL REFERENCES ab_books (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  color INTEGER NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (book_id, name)
);
CREATE TABLE ab_journal (
  id INTEGER PRIMARY KEY,
  book_id INTEGER NOT NULL REFERENCES ab_books (id) ON DELETE CASCADE,
  at_ms INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  device_id TEXT NOT NULL DEFAULT '',
  via TEXT NOT NULL,
  action TEXT NOT NULL,
  summary TEXT NOT NULL,
  changes TEXT NOT NULL
);
CREATE INDEX ab_journal_book_id ON ab_journal (book_id, id)
)sql");
}

} // namespace ab
