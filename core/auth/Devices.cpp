#include "auth/Devices.h"

#include "auth/DeviceGroups.h"
#include "auth/Utf8.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace rdc::auth {
namespace {

// A concurrent operator unpin can undo a pin between its two statements;
// this many rounds settle any realistic interleaving.
constexpr int kPinAttempts = 4;

const char *const kColumns = "id, rustdesk_id, uuid, owner_user_id, device_group_id, note, "
                             "created_at, updated_at";
constexpr int kColumnCount = 8;

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void check(const std::string &problem) {
  if (!problem.empty())
    throw std::invalid_argument(problem);
}

// Columns in the order of kColumns; NULL owner/group read as 0.
Device readDevice(db::Statement &st) {
  Device d;
  d.rowId = st.columnInt(0);
  d.id = std::string(st.columnText(1));
  d.uuid = std::string(st.columnText(2));
  d.ownerUserId = st.columnInt(3);
  d.deviceGroupId = st.columnInt(4);
  d.note = std::string(st.columnText(5));
  d.createdAtMs = st.columnInt(6);
  d.updatedAtMs = st.columnInt(7);
  return d;
}

std::optional<Device> selectDevice(db::Connection &c, std::string_view id) {
  auto st =
      c.prepare(std::string("SELECT ") + kColumns + " FROM core_devices WHERE rustdesk_id = ?");
  st->bindText(1, id);
  if (st->step() != db::Step::Row)
    return std::nullopt;
  return readDevice(*st);
}

// The row a RETURNING statement gave back, if any (run to completion).
std::optional<Device> returned(db::Statement &st) {
  std::optional<Device> out;
  if (st.step() == db::Step::Row) {
    out = readDevice(st);
    while (st.step() == db::Step::Row) {
    }
  }
  return out;
}

// Inserts the device with `uuid` pinned, or pins `uuid` when a row appeared
// meanwhile without one, in one statement (so two instances cannot both
// pin). The row comes back only when this statement inserted or pinned it.
std::optional<Device> insertOrPin(db::Connection &c, std::string_view id, std::string_view uuid) {
  const int64_t now = nowMs();
  auto st = c.prepare(std::string("INSERT INTO core_devices (rustdesk_id, uuid, created_at, "
                                  "updated_at) VALUES (?, ?, ?, ?) "
                                  "ON CONFLICT (rustdesk_id) DO UPDATE SET uuid = excluded.uuid, "
                                  "updated_at = excluded.updated_at "
                                  "WHERE core_devices.uuid = '' RETURNING ") +
                      kColumns);
  db::bindAll(*st, {id, uuid, now, now});
  return returned(*st);
}

// Pins `uuid` to a known unpinned device. A plain UPDATE, not the upsert:
// on PostgreSQL every INSERT attempt uses up an id even when it conflicts.
std::optional<Device> pinUnpinned(db::Connection &c, std::string_view id, std::string_view uuid) {
  auto st = c.prepare(std::string("UPDATE core_devices SET uuid = ?, updated_at = ? "
                                  "WHERE rustdesk_id = ? AND uuid = '' RETURNING ") +
                      kColumns);
  db::bindAll(*st, {uuid, nowMs(), id});
  return returned(*st);
}

} // namespace

std::string deviceIdProblem(std::string_view id) {
  return textProblem("Device id", id, kMaxDeviceIdBytes, false);
}

std::string deviceUuidProblem(std::string_view uuid, bool allowEmpty) {
  return textProblem("Device uuid", uuid, kMaxDeviceUuidBytes, allowEmpty);
}

std::string deviceNoteProblem(std::string_view note) {
  return textProblem("Device note", note, kMaxDeviceNoteBytes, true);
}

DeviceStore::DeviceStore(db::Pool &pool) : pool_(pool) {}

std::optional<Device> DeviceStore::get(std::string_view id) {
  check(deviceIdProblem(id));
  auto conn = pool_.acquire();
  return selectDevice(*conn, id);
}

PinResult DeviceStore::pin(std::string_view id, std::string_view uuid) {
  check(deviceIdProblem(id));
  check(deviceUuidProblem(uuid));
  auto conn = pool_.acquire();
  for (int attempt = 0; attempt < kPinAttempts; ++attempt) {
    // The usual case, a known pinned device, costs one read and no write.
    auto known = selectDevice(*conn, id);
    if (known && !known->uuid.empty()) {
      const bool matches = known->uuid == uuid;
      return PinResult{std::move(*known), matches};
    }
    if (auto pinned = known ? pinUnpinned(*conn, id, uuid) : insertOrPin(*conn, id, uuid))
      return PinResult{std::move(*pinned), true};
    // Another caller pinned it between the two statements: the next round
    // reads the winner (or, after an operator unpin, tries again).
  }
  throw db::DbError(db::DbError::Kind::Busy,
                    "device " + std::string(id) + ": its pin kept changing; try again");
}

bool DeviceStore::repin(std::string_view id, std::string_view uuid) {
  check(deviceIdProblem(id));
  check(deviceUuidProblem(uuid, true));
  auto conn = pool_.acquire();
  return db::exec(*conn, "UPDATE core_devices SET uuid = ?, updated_at = ? WHERE rustdesk_id = ?",
                  {uuid, nowMs(), id}) > 0;
}

std::vector<Device> DeviceStore::list() {
  std::vector<Device> out;
  auto conn = pool_.acquire();
  auto st = conn->prepare(std::string("SELECT ") + kColumns + " FROM core_devices");
  while (st->step() == db::Step::Row)
    out.push_back(readDevice(*st));
  // Byte order here, not ORDER BY: PostgreSQL would sort by the database's
  // collation, and the order must not depend on the engine.
  std::sort(out.begin(), out.end(), [](const Device &a, const Device &b) { return a.id < b.id; });
  return out;
}

bool DeviceStore::update(std::string_view id, const DeviceChange &change) {
  check(deviceIdProblem(id));
  if (change.note)
    check(deviceNoteProblem(*change.note));
  const int64_t owner = change.ownerUserId.value_or(0);
  const int64_t group = change.deviceGroupId.value_or(0);
  const std::string noOwner = "No user with id " + std::to_string(owner);
  const std::string noGroup = "No device group with id " + std::to_string(group);
  if (owner < 0)
    throw std::invalid_argument(noOwner);
  if (group < 0)
    throw std::invalid_argument(noGroup);

  auto conn = pool_.acquire();
  db::Transaction tx(*conn);
  if (group != 0 &&
      // Touching the group's row locks it until commit (on PostgreSQL; SQLite
      // holds the database's write lock anyway), and DeviceGroupStore::remove
      // deletes that row before it releases the group's devices.
      db::exec(*conn, "UPDATE core_device_groups SET name = name WHERE id = ?", {group}) == 0)
    throw std::invalid_argument(noGroup);
  if (owner != 0) {
    auto st = conn->prepare("SELECT 1 FROM core_users WHERE id = ?");
    st->bindInt(1, owner);
    if (st->step() != db::Step::Row)
      throw std::invalid_argument(noOwner);
  }

  std::string sql = "UPDATE core_devices SET updated_at = ?";
  if (change.ownerUserId)
    sql += ", owner_user_id = ?";
  if (change.deviceGroupId)
    sql += ", device_group_id = ?";
  if (change.note)
    sql += ", note = ?";
  sql += " WHERE rustdesk_id = ?";
  auto st = conn->prepare(sql);
  int idx = 1;
  st->bindInt(idx++, nowMs());
  // 0 is stored as NULL: no owner, no device group.
  const auto bindRef = [&](int64_t v) {
    if (v)
      st->bindInt(idx++, v);
    else
      st->bindNull(idx++);
  };
  if (change.ownerUserId)
    bindRef(owner);
  if (change.deviceGroupId)
    bindRef(group);
  if (change.note)
    st->bindText(idx++, *change.note);
  st->bindText(idx++, id);
  try {
    st->step();
  } catch (const db::DbError &e) {
    // The owner's foreign key: the user was deleted since the check above.
    if (e.kind() == db::DbError::Kind::Conflict && change.ownerUserId)
      throw std::invalid_argument(noOwner);
    throw;
  }
  if (st->changes() == 0)
    return false; // unknown id; the transaction rolls back
  tx.commit();
  return true;
}

Page<Device> DeviceStore::page(int64_t viewerUserId, int64_t offset, int64_t limit) {
  check(pageProblem(offset, limit));
  if (viewerUserId < 0)
    throw std::invalid_argument("viewer must not be negative");
  // A viewer's devices as a UNION of two index lookups (by owner; by device
  // group among the granted ones), which also drops a device found by both.
  // An OR of the two, or `id IN (...)`, makes PostgreSQL scan the table.
  const auto visible = [](const std::string &columns) {
    return "SELECT " + columns + " FROM core_devices WHERE owner_user_id = ? UNION SELECT " +
           columns + " FROM core_devices WHERE device_group_id IN (" + detail::kGrantedGroupIdsSql +
           ")";
  };
  const auto bindViewer = [&](db::Statement &st, int first) {
    for (int i = first; i < first + 3; ++i)
      st.bindInt(i, viewerUserId);
  };

  // One statement: the total is an uncorrelated scalar subquery, so it
  // counts exactly the rows the page was cut from, even while devices come
  // and go (two statements could straddle a change on PostgreSQL). Every
  // device: SQLite walks the UNIQUE index of rustdesk_id in order;
  // PostgreSQL sorts (its index follows the database's collation, not bytes).
  Page<Device> out;
  auto conn = pool_.acquire();
  const std::string order = " ORDER BY " + byteOrder(conn->engine(), "rustdesk_id");
  const std::string total = viewerUserId ? "(SELECT COUNT(*) FROM (" + visible("id") + ") c)"
                                         : std::string("(SELECT COUNT(*) FROM core_devices)");
  const std::string from =
      viewerUserId ? " FROM (" + visible(kColumns) + ") v" : std::string(" FROM core_devices");
  auto st = conn->prepare("SELECT " + std::string(kColumns) + ", " + total + from + order +
                          " LIMIT ? OFFSET ?");
  int idx = 1;
  if (viewerUserId) {
    bindViewer(*st, 1); // the count's
    bindViewer(*st, 4); // the page's
    idx = 7;
  }
  st->bindInt(idx++, limit);
  st->bindInt(idx, offset);
  while (st->step() == db::Step::Row) {
    out.rows.push_back(readDevice(*st));
    out.total = st->columnInt(kColumnCount);
  }
  if (out.rows.empty() && offset > 0) {
    // Past the end: no rows to disagree with; count on its own.
    auto count = conn->prepare(total.substr(1, total.size() - 2)); // without the parentheses
    if (viewerUserId)
      bindViewer(*count, 1);
    if (count->step() == db::Step::Row)
      out.total = count->columnInt(0);
  }
  return out;
}

} // namespace rdc::auth
