#include "strategies.h"

#include <rdconsole/json.hpp>

#include <stdexcept>

namespace agent {

void addStrategySchema() {
  // agent_strategy_clock: one row; every strategy edit and every assignment
  // change takes the next revision from it (max(now, last + 1), so they read
  // as millisecond timestamps and are unique across instances). A device's
  // stamp is max(strategy revision, assignment revision): two different
  // effective strategies never share a stamp.
  // agent_strategy_assignments.target: the device id, or the decimal id of
  // the user / device group (core ids, never reused).
  rdc::addMigration(2, R"sql(
CREATE TABLE agent_strategy_clock (
  k INTEGER PRIMARY KEY CHECK (k = 1),
  revision INTEGER NOT NULL
);
CREATE TABLE agent_strategies (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL UNIQUE,
  options TEXT NOT NULL DEFAULT '{}',
  revision INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE agent_strategy_assignments (
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  strategy_id INTEGER NOT NULL REFERENCES agent_strategies(id) ON DELETE CASCADE,
  revision INTEGER NOT NULL,
  PRIMARY KEY (kind, target)
);
CREATE INDEX agent_strategy_assignments_strategy ON agent_strategy_assignments (strategy_id)
)sql");
  // agent_strategy_keys: every option key any strategy ever set, kept after
  // the key is unset or its strategy deleted. Deliveries reset the known keys
  // a strategy lacks, so a device never keeps an option from a strategy that
  // no longer applies to it.
  rdc::addMigration(4, R"sql(
CREATE TABLE agent_strategy_keys (
  name TEXT PRIMARY KEY
)
)sql");
}

const char *targetKindName(TargetKind k) {
  switch (k) {
  case TargetKind::Device:
    return "device";
  case TargetKind::User:
    return "user";
  case TargetKind::DeviceGroup:
    return "device-group";
  }
  return "device";
}

namespace {

std::optional<TargetKind> kindFromName(std::string_view s) {
  if (s == "device")
    return TargetKind::Device;
  if (s == "user")
    return TargetKind::User;
  if (s == "device-group")
    return TargetKind::DeviceGroup;
  return std::nullopt;
}

// Valid UTF-8 (no overlongs, surrogates or code points above U+10FFFF) and no
// control characters.
bool cleanUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f)
      return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
    if (n == 0 || c > 0xf4 || i + n > s.size())
      return false;
    uint32_t cp = c & (0xff >> (n + 1));
    for (size_t k = 1; k < n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80)
        return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0x80 && cp <= 0x9f))
      return false;
    i += n;
  }
  return true;
}

std::string nameKey(std::string_view name) {
  std::string k(name);
  for (char &c : k)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return k;
}

int64_t nextRevision(rdc::Db &db, int64_t nowMs) {
  // An upsert (the row appears with the first change), atomic on both engines.
  rdc::Stmt st = db.prepare(
      "INSERT INTO agent_strategy_clock (k, revision) VALUES (1, ?) ON CONFLICT (k) DO UPDATE"
      " SET revision = CASE WHEN excluded.revision > agent_strategy_clock.revision"
      " THEN excluded.revision ELSE agent_strategy_clock.revision + 1 END RETURNING revision");
  st.bind(1, nowMs);
  if (!st.step())
    throw std::runtime_error("the strategy clock returned no revision");
  return st.getInt(0);
}

StrategyOptions parseOptions(std::string_view text) {
  StrategyOptions out;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object())
    return out;
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.value().is_string())
      out[it.key()] = it.value().get<std::string>();
  return out;
}

std::string dumpOptions(const StrategyOptions &o) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto &[k, v] : o)
    j[k] = v;
  return rdc::jsonDump(j);
}

Strategy strategyFrom(rdc::Stmt &st) {
  return Strategy{st.getInt(0), st.getText(1), parseOptions(st.getView(2)), st.getInt(3)};
}

} // namespace

std::string strategyNameProblem(std::string_view name) {
  if (name.empty())
    return "a strategy name must not be empty";
  if (name.size() > 256 || !cleanUtf8(name))
    return "a strategy name is at most 64 characters of UTF-8 without control characters";
  size_t chars = 0;
  for (unsigned char c : name)
    chars += (c & 0xc0) != 0x80;
  if (chars > 64)
    return "a strategy name is at most 64 characters of UTF-8 without control characters";
  if (name.front() == ' ' || name.back() == ' ')
    return "a strategy name must not start or end with a space";
  return "";
}

std::string optionProblem(std::string_view key, std::string_view value) {
  if (key.empty() || key.size() > 128)
    return "an option name is 1-128 characters";
  for (char c : key)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_' || c == '.'))
      return "option name '" + std::string(key) + "' may hold only letters, digits, '-', '_', '.'";
  if (value.size() > 4096 || !cleanUtf8(value))
    return "the value of option '" + std::string(key) +
           "' must be at most 4096 bytes of UTF-8 without control characters";
  return "";
}

std::optional<Strategy> findStrategy(rdc::Db &db, std::string_view name) {
  if (!strategyNameProblem(name).empty())
    return std::nullopt; // cannot exist (and PostgreSQL refuses bad UTF-8)
  rdc::Stmt st =
      db.prepare("SELECT id, name, options, revision FROM agent_strategies WHERE name_key = ?");
  st.bind(1, nameKey(name));
  if (!st.step())
    return std::nullopt;
  return strategyFrom(st);
}

std::vector<Strategy> listStrategies(rdc::Db &db) {
  rdc::Stmt st =
      db.prepare("SELECT id, name, options, revision FROM agent_strategies ORDER BY name_key");
  std::vector<Strategy> out;
  while (st.step())
    out.push_back(strategyFrom(st));
  return out;
}

Strategy createStrategy(rdc::Db &db, std::string_view name, int64_t nowMs) {
  if (auto p = strategyNameProblem(name); !p.empty())
    throw std::invalid_argument(p);
  rdc::Transaction tx(db);
  if (findStrategy(db, name))
    throw std::invalid_argument("a strategy named '" + std::string(name) + "' already exists");
  int64_t rev = nextRevision(db, nowMs);
  rdc::Stmt st = db.prepare("INSERT INTO agent_strategies (name, name_key, options, revision,"
                            " created_at) VALUES (?, ?, '{}', ?, ?) RETURNING id");
  st.bind(1, name).bind(2, nameKey(name)).bind(3, rev).bind(4, nowMs);
  st.step();
  Strategy s{st.getInt(0), std::string(name), {}, rev};
  st = rdc::Stmt();
  tx.commit();
  return s;
}

void editStrategy(rdc::Db &db, std::string_view name,
                  const std::vector<std::pair<std::string, std::optional<std::string>>> &changes,
                  int64_t nowMs) {
  for (const auto &[key, value] : changes)
    if (auto p = optionProblem(key, value.value_or("")); !p.empty())
      throw std::invalid_argument(p);
  rdc::Transaction tx(db);
  auto s = findStrategy(db, name);
  if (!s)
    throw std::invalid_argument("no strategy named '" + std::string(name) + "'");
  for (const auto &[key, value] : changes) {
    if (value)
      s->options[key] = *value;
    else
      s->options.erase(key);
  }
  for (const auto &change : changes)
    if (change.second)
      db.exec("INSERT INTO agent_strategy_keys (name) VALUES (?) ON CONFLICT (name) DO NOTHING",
              change.first);
  int64_t rev = nextRevision(db, nowMs);
  db.exec("UPDATE agent_strategies SET options = ?, revision = ? WHERE id = ?",
          dumpOptions(s->options), rev, s->id);
  tx.commit();
}

bool deleteStrategy(rdc::Db &db, std::string_view name, int64_t nowMs) {
  rdc::Transaction tx(db);
  auto s = findStrategy(db, name);
  if (!s)
    return false;
  // Explicit (not only ON DELETE CASCADE): the foreign keys of a module's
  // tables are not guaranteed on every engine set-up.
  db.exec("DELETE FROM agent_strategy_assignments WHERE strategy_id = ?", s->id);
  db.exec("DELETE FROM agent_strategies WHERE id = ?", s->id);
  nextRevision(db, nowMs); // servers reload their copy
  tx.commit();
  return true;
}

bool assignStrategy(rdc::Db &db, TargetKind kind, std::string_view target,
                    std::string_view strategyName, int64_t nowMs) {
  rdc::Transaction tx(db);
  if (strategyName.empty()) {
    rdc::Stmt del = db.prepare("DELETE FROM agent_strategy_assignments WHERE kind = ? AND"
                               " target = ? RETURNING strategy_id");
    del.bind(1, targetKindName(kind)).bind(2, target);
    bool removed = del.step();
    del = rdc::Stmt();
    if (removed)
      nextRevision(db, nowMs);
    tx.commit();
    return true;
  }
  auto s = findStrategy(db, strategyName);
  if (!s)
    return false;
  rdc::Stmt cur = db.prepare(
      "SELECT strategy_id FROM agent_strategy_assignments WHERE kind = ? AND target = ?");
  cur.bind(1, targetKindName(kind)).bind(2, target);
  if (cur.step() && cur.getInt(0) == s->id)
    return true; // already so: keep the revision, nothing is re-delivered
  cur = rdc::Stmt();
  int64_t rev = nextRevision(db, nowMs);
  db.exec("INSERT INTO agent_strategy_assignments (kind, target, strategy_id, revision)"
          " VALUES (?, ?, ?, ?) ON CONFLICT (kind, target) DO UPDATE SET"
          " strategy_id = excluded.strategy_id, revision = excluded.revision",
          targetKindName(kind), target, s->id, rev);
  tx.commit();
  return true;
}

std::vector<Assignment> listAssignments(rdc::Db &db) {
  rdc::Stmt st = db.prepare("SELECT kind, target, strategy_id, revision FROM"
                            " agent_strategy_assignments ORDER BY kind, target");
  std::vector<Assignment> out;
  while (st.step()) {
    auto kind = kindFromName(st.getView(0));
    if (!kind)
      continue;
    out.push_back(Assignment{*kind, st.getText(1), st.getInt(2), st.getInt(3)});
  }
  return out;
}

void deviceChanged(rdc::Db &db, std::string_view deviceId, int64_t nowMs) {
  // Recorded as an already-delivered request: every instance's flusher sees
  // it (as it sees re-pins) and looks the device up again.
  db.exec("INSERT INTO agent_requests (device_id, kind, conn_id, created_at, delivered_at)"
          " VALUES (?, 'refresh', 0, ?, ?)",
          deviceId, nowMs, nowMs);
}

std::vector<std::string> knownOptionKeys(rdc::Db &db) {
  rdc::Stmt st = db.prepare("SELECT name FROM agent_strategy_keys ORDER BY name");
  std::vector<std::string> out;
  while (st.step())
    out.push_back(st.getText(0));
  return out;
}

int64_t strategyGeneration(rdc::Db &db) {
  rdc::Stmt st = db.prepare("SELECT revision FROM agent_strategy_clock WHERE k = 1");
  return st.step() ? st.getInt(0) : 0;
}

} // namespace agent
