#include "db/CoreSchema.h"

namespace rdc::db {

// Never edit an applied step (the ledger checksum refuses it); add a new one.
// An empty password_hash means the user cannot log in with a password (e.g.
// an account that only signs in through an identity provider).
const std::vector<Migration> &coreMigrations() {
  static const std::vector<Migration> migrations = {
      {1, R"sql(
CREATE TABLE core_users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL DEFAULT '',
  display_name TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  avatar TEXT NOT NULL DEFAULT '',
  status INTEGER NOT NULL DEFAULT 1,
  is_admin INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE core_tokens (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES core_users(id) ON DELETE CASCADE,
  device_id TEXT NOT NULL DEFAULT '',
  device_uuid TEXT NOT NULL DEFAULT '',
  device_os TEXT NOT NULL DEFAULT '',
  device_name TEXT NOT NULL DEFAULT '',
  client_ip TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX core_tokens_user_id ON core_tokens(user_id);
CREATE INDEX core_tokens_expires_at ON core_tokens(expires_at);
)sql"},
      // User groups (rdconsole group ...; modules read them through ABI 1.1).
      // name_key is the ASCII-lower-cased name: lookups ignore case.
      // AUTOINCREMENT: a deleted group's id is never handed out again, so
      // grants that modules keep by group id (address-book rules) can never
      // pass to a group created later.
      {2, R"sql(
CREATE TABLE core_user_groups (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL UNIQUE,
  note TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE TABLE core_user_group_members (
  group_id INTEGER NOT NULL REFERENCES core_user_groups(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES core_users(id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX core_user_group_members_user_id ON core_user_group_members(user_id);
)sql"},
      // The device registry (ABI 1.2): RustDesk ids with the uuid pinned at
      // first sight ('' = none pinned; the next uuid seen is pinned).
      // AUTOINCREMENT for the same reason as groups: a row id that modules
      // keep must never pass to a device registered later. device_group_id
      // gets its foreign key with the device groups; it stays NULL until then.
      {3, R"sql(
CREATE TABLE core_devices (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  rustdesk_id TEXT NOT NULL UNIQUE,
  uuid TEXT NOT NULL DEFAULT '',
  owner_user_id INTEGER REFERENCES core_users(id) ON DELETE SET NULL,
  device_group_id INTEGER,
  note TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX core_devices_owner_user_id ON core_devices(owner_user_id);
)sql"},
      // Device groups (rdconsole device-group ...; ABI 1.3), granted to users
      // and to user groups. name_key and AUTOINCREMENT as for user groups.
      // core_devices.device_group_id cannot get its foreign key (SQLite
      // cannot add one to an existing table): DeviceGroupStore::remove
      // releases a group's devices in the transaction that deletes it. Any
      // value the column holds yet points at no group (nothing could create
      // one before this step), and would come to mean the first groups
      // created now: it is cleared.
      {4, R"sql(
CREATE TABLE core_device_groups (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL UNIQUE,
  note TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE TABLE core_device_group_users (
  device_group_id INTEGER NOT NULL REFERENCES core_device_groups(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES core_users(id) ON DELETE CASCADE,
  PRIMARY KEY (device_group_id, user_id)
);
CREATE INDEX core_device_group_users_user_id ON core_device_group_users(user_id);
CREATE TABLE core_device_group_user_groups (
  device_group_id INTEGER NOT NULL REFERENCES core_device_groups(id) ON DELETE CASCADE,
  user_group_id INTEGER NOT NULL REFERENCES core_user_groups(id) ON DELETE CASCADE,
  PRIMARY KEY (device_group_id, user_group_id)
);
CREATE INDEX core_device_group_user_groups_user_group_id
  ON core_device_group_user_groups(user_group_id);
UPDATE core_devices SET device_group_id = NULL WHERE device_group_id IS NOT NULL;
CREATE INDEX core_devices_device_group_id ON core_devices(device_group_id);
)sql"},
      // API tokens (rdconsole api-token ...; ABI 1.4): long-lived tokens of
      // no user, each allowed what its scopes name (space-separated). Only
      // the SHA-256 of a token is kept. A revoked token stays listed and
      // keeps its name (the list says who could act, and who could once);
      // expires_at NULL = never. name_key and AUTOINCREMENT as for groups:
      // modules see the id.
      {5, R"sql(
CREATE TABLE core_api_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL UNIQUE,
  token_hash TEXT NOT NULL UNIQUE,
  scopes TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  last_used_at INTEGER,
  revoked_at INTEGER
);
)sql"},
  };
  return migrations;
}

} // namespace rdc::db
