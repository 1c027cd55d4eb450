#include "app/DbCopy.h"

#include "app/Runtime.h"
#include "auth/Passwords.h"
#include "auth/Tokens.h"
#include "auth/Users.h"
#include "db/CoreSchema.h"
#include "db/Migrations.h"
#include "events/EventBus.h"
#include "modules/Host.h"
#include "modules/ModuleLoader.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <system_error>

namespace rdc::app {
namespace {

// Rows per INSERT statement, and the most parameters one may carry
// (PostgreSQL's protocol allows 65535): one round trip per batch instead of
// one per row. A batch is also sent once it buffers this many bytes, so rows
// with large blobs do not pile up in memory.
constexpr size_t kBatchRows = 500;
constexpr size_t kMaxParams = 30000;
constexpr size_t kBatchBytes = 4 * 1024 * 1024;

// A double-quoted SQL identifier (both engines read "..." the same way).
std::string ident(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"')
      out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char &c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string rowsText(int64_t n) {
  return std::to_string(n) + (n == 1 ? " row" : " rows");
}

int64_t scalarInt(db::Connection &c, const std::string &sql) {
  auto st = c.prepare(sql);
  if (st->step() != db::Step::Row)
    throw CopyError("no result from: " + sql);
  return st->columnInt(0);
}

// A deferred read transaction on SQLite: the snapshot starts at the first
// read and stays fixed while a server on the same file keeps committing
// (WAL). Connection::begin() would take the write lock (BEGIN IMMEDIATE) and
// block that server's writers for the whole copy.
class ReadSnapshot {
public:
  explicit ReadSnapshot(db::Connection &c) : c_(c) { c_.execScript("BEGIN DEFERRED"); }
  ~ReadSnapshot() {
    try {
      c_.rollback();
    } catch (...) {
      // Nothing was written; the connection is discarded by its owner.
    }
  }
  ReadSnapshot(const ReadSnapshot &) = delete;
  ReadSnapshot &operator=(const ReadSnapshot &) = delete;

private:
  db::Connection &c_;
};

// --- the source ----------------------------------------------------------------

struct SourceTable {
  std::string name;
  std::vector<std::string> columns;
  std::set<std::string> parents; // lower-cased names of referenced tables
  bool hasRowid = true;
};

std::vector<std::string> namesFrom(db::Connection &c, const std::string &sql,
                                   std::optional<std::string> arg = std::nullopt) {
  auto st = c.prepare(sql);
  if (arg)
    st->bindText(1, *arg);
  std::vector<std::string> out;
  while (st->step() == db::Step::Row)
    out.emplace_back(st->columnText(0));
  return out;
}

bool sourceHasRowid(db::Connection &c, const std::string &table) {
  // A WITHOUT ROWID table refuses to compile a statement naming rowid.
  try {
    c.prepare("SELECT rowid FROM " + ident(table) + " LIMIT 0");
    return true;
  } catch (const db::DbError &) {
    return false;
  }
}

std::vector<SourceTable> readSourceTables(db::Connection &c) {
  const auto names = namesFrom(c, "SELECT name FROM sqlite_schema WHERE type = 'table' "
                                  "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name");
  if (std::find(names.begin(), names.end(), "rdc_migrations") == names.end())
    throw CopyError("the SQLite database is not an rdconsole database (it has no rdc_migrations "
                    "table)");
  std::vector<SourceTable> tables;
  for (const auto &name : names) {
    if (name == "rdc_migrations")
      continue; // the target keeps its own ledger, written by its migrations
    SourceTable t;
    t.name = name;
    t.columns = namesFrom(c, "SELECT name FROM pragma_table_info(?) ORDER BY cid", name);
    for (const auto &parent :
         namesFrom(c, "SELECT \"table\" FROM pragma_foreign_key_list(?)", name))
      t.parents.insert(lower(parent));
    t.hasRowid = sourceHasRowid(c, name);
    tables.push_back(std::move(t));
  }
  return tables;
}

// Parents before children, else by name. A self-reference is no ordering
// constraint (rows are copied in rowid order, so a parent row usually comes
// first); a cycle between tables cannot be ordered.
std::vector<SourceTable> parentsFirst(std::vector<SourceTable> tables) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < tables.size(); ++i)
    index.emplace(lower(tables[i].name), i);
  std::vector<int> mark(tables.size(), 0); // 1 visiting, 2 done
  std::vector<SourceTable> out;
  std::function<void(size_t)> visit = [&](size_t i) {
    if (mark[i] == 2)
      return;
    if (mark[i] == 1)
      throw CopyError("the foreign keys of table '" + tables[i].name +
                      "' form a cycle with other tables; the copy cannot order them");
    mark[i] = 1;
    for (const auto &parent : tables[i].parents) {
      auto it = index.find(parent);
      if (it != index.end() && it->second != i)
        visit(it->second);
    }
    mark[i] = 2;
    out.push_back(tables[i]);
  };
  for (size_t i = 0; i < tables.size(); ++i)
    visit(i);
  return out;
}

// --- the migration ledgers -----------------------------------------------------

using Ledger = std::map<std::string, std::map<int64_t, std::string>>; // module → version → checksum

Ledger readLedger(db::Connection &c) {
  Ledger out;
  auto st = c.prepare("SELECT module, version, checksum FROM rdc_migrations");
  while (st->step() == db::Step::Row)
    out[std::string(st->columnText(0))][st->columnInt(1)] = std::string(st->columnText(2));
  return out;
}

std::string versionOf(const std::map<int64_t, std::string> &versions) {
  return versions.empty() ? "none" : "v" + std::to_string(versions.rbegin()->first);
}

// Every module the source knows must be at exactly the same migrations in
// the target (modules only the target knows have empty tables: fine).
void compareLedgers(const Ledger &source, const Ledger &target) {
  for (const auto &[module, versions] : source) {
    auto it = target.find(module);
    if (it == target.end())
      throw CopyError("module '" + module + "' has schema " + versionOf(versions) +
                      " in the SQLite database but none in PostgreSQL: it is not installed in "
                      "modules.dir, is disabled, or failed to load (see the log above)");
    if (it->second == versions)
      continue;
    std::string why;
    for (const auto &[version, checksum] : versions) {
      auto t = it->second.find(version);
      if (t != it->second.end() && t->second != checksum) {
        why = "; migration v" + std::to_string(version) + " differs (checksum)";
        break;
      }
    }
    throw CopyError("module '" + module + "' has schema " + versionOf(versions) +
                    " in the SQLite database but " + versionOf(it->second) + " in PostgreSQL" +
                    why +
                    ": copy with the rdconsole version that wrote the SQLite database, or start "
                    "this version on it once so it migrates, then copy");
  }
}

// --- the target ----------------------------------------------------------------

struct TargetTable {
  std::string name;                    // as PostgreSQL spells it
  std::vector<std::string> columns;    // in the source's column order
  std::vector<std::string> identities; // columns fed by a sequence
};

// Lower-cased name → name, in the current schema: unquoted names in the
// migrations are folded to lower case by PostgreSQL, kept as written by SQLite.
std::map<std::string, std::string> targetTableNames(db::Connection &c) {
  std::map<std::string, std::string> out;
  for (auto &name : namesFrom(c, "SELECT table_name FROM information_schema.tables "
                                 "WHERE table_schema = current_schema() "
                                 "AND table_type = 'BASE TABLE'"))
    out.emplace(lower(name), name);
  return out;
}

bool hasRows(db::Connection &c, const std::string &table) {
  return scalarInt(c, "SELECT count(*) FROM (SELECT 1 FROM " + ident(table) + " LIMIT 1) t") > 0;
}

TargetTable targetTableFor(db::Connection &c, const SourceTable &src,
                           const std::map<std::string, std::string> &names) {
  auto it = names.find(lower(src.name));
  if (it == names.end())
    throw CopyError("table '" + src.name +
                    "' of the SQLite database does not exist in PostgreSQL: the module that owns "
                    "it is not installed in modules.dir (or is disabled)");
  TargetTable t;
  t.name = it->second;
  std::map<std::string, std::string> columns;
  for (auto &col : namesFrom(c,
                             "SELECT column_name FROM information_schema.columns "
                             "WHERE table_schema = current_schema() AND table_name = ?",
                             t.name))
    columns.emplace(lower(col), col);
  for (const auto &col : src.columns) {
    auto found = columns.find(lower(col));
    if (found == columns.end())
      throw CopyError("column '" + col + "' of table '" + src.name +
                      "' does not exist in PostgreSQL");
    t.columns.push_back(found->second);
  }
  t.identities = namesFrom(c,
                           "SELECT column_name FROM information_schema.columns "
                           "WHERE table_schema = current_schema() AND table_name = ? "
                           "AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')",
                           t.name);
  return t;
}

// --- copying rows --------------------------------------------------------------

struct Value {
  db::ColumnType type = db::ColumnType::Null;
  int64_t i = 0;
  double d = 0;
  std::string bytes; // text or blob
};

std::string insertSql(const TargetTable &t, size_t rows) {
  std::string columns, one;
  for (size_t c = 0; c < t.columns.size(); ++c) {
    columns += (c ? ", " : "") + ident(t.columns[c]);
    one += c ? ", ?" : "(?";
  }
  one += ")";
  std::string sql = "INSERT INTO " + ident(t.name) + " (" + columns + ") VALUES ";
  for (size_t r = 0; r < rows; ++r)
    sql += (r ? ", " : "") + one;
  return sql;
}

// Binds each value with its SQLite storage type, so an INTEGER stays a 64-bit
// integer, a REAL keeps all its bits, a BLOB its NUL bytes, NULL stays NULL.
void bindValue(db::Statement &st, int idx, const Value &v) {
  switch (v.type) {
  case db::ColumnType::Null:
    st.bindNull(idx);
    break;
  case db::ColumnType::Int:
    st.bindInt(idx, v.i);
    break;
  case db::ColumnType::Real:
    st.bindDouble(idx, v.d);
    break;
  case db::ColumnType::Text:
    st.bindText(idx, v.bytes);
    break;
  case db::ColumnType::Blob:
    st.bindBlob(idx, v.bytes);
    break;
  }
}

Value valueAt(db::Statement &st, int col) {
  Value v;
  v.type = st.columnType(col);
  switch (v.type) {
  case db::ColumnType::Int:
    v.i = st.columnInt(col);
    break;
  case db::ColumnType::Real:
    v.d = st.columnDouble(col);
    break;
  case db::ColumnType::Text:
  case db::ColumnType::Blob:
    v.bytes = std::string(st.columnText(col));
    break;
  case db::ColumnType::Null:
    break;
  }
  return v;
}

int64_t copyRows(db::Connection &source, db::Connection &target, const SourceTable &src,
                 const TargetTable &dst) {
  const size_t width = src.columns.size();
  const size_t batchRows = std::max<size_t>(1, std::min(kBatchRows, kMaxParams / width));
  std::string select = "SELECT ";
  for (size_t c = 0; c < width; ++c)
    select += (c ? ", " : "") + ident(src.columns[c]);
  select += " FROM " + ident(src.name) + (src.hasRowid ? " ORDER BY rowid" : "");

  auto read = source.prepare(select);
  std::unique_ptr<db::Statement> full; // the statement for a whole batch, prepared once
  std::vector<Value> pending;
  size_t pendingBytes = 0;
  int64_t copied = 0;
  auto flush = [&] {
    const size_t rows = pending.size() / width;
    if (rows == 0)
      return;
    std::unique_ptr<db::Statement> partial;
    db::Statement *st = nullptr;
    if (rows == batchRows) {
      if (!full)
        full = target.prepare(insertSql(dst, batchRows));
      st = full.get();
    } else {
      partial = target.prepare(insertSql(dst, rows));
      st = partial.get();
    }
    for (size_t i = 0; i < pending.size(); ++i)
      bindValue(*st, static_cast<int>(i) + 1, pending[i]);
    while (st->step() == db::Step::Row) {
    }
    if (st->changes() != static_cast<int64_t>(rows))
      throw CopyError("table '" + src.name + "': " + std::to_string(st->changes()) + " of " +
                      std::to_string(rows) + " rows were inserted");
    copied += static_cast<int64_t>(rows);
    pending.clear();
    pendingBytes = 0;
  };
  while (read->step() == db::Step::Row) {
    for (size_t c = 0; c < width; ++c) {
      pending.push_back(valueAt(*read, static_cast<int>(c)));
      pendingBytes += pending.back().bytes.size();
    }
    if (pending.size() / width >= batchRows || pendingBytes >= kBatchBytes)
      flush();
  }
  flush();
  return copied;
}

// So the next row inserted without an id gets one above every copied id.
void advanceSequences(db::Connection &target, const TargetTable &t) {
  for (const auto &col : t.identities) {
    auto max = target.prepare("SELECT max(" + ident(col) + ") FROM " + ident(t.name));
    if (max->step() != db::Step::Row || max->columnType(0) == db::ColumnType::Null)
      continue;
    const int64_t top = max->columnInt(0);
    max.reset();
    if (top < 1)
      continue; // the sequence starts at 1, above every copied id already
    auto set = target.prepare("SELECT setval(CAST(pg_get_serial_sequence(?, ?) AS regclass), ?)");
    set->bindText(1, ident(t.name)); // parsed as a (possibly qualified) name
    set->bindText(2, col);           // taken literally
    set->bindInt(3, top);
    while (set->step() == db::Step::Row) {
    }
  }
}

std::string targetDescription(db::Pool &pool) {
  auto lease = pool.acquire();
  auto st = lease->prepare("SELECT current_database(), current_schema(), current_user");
  if (st->step() != db::Step::Row)
    return "PostgreSQL";
  return fmt::format("PostgreSQL database '{}' (schema {}) as user '{}'", st->columnText(0),
                     st->columnText(1), st->columnText(2));
}

} // namespace

std::vector<TableCopy> copyDatabase(db::Connection &source, db::Pool &target,
                                    const SchemaPreparer &prepareSchema) {
  if (source.engine() != "sqlite")
    throw CopyError("the source of the copy must be a SQLite database");
  if (target.engine() != "postgresql")
    throw CopyError("the target of the copy must be a PostgreSQL database");

  ReadSnapshot snapshot(source);
  const auto tables = parentsFirst(readSourceTables(source));
  const Ledger sourceLedger = readLedger(source);

  // Before anything is written: the copy never merges into existing data.
  {
    auto lease = target.acquire();
    const auto names = targetTableNames(*lease);
    for (const auto &t : tables) {
      auto it = names.find(lower(t.name));
      if (it != names.end() && hasRows(*lease, it->second))
        throw CopyError("target table " + it->second +
                        " is not empty; the copy needs an empty database");
    }
  } // the lease goes back: the migrations take their own

  prepareSchema(target);

  auto lease = target.acquire();
  compareLedgers(sourceLedger, readLedger(*lease));
  const auto names = targetTableNames(*lease);
  std::vector<TargetTable> targets;
  for (const auto &t : tables)
    targets.push_back(targetTableFor(*lease, t, names));

  std::vector<TableCopy> report(tables.size());
  db::Transaction tx(*lease);
  if (!targets.empty()) {
    // No other session writes these tables until the copy commits (readers
    // may go on); an instance started on the target too early waits here.
    std::string lock = "LOCK TABLE ";
    for (size_t i = 0; i < targets.size(); ++i)
      lock += (i ? ", " : "") + ident(targets[i].name);
    lease->execScript(lock + " IN EXCLUSIVE MODE");
  }
  // The tables were empty before the migrations ran, so rows in them now
  // were seeded by a migration; the source went through the same migration,
  // so its rows replace them. Children first, for the foreign keys.
  for (size_t i = targets.size(); i-- > 0;) {
    auto del = lease->prepare("DELETE FROM " + ident(targets[i].name));
    while (del->step() == db::Step::Row) {
    }
    report[i].seededRows = del->changes();
  }
  for (size_t i = 0; i < tables.size(); ++i) {
    report[i].table = targets[i].name;
    try {
      report[i].rows = copyRows(source, *lease, tables[i], targets[i]);
      advanceSequences(*lease, targets[i]);
    } catch (const db::DbError &e) {
      throw CopyError("cannot copy table " + tables[i].name + ": " + e.what());
    }
  }
  for (size_t i = 0; i < tables.size(); ++i) {
    const int64_t want = scalarInt(source, "SELECT count(*) FROM " + ident(tables[i].name));
    const int64_t got = scalarInt(*lease, "SELECT count(*) FROM " + ident(targets[i].name));
    if (want != got || got != report[i].rows)
      throw CopyError("table " + tables[i].name + " holds " + rowsText(want) +
                      " in the SQLite database but " + rowsText(got) +
                      " in PostgreSQL after the copy; nothing was committed");
  }
  tx.commit();
  return report;
}

void copyToPostgresql(const Config &cfg, const std::filesystem::path &exeDir, std::ostream &out) {
  const std::filesystem::path sourceFile = sqlitePathFrom(cfg, cfg.dataDir());
  std::error_code ec;
  if (!std::filesystem::is_regular_file(sourceFile, ec))
    throw CopyError("the SQLite database " + sourceFile.string() +
                    " does not exist; set data_dir (or db.sqlite.path) to where the server keeps "
                    "it");
  auto source = sqliteFrom(cfg, cfg.dataDir())();
  auto target = poolFrom(cfg, postgresFrom(cfg));
  out << "source: SQLite database " << sourceFile.string() << "\n";
  out << "target: " << targetDescription(*target) << "\n" << std::flush;

  // The modules run init and their migrations only, against the target: the
  // host services they could reach stand on the target pool.
  auth::PasswordHasher hasher;
  auth::UserStore users(*target, hasher);
  auth::TokenService tokens(*target, users, std::chrono::hours(24), std::chrono::seconds(0));
  auth::GroupStore groups(*target);
  auth::DeviceStore devices(*target);
  auth::DeviceGroupStore deviceGroups(*target);
  auth::ApiTokenStore apiTokens(*target);
  events::EventBus bus;
  modules::Host host{cfg, *target, users, tokens, bus, groups, devices, deviceGroups, apiTokens};
  modules::LoaderOptions opts;
  opts.dir = cfg.modulesDir(exeDir);
  opts.disabled = cfg.getList("modules.disabled");
  modules::ModuleLoader loader(&host, opts);

  const auto copied = copyDatabase(*source, *target, [&](db::Pool &pool) {
    {
      auto lease = pool.acquire();
      db::migrate(*lease, "core", db::coreMigrations());
    }
    loader.prepareSchemas();
    std::string prepared = "core";
    for (const auto &m : loader.modules()) {
      const std::string name =
          m->name.empty() ? std::filesystem::path(m->file).filename().string() : m->name;
      if (m->state == modules::ModuleState::Initialized)
        prepared += ", " + name + " " + m->version;
      else
        out << "not migrated: module " << name << " (" << m->reason << ")\n";
    }
    out << "target schema: " << prepared << "\n" << std::flush;
  });

  int64_t total = 0;
  for (const auto &t : copied) {
    out << t.table << ": " << rowsText(t.rows);
    if (t.seededRows > 0)
      out << " (replacing " << rowsText(t.seededRows) << " its migrations had seeded)";
    out << "\n";
    total += t.rows;
  }
  out << "copied " << rowsText(total) << " in " << copied.size()
      << " table(s); row counts verified, id sequences advanced. Start rdconsole with "
         "db.engine=postgresql to use it.\n";
}

} // namespace rdc::app
