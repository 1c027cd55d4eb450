#include "presence_log_text.h"

#include <algorithm>
#include <charconv>

namespace agent {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

void appendId(std::string &out, std::string_view id) {
  // Ids are any UTF-8 the client sent: escape what would break a line or a
  // field (and NUL, which PostgreSQL's text refuses).
  for (char ch : id) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == '%' || c == 0x7F) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      out += ch;
    }
  }
}

int hexValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

bool decodeId(std::string_view in, std::string &out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size())
      return false;
    int hi = hexValue(in[i + 1]), lo = hexValue(in[i + 2]);
    if (hi < 0 || lo < 0)
      return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return !out.empty();
}

template <class T> bool parseNumber(std::string_view s, T &v) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

bool decodeLine(std::string_view line, PresenceSnapshot &p) {
  std::string_view field[4];
  for (int f = 0; f < 3; ++f) {
    size_t tab = line.find('\t');
    if (tab == std::string_view::npos)
      return false;
    field[f] = line.substr(0, tab);
    line.remove_prefix(tab + 1);
  }
  field[3] = line;
  if (!decodeId(field[0], p.id) || !parseNumber(field[1], p.lastSeenMs) ||
      !parseNumber(field[2], p.ver))
    return false;
  p.conns.clear();
  std::string_view conns = field[3];
  while (!conns.empty()) {
    size_t comma = conns.find(',');
    int32_t c = 0;
    if (!parseNumber(conns.substr(0, comma), c))
      return false;
    p.conns.push_back(c);
    conns.remove_prefix(comma == std::string_view::npos ? conns.size() : comma + 1);
  }
  return true;
}

} // namespace

std::string encodePresenceLog(const std::vector<PresenceSnapshot> &batch) {
  std::string out;
  out.reserve(batch.size() * 32);
  char num[24];
  auto appendNumber = [&](auto v) {
    auto [end, ec] = std::to_chars(num, num + sizeof num, v);
    (void)ec; // 24 bytes hold any 64-bit integer
    out.append(num, end);
  };
  for (const PresenceSnapshot &p : batch) {
    appendId(out, p.id);
    out += '\t';
    appendNumber(p.lastSeenMs);
    out += '\t';
    appendNumber(p.ver);
    out += '\t';
    for (size_t i = 0; i < p.conns.size(); ++i) {
      if (i)
        out += ',';
      appendNumber(p.conns[i]);
    }
    out += '\n';
  }
  return out;
}

void decodePresenceLog(std::string_view text, std::vector<PresenceSnapshot> &out, size_t *skipped) {
  PresenceSnapshot p;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (decodeLine(line, p))
      out.push_back(p);
    else if (skipped)
      ++*skipped;
  }
}

void keepNewest(std::vector<PresenceSnapshot> &v) {
  std::sort(v.begin(), v.end(), [](const PresenceSnapshot &a, const PresenceSnapshot &b) {
    return a.id != b.id ? a.id < b.id : a.lastSeenMs > b.lastSeenMs;
  });
  v.erase(std::unique(
              v.begin(), v.end(),
              [](const PresenceSnapshot &a, const PresenceSnapshot &b) { return a.id == b.id; }),
          v.end());
}

} // namespace agent
