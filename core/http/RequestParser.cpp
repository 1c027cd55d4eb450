#include "http/RequestParser.h"

#include <algorithm>
#include <limits>

namespace rdc::http {
namespace {

constexpr size_t kMaxChunkLineBytes = 4096; // size line with extensions, or one trailer line

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i]))
      return false;
  return true;
}

// RFC 9110 §5.6.2 tchar.
bool isTokenChar(unsigned char c) {
  if (c >= '0' && c <= '9')
    return true;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
    return true;
  switch (c) {
  case '!':
  case '#':
  case '$':
  case '%':
  case '&':
  case '\'':
  case '*':
  case '+':
  case '-':
  case '.':
  case '^':
  case '_':
  case '`':
  case '|':
  case '~':
    return true;
  default:
    return false;
  }
}

bool isToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return isTokenChar(static_cast<unsigned char>(c));
  });
}

std::string_view trimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// Calls f(element) for each comma-separated, trimmed, non-empty element.
template <class F> void forEachListElement(std::string_view v, F f) {
  while (!v.empty()) {
    size_t comma = v.find(',');
    std::string_view item = trimOws(v.substr(0, comma));
    if (!item.empty())
      f(item);
    if (comma == std::string_view::npos)
      break;
    v.remove_prefix(comma + 1);
  }
}

HeadResult fail(int status, std::string message) {
  HeadResult r;
  r.status = ParseStatus::Error;
  r.errorStatus = status;
  r.error = std::move(message);
  return r;
}

bool parseContentLength(std::string_view v, int64_t &out) {
  if (v.empty())
    return false;
  int64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9')
      return false;
    if (n > (std::numeric_limits<int64_t>::max() - (c - '0')) / 10)
      return false; // beyond any body this server would take
    n = n * 10 + (c - '0');
  }
  out = n;
  return true;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = lower(c);
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

} // namespace

const std::string *findHeader(const Headers &headers, std::string_view name) {
  for (const auto &[n, v] : headers)
    if (iequals(n, name))
      return &v;
  return nullptr;
}

HeadResult parseHead(std::string_view in, RequestHead &out, const HeadLimits &limits) {
  // RFC 9112 §2.2: ignore at least one empty line before the request line.
  size_t start = 0;
  while (in.size() - start >= 2 && in[start] == '\r' && in[start + 1] == '\n')
    start += 2;
  size_t end = in.find("\r\n\r\n", start);
  if (end == std::string_view::npos) {
    if (in.size() > limits.maxHeadBytes)
      return fail(431, "Request head too large");
    return {};
  }
  size_t consumed = end + 4;
  if (consumed > limits.maxHeadBytes)
    return fail(431, "Request head too large");
  std::string_view head = in.substr(start, end + 2 - start); // every line ends in CRLF
  if (head.find('\0') != std::string_view::npos)
    return fail(400, "NUL byte in the request head");

  RequestHead h;
  bool first = true;
  bool sawLength = false;
  while (!head.empty()) {
    size_t eol = head.find("\r\n");
    std::string_view line = head.substr(0, eol);
    head.remove_prefix(eol + 2);
    if (line.find_first_of("\r\n") != std::string_view::npos)
      return fail(400, "Bare CR or LF in the request head");
    if (first) {
      first = false;
      size_t sp1 = line.find(' ');
      size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
      if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
        return fail(400, "Malformed request line");
      std::string_view method = line.substr(0, sp1);
      std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
      std::string_view version = line.substr(sp2 + 1);
      if (!isToken(method))
        return fail(400, "Malformed request method");
      if (target.empty())
        return fail(400, "Empty request target");
      if (target.size() > limits.maxTargetBytes)
        return fail(414, "Request target too long");
      for (unsigned char c : target)
        if (c <= 0x20 || c == 0x7f)
          return fail(400, "Control character in the request target");
      if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' ||
          version[5] < '0' || version[5] > '9' || version[7] < '0' || version[7] > '9')
        return fail(400, "Malformed HTTP version");
      if (version[5] != '1' || (version[7] != '0' && version[7] != '1'))
        return fail(505, "HTTP version not supported");
      h.method = method;
      h.target = target;
      h.versionMinor = version[7] - '0';
      continue;
    }
    if (line.front() == ' ' || line.front() == '\t')
      return fail(400, "Obsolete header line folding");
    size_t colon = line.find(':');
    if (colon == std::string_view::npos)
      return fail(400, "Malformed header line");
    std::string_view name = line.substr(0, colon);
    if (!isToken(name))
      return fail(400, "Malformed header name");
    std::string_view value = trimOws(line.substr(colon + 1));
    for (unsigned char c : value)
      if ((c < 0x20 && c != '\t') || c == 0x7f)
        return fail(400, "Control character in a header value");
    if (h.headers.size() >= limits.maxHeaders)
      return fail(431, "Too many header fields");
    h.headers.emplace_back(std::string(name), std::string(value));

    if (iequals(name, "Content-Length")) {
      int64_t n = 0;
      if (!parseContentLength(value, n))
        return fail(400, "Malformed Content-Length");
      if (sawLength && n != h.contentLength)
        return fail(400, "Conflicting Content-Length headers");
      sawLength = true;
      h.contentLength = n;
    }
  }
  if (first)
    return fail(400, "Malformed request line");

  std::string te;
  bool sawTe = false;
  for (const auto &[n, v] : h.headers)
    if (iequals(n, "Transfer-Encoding")) {
      sawTe = true;
      te += (te.empty() ? "" : ",") + v;
    }
  if (sawTe) {
    // Only a body whose last (and only) coding is chunked has a knowable end.
    int codings = 0;
    bool chunked = false;
    forEachListElement(te, [&](std::string_view c) {
      ++codings;
      chunked = iequals(c, "chunked");
    });
    h.framing = (codings == 1 && chunked) ? Framing::Chunked : Framing::Unsupported;
    h.contentLength = 0;
  } else if (sawLength) {
    h.framing = Framing::Length;
  }

  h.keepAlive = h.versionMinor >= 1;
  bool close = false, keep = false;
  for (const auto &[n, v] : h.headers)
    if (iequals(n, "Connection"))
      forEachListElement(v, [&](std::string_view t) {
        close = close || iequals(t, "close");
        keep = keep || iequals(t, "keep-alive");
      });
  if (close)
    h.keepAlive = false;
  else if (keep)
    h.keepAlive = true;
  if (const std::string *expect = findHeader(h.headers, "Expect"))
    h.expectContinue = iequals(trimOws(*expect), "100-continue");

  out = std::move(h);
  HeadResult r;
  r.status = ParseStatus::Done;
  r.consumed = consumed;
  return r;
}

ChunkedDecoder::Result ChunkedDecoder::feed(std::string_view in, std::string &out,
                                            int64_t maxBody) {
  Result r;
  auto error = [&](std::string message) {
    state_ = State::Done;
    r.status = ParseStatus::Error;
    r.error = std::move(message);
    return r;
  };
  size_t i = 0;
  while (i < in.size()) {
    char c = in[i];
    switch (state_) {
    case State::Size: {
      int v = hexValue(c);
      if (v >= 0) {
        if (++sizeDigits_ > 15) // 16^15 bytes is far beyond any limit; stops overflow
          return error("Chunk size too large");
        remaining_ = remaining_ * 16 + static_cast<uint64_t>(v);
        ++i;
        break;
      }
      if (sizeDigits_ == 0)
        return error("Malformed chunk size");
      if (c == ';' || c == ' ' || c == '\t') {
        state_ = State::Extension;
        lineBytes_ = 0;
        ++i;
        break;
      }
      if (c == '\r') {
        state_ = State::SizeLf;
        ++i;
        break;
      }
      return error("Malformed chunk size");
    }
    case State::Extension:
      if (c == '\r') {
        state_ = State::SizeLf;
      } else if (c == '\n' || ++lineBytes_ > kMaxChunkLineBytes) {
        return error("Malformed chunk extension");
      }
      ++i;
      break;
    case State::SizeLf:
      if (c != '\n')
        return error("Malformed chunk size line");
      ++i;
      if (remaining_ == 0) {
        state_ = State::Trailer;
        lineBytes_ = 0;
      } else {
        if (static_cast<int64_t>(out.size()) + static_cast<int64_t>(remaining_) > maxBody) {
          tooLarge_ = true;
          return error("Request body too large");
        }
        state_ = State::Data;
      }
      break;
    case State::Data: {
      size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, in.size() - i));
      out.append(in.data() + i, take);
      i += take;
      remaining_ -= take;
      if (remaining_ == 0)
        state_ = State::DataCr;
      break;
    }
    case State::DataCr:
      if (c != '\r')
        return error("Missing CRLF after chunk data");
      state_ = State::DataLf;
      ++i;
      break;
    case State::DataLf:
      if (c != '\n')
        return error("Missing CRLF after chunk data");
      state_ = State::Size;
      sizeDigits_ = 0;
      ++i;
      break;
    case State::Trailer:
      // An empty line ends the body; any other line is a trailer field, dropped.
      if (c == '\r') {
        state_ = State::TrailerLf;
      } else if (c == '\n' || c == '\0' || ++lineBytes_ > kMaxChunkLineBytes) {
        return error("Malformed chunk trailer");
      }
      ++i;
      break;
    case State::TrailerLf:
      if (c != '\n')
        return error("Malformed chunk trailer");
      ++i;
      if (lineBytes_ == 0) {
        state_ = State::Done;
        r.status = ParseStatus::Done;
        r.consumed = i;
        return r;
      }
      lineBytes_ = 0;
      state_ = State::Trailer;
      break;
    case State::Done:
      return error("Chunked body already complete");
    }
  }
  r.consumed = i;
  if (state_ == State::Done)
    return error("Chunked body already complete");
  return r;
}

} // namespace rdc::http
