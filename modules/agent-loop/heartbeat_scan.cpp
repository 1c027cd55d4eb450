#include "heartbeat_scan.h"

#include <cstdint>
#include <limits>

namespace agent {
namespace {

class Scanner {
public:
  explicit Scanner(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  // Skips JSON whitespace, then consumes `c` if it comes next.
  bool eat(char c) {
    skipWhitespace();
    if (p_ == end_ || *p_ != c)
      return false;
    ++p_;
    return true;
  }
  bool atEnd() {
    skipWhitespace();
    return p_ == end_;
  }
  // A string of printable ASCII without escapes; points into the body.
  bool plainString(std::string_view &out) {
    if (!eat('"'))
      return false;
    const char *start = p_;
    for (; p_ != end_; ++p_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out = std::string_view(start, static_cast<size_t>(p_ - start));
        ++p_;
        return true;
      }
      if (c < 0x20 || c >= 0x7F || c == '\\')
        return false;
    }
    return false;
  }
  // An integer as JSON writes it, without fraction or exponent, of at most 18
  // digits (so it cannot overflow; longer ones go to the full parser).
  bool integer(int64_t &out) {
    // Whitespace may precede the value, not follow the sign: the digits are
    // read right after it.
    bool negative = eat('-');
    const char *digits = p_;
    int64_t value = 0;
    for (; p_ != end_ && *p_ >= '0' && *p_ <= '9'; ++p_) {
      if (p_ - digits == 18)
        return false;
      value = value * 10 + (*p_ - '0');
    }
    const auto count = p_ - digits;
    if (count == 0 || (count > 1 && *digits == '0'))
      return false;
    if (p_ != end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E'))
      return false;
    out = negative ? -value : value;
    return true;
  }

private:
  void skipWhitespace() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r'))
      ++p_;
  }

  const char *p_;
  const char *end_;
};

bool readConns(Scanner &s, std::vector<int32_t> &conns) {
  if (!s.eat('['))
    return false;
  if (s.eat(']'))
    return true;
  do {
    int64_t c = 0;
    if (!s.integer(c) || c < std::numeric_limits<int32_t>::min() ||
        c > std::numeric_limits<int32_t>::max())
      return false;
    conns.push_back(static_cast<int32_t>(c));
  } while (s.eat(','));
  return s.eat(']');
}

bool readKeyString(Scanner &s, size_t maxBytes, std::string &out) {
  std::string_view v;
  if (!s.plainString(v) || v.empty() || v.size() > maxBytes)
    return false;
  out = v;
  return true;
}

} // namespace

std::optional<Heartbeat> scanPlainHeartbeat(std::string_view body) {
  enum : unsigned { kId = 1, kUuid = 2, kVer = 4, kModifiedAt = 8, kConns = 16 };
  Scanner s(body);
  Heartbeat hb;
  unsigned seen = 0;
  if (!s.eat('{'))
    return std::nullopt;
  do {
    std::string_view key;
    if (!s.plainString(key) || !s.eat(':'))
      return std::nullopt;
    unsigned field = 0;
    bool ok = false;
    if (key == "id") {
      field = kId;
      ok = readKeyString(s, kMaxIdBytes, hb.device.id);
    } else if (key == "uuid") {
      field = kUuid;
      ok = readKeyString(s, kMaxUuidBytes, hb.device.uuid);
    } else if (key == "ver") {
      field = kVer;
      ok = s.integer(hb.ver);
    } else if (key == "modified_at") {
      field = kModifiedAt;
      int64_t v = 0;
      ok = s.integer(v);
      hb.modifiedAt = v;
    } else if (key == "conns") {
      field = kConns;
      ok = readConns(s, hb.conns);
    }
    // A repeated key: the full parser keeps the last one; leave it to it.
    if (!ok || (seen & field) != 0)
      return std::nullopt;
    seen |= field;
  } while (s.eat(','));
  if (!s.eat('}') || !s.atEnd() || (seen & kId) == 0 || (seen & kUuid) == 0)
    return std::nullopt;
  return hb;
}

} // namespace agent
