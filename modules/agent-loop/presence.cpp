#include "presence.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <stdexcept>

namespace agent {

static_assert(sizeof(DeviceState) == 128, "two cache lines per device (presence.h)");

PresenceTable::PresenceTable(size_t shards, HashKey key)
    : key_(key), shards_(shards == 0 ? 1 : shards) {}

namespace {
constexpr size_t kFirstSlots = 16; // a power of two
uint32_t tagOf(uint64_t hash) {
  return static_cast<uint32_t>(hash >> 32);
}
uint64_t slotOf(uint32_t tag, size_t entry) {
  return (static_cast<uint64_t>(tag) << 32) | static_cast<uint64_t>(entry + 1);
}
} // namespace

PresenceTable::Key PresenceTable::keyOf(std::string_view id) const {
  return Key{id, keyedHash(key_, id)};
}

// The low bits pick the shard, the high 32 (the tag) the slot: independent.
PresenceTable::Shard &PresenceTable::shardOf(const Key &k) {
  return shards_[k.hash % shards_.size()];
}

PresenceTable::Entry PresenceTable::find(Shard &s, const Key &k) {
  if (s.slots.empty())
    return {};
  const size_t mask = s.slots.size() - 1;
  const uint32_t tag = tagOf(k.hash);
  for (size_t i = tag & mask;; i = (i + 1) & mask) {
    uint64_t slot = s.slots[i];
    if (slot == 0)
      return {};
    if (static_cast<uint32_t>(slot >> 32) == tag) {
      const uint32_t n = static_cast<uint32_t>(slot) - 1;
      DeviceState &d = s.entries[n];
      if (d.id == k.id)
        return {&d, n};
    }
  }
}

// Adds an entry for an id that find() did not find.
PresenceTable::Entry PresenceTable::insert(Shard &s, const Key &k) const {
  if (s.entries.size() >= UINT32_MAX - 1)
    throw std::length_error("presence table shard full");
  const size_t entry = s.entries.size();
  if ((entry + 1) * 4 > s.slots.size() * 3) {
    // Grow (doubling) and place every entry again.
    std::vector<uint64_t> grown(s.slots.empty() ? kFirstSlots : s.slots.size() * 2, 0);
    const size_t mask = grown.size() - 1;
    for (size_t e = 0; e < s.entries.size(); ++e) {
      const uint32_t tag = tagOf(keyedHash(key_, s.entries[e].id.view()));
      size_t i = tag & mask;
      while (grown[i] != 0)
        i = (i + 1) & mask;
      grown[i] = slotOf(tag, e);
    }
    s.slots.swap(grown);
  }
  DeviceState &d = s.entries.emplace_back();
  d.id.assign(k.id);
  const size_t mask = s.slots.size() - 1;
  const uint32_t tag = tagOf(k.hash);
  size_t i = tag & mask;
  while (s.slots[i] != 0)
    i = (i + 1) & mask;
  s.slots[i] = slotOf(tag, entry);
  return {&d, static_cast<uint32_t>(entry)};
}

void PresenceTable::markDirty(Shard &s, const Entry &e) {
  if (e.d->dirty)
    return;
  e.d->dirty = true;
  s.dirty.push_back(e.n);
}

template <class F> void PresenceTable::withDevice(std::string_view id, F f) {
  Key k = keyOf(id);
  Shard &s = shardOf(k);
  std::lock_guard<std::mutex> lock(s.mu);
  if (Entry e = find(s, k); e.d)
    f(*e.d);
}

Seen PresenceTable::touch(const Contact &c, const RateLimit &limit) {
  Key k = keyOf(c.id);
  Shard &s = shardOf(k);
  std::lock_guard<std::mutex> lock(s.mu);
  Entry e = find(s, k);
  if (!e.d || e.d->forgotten)
    return Seen{Verdict::Unknown};
  DeviceState &d = *e.d;
  if (!(d.uuid == c.uuid)) {
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
  if (c.conns) {
    if (c.conns->empty())
      d.conns.reset();
    else if (d.conns)
      *d.conns = *c.conns;
    else
      d.conns = std::make_unique<std::vector<int32_t>>(*c.conns);
  }
  markDirty(s, e);
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

PresenceSnapshot snapshotOf(const DeviceState &d) {
  return PresenceSnapshot{std::string(d.id.view()), d.lastSeenMs, d.ver,
                          d.conns ? *d.conns : std::vector<int32_t>{}};
}
} // namespace

void PresenceTable::admit(std::string_view id, const Admission &a) {
  Key k = keyOf(id);
  Shard &s = shardOf(k);
  std::lock_guard<std::mutex> lock(s.mu);
  Entry e = find(s, k);
  if (e.d && !e.d->forgotten)
    return;
  if (!e.d)
    e = insert(s, k);
  // A new entry, or a forgotten one whose presence is kept.
  DeviceState &d = *e.d;
  d.forgotten = false;
  d.recheckAfter = 0;
  d.uuid.assign(a.pinnedUuid);
  d.hasSysinfo = a.hasSysinfo;
  d.sysinfoRequested = a.sysinfoRequested;
  d.disconnectPending = a.disconnectPending;
  d.ownerUserId = narrowId(a.ownerUserId);
  d.deviceGroupId = narrowId(a.deviceGroupId);
}

void PresenceTable::forget(std::string_view id) {
  withDevice(id, [](DeviceState &d) { d.forgotten = true; });
}

void PresenceTable::markSysinfoStored(std::string_view id) {
  withDevice(id, [](DeviceState &d) {
    d.hasSysinfo = true;
    d.sysinfoRequested = false;
  });
}

void PresenceTable::requestSysinfo(std::string_view id) {
  withDevice(id, [](DeviceState &d) { d.sysinfoRequested = true; });
}

void PresenceTable::setDisconnectPending(std::string_view id, bool pending) {
  withDevice(id, [&](DeviceState &d) { d.disconnectPending = pending; });
}

std::vector<PresenceSnapshot> PresenceTable::takeDirty(int64_t seq) {
  std::vector<PresenceSnapshot> out;
  for (Shard &s : shards_) {
    std::lock_guard<std::mutex> lock(s.mu);
    for (uint32_t n : s.dirty) {
      DeviceState &d = s.entries[n];
      d.dirty = false;
      d.loggedSeq = seq;
      out.push_back(snapshotOf(d));
    }
    s.dirty.clear();
  }
  return out;
}

void PresenceTable::markDirty(const std::vector<PresenceSnapshot> &snaps) {
  for (const PresenceSnapshot &p : snaps) {
    Key k = keyOf(p.id);
    Shard &s = shardOf(k);
    std::lock_guard<std::mutex> lock(s.mu);
    if (Entry e = find(s, k); e.d)
      markDirty(s, e);
  }
}

std::vector<PresenceSnapshot> PresenceTable::takeStale(size_t first, size_t count,
                                                       int64_t loggedUpTo, int64_t seq) {
  std::vector<PresenceSnapshot> out;
  for (size_t i = first; i < shards_.size() && i < first + count; ++i) {
    Shard &s = shards_[i];
    std::lock_guard<std::mutex> lock(s.mu);
    for (DeviceState &d : s.entries) {
      // lastSeenMs == 0: admitted, never touched, nothing to log.
      if (d.lastSeenMs == 0 || d.loggedSeq > loggedUpTo)
        continue;
      d.loggedSeq = seq;
      out.push_back(snapshotOf(d));
    }
  }
  return out;
}

size_t PresenceTable::size() const {
  size_t n = 0;
  for (const Shard &s : shards_) {
    std::lock_guard<std::mutex> lock(s.mu);
    n += s.entries.size();
  }
  return n;
}

} // namespace agent
