// The device registry (table core_devices): RustDesk ids, each with the uuid
// that was pinned at first sight. Modules reach it through ABI 1.2
// (device_get, device_pin, device_repin), e.g. so a heartbeat from another
// machine that claims a registered id is refused.
#pragma once

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

// Limits in bytes (the ABI speaks in bytes, and both are ASCII in practice).
constexpr size_t kMaxDeviceIdBytes = 64;
constexpr size_t kMaxDeviceUuidBytes = 256;

// An error text or "": an id is 1-64 bytes, a uuid 1-256 bytes (0 too when
// allowEmpty), both valid UTF-8 without control characters (NUL included).
std::string deviceIdProblem(std::string_view id);
std::string deviceUuidProblem(std::string_view uuid, bool allowEmpty = false);

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

private:
  db::Pool &pool_;
};

} // namespace rdc::auth
