#include "presence.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <functional>

namespace agent {

PresenceTable::PresenceTable(size_t shards) : shards_(shards == 0 ? 1 : shards) {}

PresenceTable::Shard &PresenceTable::shardOf(std::string_view id) {
  return shards_[std::hash<std::string_view>{}(id) % shards_.size()];
}

template <class F> void PresenceTable::withDevice(std::string_view id, F f) {
  Shard &s = shardOf(id);
  std::lock_guard<std::mutex> lock(s.mu);
  auto it = s.devices.find(std::string(id));
  if (it != s.devices.end())
    f(s, it->first, it->second);
}

Seen PresenceTable::touch(const Contact &c, const RateLimit &limit) {
  Shard &s = shardOf(c.id);
  std::lock_guard<std::mutex> lock(s.mu);
  auto it = s.devices.find(std::string(c.id));
  if (it == s.devices.end() || it->second.forgotten)
    return Seen{Verdict::Unknown};
  DeviceState &d = it->second;
  if (d.uuid != c.uuid) {
    // Mismatches do not count against the device's own rate window (a
    // stranger must not be able to lock the real device out).
    Seen seen{Verdict::UuidMismatch};
    uint32_t now = static_cast<uint32_t>(c.nowMs / 1000);
    if (now >= d.recheckAfter) {
      d.recheckAfter = now + kPinRecheckSeconds;
      seen.recheckPin = true;
    }
    return seen;
  }
  if (limit.maxRequests > 0) {
    uint32_t now = static_cast<uint32_t>(c.nowMs / 1000);
    if (now - d.windowStart >= static_cast<uint32_t>(limit.windowSeconds)) {
      d.windowStart = now;
      d.windowCount = 0;
    }
    if (d.windowCount >= static_cast<uint64_t>(limit.maxRequests))
      return Seen{Verdict::RateLimited};
    ++d.windowCount;
  }
  d.lastSeenMs = c.nowMs;
  if (c.ver)
    d.ver = static_cast<int32_t>(std::clamp<int64_t>(*c.ver, INT32_MIN, INT32_MAX));
  if (c.conns)
    d.conns = *c.conns;
  if (!d.dirty) {
    d.dirty = true;
    s.dirty.push_back(&*it);
  }
  Seen seen{Verdict::Ok};
  seen.wantSysinfo = !d.hasSysinfo || d.sysinfoRequested;
  seen.disconnectPending = d.disconnectPending;
  seen.ownerUserId = d.ownerUserId;
  seen.deviceGroupId = d.deviceGroupId;
  return seen;
}

namespace {
uint32_t narrowId(int64_t id) {
  // An id that does not fit is treated as none (no strategy from it) rather
  // than aliasing another user's or group's.
  return id > 0 && id <= static_cast<int64_t>(UINT32_MAX) ? static_cast<uint32_t>(id) : 0;
}
} // namespace

void PresenceTable::admit(std::string_view id, const Admission &a) {
  Shard &s = shardOf(id);
  std::lock_guard<std::mutex> lock(s.mu);
  auto [it, inserted] = s.devices.try_emplace(std::string(id));
  DeviceState &d = it->second;
  if (!inserted && !d.forgotten)
    return;
  // A new entry, or a forgotten one whose presence is kept.
  d.forgotten = false;
  d.recheckAfter = 0;
  d.uuid = std::string(a.pinnedUuid);
  d.hasSysinfo = a.hasSysinfo;
  d.sysinfoRequested = a.sysinfoRequested;
  d.disconnectPending = a.disconnectPending;
  d.ownerUserId = narrowId(a.ownerUserId);
  d.deviceGroupId = narrowId(a.deviceGroupId);
}

void PresenceTable::forget(std::string_view id) {
  Shard &s = shardOf(id);
  std::lock_guard<std::mutex> lock(s.mu);
  auto it = s.devices.find(std::string(id));
  if (it != s.devices.end())
    it->second.forgotten = true;
}

void PresenceTable::markSysinfoStored(std::string_view id) {
  withDevice(id, [](Shard &, const std::string &, DeviceState &d) {
    d.hasSysinfo = true;
    d.sysinfoRequested = false;
  });
}

void PresenceTable::requestSysinfo(std::string_view id) {
  withDevice(id, [](Shard &, const std::string &, DeviceState &d) { d.sysinfoRequested = true; });
}

void PresenceTable::setDisconnectPending(std::string_view id, bool pending) {
  withDevice(id,
             [&](Shard &, const std::string &, DeviceState &d) { d.disconnectPending = pending; });
}

std::vector<PresenceSnapshot> PresenceTable::takeDirty(int64_t seq) {
  std::vector<PresenceSnapshot> out;
  for (Shard &s : shards_) {
    std::lock_guard<std::mutex> lock(s.mu);
    for (Devices::value_type *entry : s.dirty) {
      DeviceState &d = entry->second;
      d.dirty = false;
      d.loggedSeq = seq;
      out.push_back(PresenceSnapshot{entry->first, d.lastSeenMs, d.ver, d.conns});
    }
    s.dirty.clear();
  }
  return out;
}

void PresenceTable::markDirty(const std::vector<PresenceSnapshot> &snaps) {
  for (const PresenceSnapshot &p : snaps) {
    Shard &s = shardOf(p.id);
    std::lock_guard<std::mutex> lock(s.mu);
    auto it = s.devices.find(p.id);
    if (it != s.devices.end() && !it->second.dirty) {
      it->second.dirty = true;
      s.dirty.push_back(&*it);
    }
  }
}

std::vector<PresenceSnapshot> PresenceTable::takeStale(size_t first, size_t count,
                                                       int64_t loggedUpTo, int64_t seq) {
  std::vector<PresenceSnapshot> out;
  for (size_t i = first; i < shards_.size() && i < first + count; ++i) {
    Shard &s = shards_[i];
    std::lock_guard<std::mutex> lock(s.mu);
    for (auto &[id, d] : s.devices) {
      // lastSeenMs == 0: admitted, never touched, nothing to log.
      if (d.lastSeenMs == 0 || d.loggedSeq > loggedUpTo)
        continue;
      d.loggedSeq = seq;
      out.push_back(PresenceSnapshot{id, d.lastSeenMs, d.ver, d.conns});
    }
  }
  return out;
}

size_t PresenceTable::size() const {
  size_t n = 0;
  for (const Shard &s : shards_) {
    std::lock_guard<std::mutex> lock(s.mu);
    n += s.devices.size();
  }
  return n;
}

} // namespace agent
