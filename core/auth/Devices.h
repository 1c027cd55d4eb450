// The device registry (table core_devices): RustDesk ids, each with the uuid
// that was pinned at first sight. Modules reach it through ABI 1.2
// (device_get, device_pin, device_repin), e.g. so a heartbeat from another
// machine that claims a registered id is refused, and through ABI 1.3
// (device_update, device_list): owners, device groups, notes, and the page
// of devices a user may see.
#pragma once

#include "auth/Paging.h"
#include "db/Database.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rdc::auth {

struct Device {
  int64_t rowId = 0;
  std::string id;            // the RustDesk id
  std::string uuid;          // the pinned uuid; "" = none pinned
  int64_t ownerUserId = 0;   // 0 = no owner
  int64_t deviceGroupId = 0; // 0 = no device group
  std::string note;
  int64_t createdAtMs = 0;
  int64_t updatedAtMs = 0;
};

struct PinResult {
  Device device;
  bool pinnedMatches = false; // false: the device's pinned uuid differs
};

// What update() changes; members left empty stay as they are.
struct DeviceChange {
  std::optional<int64_t> ownerUserId;   // 0 = no owner
  std::optional<int64_t> deviceGroupId; // 0 = no device group
  std::optional<std::string> note;
};

// Limits in bytes (the ABI speaks in bytes, and ids and uuids are ASCII in
// practice).
constexpr size_t kMaxDeviceIdBytes = 64;
constexpr size_t kMaxDeviceUuidBytes = 256;
constexpr size_t kMaxDeviceNoteBytes = 1024;

// An error text or "": an id is 1-64 bytes, a uuid 1-256 bytes (0 too when
// allowEmpty), both valid UTF-8 without control characters (NUL included).
std::string deviceIdProblem(std::string_view id);
std::string deviceUuidProblem(std::string_view uuid, bool allowEmpty = false);
// An error text or "": a note is 0-1024 bytes of UTF-8 without control
// characters.
std::string deviceNoteProblem(std::string_view note);

// Every method throws std::invalid_argument (with the text above) for a bad
// id or uuid, and db::DbError when the database fails.
class DeviceStore {
public:
  explicit DeviceStore(db::Pool &pool);

  std::optional<Device> get(std::string_view id);
  // Registers an unknown id with `uuid` pinned, or pins `uuid` to a known id
  // that has none; then reports whether the pinned uuid is `uuid`. Atomic
  // across threads and server instances sharing the database: of two
  // concurrent first pins with different uuids exactly one wins, and the
  // other sees pinnedMatches == false with the winner's uuid.
  PinResult pin(std::string_view id, std::string_view uuid);
  // Replaces the pinned uuid; "" unpins (the next pin() pins anew). False
  // when the id is unknown.
  bool repin(std::string_view id, std::string_view uuid);
  // Every device, ordered by id (byte order, on both engines).
  std::vector<Device> list();
  // Applies `change` and bumps updated_at; false when the id is unknown.
  // Throws std::invalid_argument for a bad note, or an owner or device group
  // that does not exist (checked first, so nothing changes). An assignment
  // racing the deletion of its device group either lands before the delete
  // (which then releases the device) or finds the group gone.
  bool update(std::string_view id, const DeviceChange &change);
  // A page of devices ordered by id (byte order, on both engines), with the
  // number of matching devices. viewerUserId 0: every device; otherwise the
  // devices that user owns, and those in a device group granted to them
  // directly or through one of their user groups (an unknown user sees
  // none). Throws std::invalid_argument for offset < 0, a limit outside
  // 1..1000 or a negative viewer. One COUNT and one LIMIT/OFFSET query, not
  // in one snapshot: a change committed between them can make total and
  // rows disagree by that change.
  Page<Device> page(int64_t viewerUserId, int64_t offset, int64_t limit);

private:
  db::Pool &pool_;
};

} // namespace rdc::auth
