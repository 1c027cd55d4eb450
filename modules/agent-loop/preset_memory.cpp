#include "preset_memory.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace agent {

void addPresetMemorySchema() {
  rdc::addMigration(5, R"sql(
CREATE TABLE agent_device_presets (
  device_id TEXT PRIMARY KEY,
  digest TEXT NOT NULL,
  applied_at INTEGER NOT NULL
)
)sql");
}

std::string presetDigest(const AssignRequest &r) {
  // Each field as a presence byte and a length-prefixed value: no two
  // different requests serialise alike.
  std::string canonical;
  for (const std::optional<std::string> *f :
       {&r.userName, &r.strategyName, &r.deviceGroupName, &r.note, &r.deviceUsername, &r.deviceName,
        &r.addressBookName, &r.addressBookTag, &r.addressBookAlias, &r.addressBookPassword,
        &r.addressBookNote}) {
    canonical += f->has_value() ? '1' : '0';
    if (*f)
      canonical += std::to_string((*f)->size()) + ':' + **f;
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(canonical.data(), canonical.size(), md, &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed");
  static const char *hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

bool presetsApplied(rdc::Db &db, std::string_view deviceId, std::string_view digest) {
  rdc::Stmt st = db.prepare("SELECT digest FROM agent_device_presets WHERE device_id = ?");
  st.bind(1, deviceId);
  return st.step() && st.getView(0) == digest;
}

void rememberPresets(rdc::Db &db, std::string_view deviceId, std::string_view digest,
                     int64_t nowMs) {
  db.exec("INSERT INTO agent_device_presets (device_id, digest, applied_at) VALUES (?, ?, ?)"
          " ON CONFLICT (device_id) DO UPDATE SET digest = excluded.digest,"
          " applied_at = excluded.applied_at",
          deviceId, digest, nowMs);
}

} // namespace agent
