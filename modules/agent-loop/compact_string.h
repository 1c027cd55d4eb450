// A string of exactly N bytes of storage: up to N - 1 bytes inside the object,
// longer ones on the heap. The presence table keeps device ids and uuids in
// these so that one heartbeat's lookup reads one 128-byte entry instead of
// following pointers to separately allocated strings (presence.h).
#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace agent {

template <size_t N> class CompactString {
  static_assert(N > sizeof(std::string *) && N < 255, "the last byte holds the inline length");

public:
  CompactString() { bytes_[N - 1] = 0; }
  ~CompactString() { release(); }
  CompactString(const CompactString &) = delete;
  CompactString &operator=(const CompactString &) = delete;

  void assign(std::string_view s) {
    release();
    if (s.size() < N) {
      std::memcpy(bytes_, s.data(), s.size());
      bytes_[N - 1] = static_cast<char>(s.size());
    } else {
      std::string *heap = new std::string(s);
      std::memcpy(bytes_, &heap, sizeof heap);
      bytes_[N - 1] = static_cast<char>(kOnHeap);
    }
  }
  std::string_view view() const {
    if (onHeap())
      return *heap();
    return {bytes_, static_cast<unsigned char>(bytes_[N - 1])};
  }
  bool operator==(std::string_view s) const { return view() == s; }

private:
  static constexpr unsigned char kOnHeap = 0xFF;
  bool onHeap() const { return static_cast<unsigned char>(bytes_[N - 1]) == kOnHeap; }
  std::string *heap() const {
    std::string *p;
    std::memcpy(&p, bytes_, sizeof p);
    return p;
  }
  void release() {
    if (onHeap())
      delete heap();
    bytes_[N - 1] = 0;
  }

  char bytes_[N];
};

} // namespace agent
