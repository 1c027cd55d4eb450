#include "auth/Devices.h"

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

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string textProblem(const char *what, std::string_view s, size_t maxBytes, bool allowEmpty) {
  if (s.empty())
    return allowEmpty ? "" : std::string(what) + " must not be empty";
  if (s.size() > maxBytes)
    return std::string(what) + " is too long (at most " + std::to_string(maxBytes) + " bytes)";
  if (hasControlChar(s))
    return std::string(what) + " must not contain control characters";
  if (utf8Length(s) < 0)
    return std::string(what) + " must be valid UTF-8";
  return "";
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

} // namespace rdc::auth
