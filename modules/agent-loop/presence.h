// The in-memory presence table: what the server knows of each device seen by
// this process. The heartbeat hot path touches only this (no database), and a
// background flusher writes what changed in batches (flusher.cpp). Sharded by
// id so concurrent heartbeats rarely contend. Pure logic, no host calls.
#pragma once

#include "compact_string.h"
#include "keyed_hash.h"

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agent {

// One device's entry, sized for a million devices per process (README: RSS
// per tracked device). 128 bytes, aligned so that it spans exactly two cache
// lines: the first holds what every heartbeat reads and writes (the id it is
// looked up by, presence, the rate window, the strategy keys), the second the
// pinned uuid and what changes rarely. Ids up to 23 bytes and uuids up to 54
// bytes (the client's are 44-48) are stored inline; longer ones on the heap.
struct alignas(64) DeviceState {
  CompactString<24> id;
  int64_t lastSeenMs = 0;
  // The presence log row (flush number) last written with this device's
  // presence, 0 = none yet: compaction logs again only devices whose row is
  // old (flusher.cpp).
  int64_t loggedSeq = 0;
  int32_t ver = 0;          // the client's version number, e.g. 1004090
  uint32_t windowStart = 0; // rate window start, seconds since the epoch
  uint32_t windowCount = 0;
  uint32_t recheckAfter = 0; // seconds; see Seen::recheckPin
  // The registry's owner and device group (0 = none), for the effective
  // strategy. Core ids beyond 2^32 - 1 are not expected; see admit().
  uint32_t ownerUserId = 0;
  uint32_t deviceGroupId = 0;

  // The client's open connections; null when it has none (almost always).
  std::unique_ptr<std::vector<int32_t>> conns;
  CompactString<55> uuid;             // the pinned uuid
  bool hasSysinfo : 1 = false;        // stored sysinfo exists
  bool sysinfoRequested : 1 = false;  // an operator asked for a re-upload
  bool disconnectPending : 1 = false; // an operator queued disconnects
  bool dirty : 1 = false;             // presence changed since the last flush
  bool forgotten : 1 = false;         // forget(): looked up again at the next request
};

enum class Verdict { Ok, Unknown, UuidMismatch, RateLimited };

// How long a device's pin is trusted from memory after a mismatch before the
// registry is asked again (an operator may have re-pinned it meanwhile, from
// another process).
inline constexpr uint32_t kPinRecheckSeconds = 10;

struct Seen {
  Verdict verdict = Verdict::Unknown;
  bool recheckPin = false; // UuidMismatch: time to ask the registry again
  bool wantSysinfo = false;
  bool disconnectPending = false;
  int64_t ownerUserId = 0;   // Ok only
  int64_t deviceGroupId = 0; // Ok only
};

struct Contact {
  std::string_view id, uuid;
  int64_t nowMs = 0;
  std::optional<int64_t> ver;                  // heartbeat only
  const std::vector<int32_t> *conns = nullptr; // heartbeat only
};

struct RateLimit {
  int64_t maxRequests = 0; // per window; 0 = unlimited
  int64_t windowSeconds = 60;
};

struct PresenceSnapshot {
  std::string id;
  int64_t lastSeenMs = 0;
  int64_t ver = 0;
  std::vector<int32_t> conns;
};

class PresenceTable {
public:
  // Many shards: a snapshot holds one shard's lock while it copies the
  // shard (about 2 000 entries at a million devices). Ids are hashed with
  // `key` (keyed_hash.h: secret by default, so ids cannot be picked to collide).
  explicit PresenceTable(size_t shards = 512, HashKey key = randomHashKey());

  // One request of a device: checks the pinned uuid, then the rate limit,
  // then records presence. Unknown when the device is not in memory yet
  // (the caller looks it up, admit()s it and touches again).
  Seen touch(const Contact &c, const RateLimit &limit);
  // Adds a device after its registry lookup; keeps an entry another thread
  // added meanwhile.
  struct Admission {
    std::string_view pinnedUuid;
    bool hasSysinfo = false, sysinfoRequested = false, disconnectPending = false;
    int64_t ownerUserId = 0, deviceGroupId = 0;
  };
  void admit(std::string_view id, const Admission &a);
  // Forgets a device (e.g. after an operator re-pin) so the next request
  // looks it up again. Its presence stays (and is still flushed): entries are
  // never erased, which also keeps the dirty lists' pointers valid.
  void forget(std::string_view id);

  void markSysinfoStored(std::string_view id);
  void requestSysinfo(std::string_view id);
  void setDisconnectPending(std::string_view id, bool pending);

  // Every device whose presence changed since the last call; clears the
  // marks and records that log row `seq` holds them.
  std::vector<PresenceSnapshot> takeDirty(int64_t seq);
  // Marks them again (a log write failed); they go with the next batch.
  void markDirty(const std::vector<PresenceSnapshot> &snaps);

  // The presence of every device seen (since start-up) in shards
  // [first, first + count) whose newest log row is `loggedUpTo` or older (or
  // none), one shard lock at a time; records that log row `seq` holds them.
  // Does not clear their changed marks.
  std::vector<PresenceSnapshot> takeStale(size_t first, size_t count, int64_t loggedUpTo,
                                          int64_t seq);

  size_t size() const;
  size_t shardCount() const { return shards_.size(); }

private:
  // Open addressing with linear probing over an index of slots, each
  // (hash tag << 32 | entry number + 1), 0 = empty, kept at most 3/4 full:
  // a lookup reads one or two slots (eight to a cache line) and then its
  // entry, instead of a bucket, the node before and the node of a chained map.
  // Entries live in a deque, whose elements never move (nor are they erased),
  // so entry numbers stay valid.
  struct Shard {
    mutable std::mutex mu;
    std::vector<uint64_t> slots;
    std::deque<DeviceState> entries;
    // Entry numbers of the entries with dirty == true.
    std::vector<uint32_t> dirty;
  };
  struct Key {
    std::string_view id;
    uint64_t hash;
  };
  struct Entry {
    DeviceState *d = nullptr; // null: not found
    uint32_t n = 0;           // its number in Shard::entries
  };
  Key keyOf(std::string_view id) const;
  Shard &shardOf(const Key &k);
  static Entry find(Shard &s, const Key &k);
  Entry insert(Shard &s, const Key &k) const;
  static void markDirty(Shard &s, const Entry &e);
  template <class F> void withDevice(std::string_view id, F f);

  HashKey key_;
  std::vector<Shard> shards_;
};

} // namespace agent
