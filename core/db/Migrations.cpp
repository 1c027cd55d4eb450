#include "db/Migrations.h"

#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>

namespace rdc::db {
namespace {

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string label(std::string_view module, int version) {
  return "migration " + std::string(module) + " v" + std::to_string(version);
}

// The declared list, sorted, after checking it is exactly 1..N.
std::vector<const Migration *> ordered(std::string_view module,
                                       const std::vector<Migration> &migrations) {
  std::vector<const Migration *> out;
  out.reserve(migrations.size());
  for (const auto &m : migrations)
    out.push_back(&m);
  std::sort(out.begin(), out.end(),
            [](const Migration *a, const Migration *b) { return a->version < b->version; });
  for (size_t i = 0; i < out.size(); ++i) {
    const int expected = static_cast<int>(i) + 1;
    if (out[i]->version != expected)
      throw MigrationError("migrations of module '" + std::string(module) +
                           "' must be numbered 1, 2, 3 ... without gaps or duplicates; expected v" +
                           std::to_string(expected) + ", found v" +
                           std::to_string(out[i]->version));
  }
  return out;
}

std::map<int64_t, std::string> ledgerOf(Connection &c, std::string_view module) {
  std::map<int64_t, std::string> applied;
  auto st = c.prepare("SELECT version, checksum FROM rdc_migrations WHERE module = ?");
  st->bindText(1, module);
  while (st->step() == Step::Row)
    applied.emplace(st->columnInt(0), std::string(st->columnText(1)));
  return applied;
}

void checkUnchanged(std::string_view module, int version, const std::string &recorded,
                    const std::string &current) {
  if (recorded != current)
    throw MigrationError(label(module, version) +
                         " was changed after it was applied (checksum mismatch); restore the "
                         "original migration");
}

} // namespace

std::string sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 computation failed (OpenSSL)");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0f]);
  }
  return out;
}

int migrate(Connection &c, std::string_view module, const std::vector<Migration> &migrations) {
  if (module.empty())
    throw MigrationError("migrations need a module name");
  const auto list = ordered(module, migrations);
  const int known = static_cast<int>(list.size());

  {
    // Under the migration lock: on PostgreSQL two instances running CREATE
    // TABLE IF NOT EXISTS at the same moment can both try to create it.
    Transaction tx(c);
    c.lockForMigrations();
    exec(c, "CREATE TABLE IF NOT EXISTS rdc_migrations ("
            "module TEXT NOT NULL, version INTEGER NOT NULL, checksum TEXT NOT NULL, "
            "applied_at INTEGER NOT NULL, PRIMARY KEY (module, version))");
    tx.commit();
  }

  // Refuse before touching anything: an old binary on a newer schema, or an
  // applied step that was edited, would leave the schema in an unknown state.
  const auto applied = ledgerOf(c, module);
  if (!applied.empty() && applied.rbegin()->first > known)
    throw MigrationError("database schema of module '" + std::string(module) + "' is at version " +
                         std::to_string(applied.rbegin()->first) +
                         ", newer than this build knows (" + std::to_string(known) +
                         "); upgrade rdconsole");
  for (const Migration *m : list) {
    auto it = applied.find(m->version);
    if (it != applied.end())
      checkUnchanged(module, m->version, it->second, sha256Hex(m->sql));
  }

  int ran = 0;
  for (const Migration *m : list) {
    if (applied.count(m->version))
      continue;
    const std::string checksum = sha256Hex(m->sql);
    Transaction tx(c);     // BEGIN IMMEDIATE on SQLite: one migrator at a time
    c.lockForMigrations(); // the same on PostgreSQL (an advisory lock)
    // Another instance may have applied this step while we waited for the
    // write lock; its ledger row is then authoritative.
    auto st = c.prepare("SELECT checksum FROM rdc_migrations WHERE module = ? AND version = ?");
    st->bindText(1, module);
    st->bindInt(2, m->version);
    if (st->step() == Step::Row) {
      checkUnchanged(module, m->version, std::string(st->columnText(0)), checksum);
      continue; // the transaction rolls back (it changed nothing)
    }
    st.reset();
    try {
      c.execScript(m->sql);
    } catch (const DbError &e) {
      throw DbError(e.kind(), label(module, m->version) + " failed: " + e.what());
    }
    exec(c,
         "INSERT INTO rdc_migrations (module, version, checksum, applied_at) VALUES (?, ?, ?, ?)",
         {module, m->version, checksum, nowMs()});
    tx.commit();
    ++ran;
  }
  return ran;
}

} // namespace rdc::db
