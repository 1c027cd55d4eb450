// Fuzzes HTTP/1.1 request framing: parseHead on the raw input (with tight
// limits, so the fuzzer reaches the 414/431 paths, and with the defaults), then,
// when the head frames a chunked body, ChunkedDecoder on the bytes after the
// head, once in one piece and once split at a point derived from the input.
// Besides "no crash, no sanitizer report", it checks the properties the header
// promises; a broken one aborts.
#include "http/RequestParser.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {
using rdc::http::ChunkedDecoder;
using rdc::http::Framing;
using rdc::http::HeadLimits;
using rdc::http::HeadResult;
using rdc::http::ParseStatus;
using rdc::http::RequestHead;

void require(bool ok, const char *what) {
  if (!ok) {
    std::fprintf(stderr, "property violated: %s\n", what);
    std::abort();
  }
}

void checkHead(std::string_view in, const HeadResult &r, const RequestHead &head,
               const HeadLimits &limits) {
  switch (r.status) {
  case ParseStatus::Done:
    require(r.consumed >= 4 && r.consumed <= in.size(), "a head lies inside the input");
    require(r.consumed <= limits.maxHeadBytes + in.find_first_not_of("\r\n") ||
                in.find_first_not_of("\r\n") == std::string_view::npos,
            "an accepted head is within maxHeadBytes (besides leading empty lines)");
    require(in.substr(r.consumed - 4, 4) == "\r\n\r\n", "a head ends with CRLF CRLF");
    require(!head.method.empty() && !head.target.empty(), "method and target are set");
    require(head.target.size() <= limits.maxTargetBytes, "the target is within maxTargetBytes");
    require(head.headers.size() <= limits.maxHeaders, "headers are within maxHeaders");
    require(head.versionMinor == 0 || head.versionMinor == 1, "only HTTP/1.0 and 1.1 pass");
    require(head.framing != Framing::Length || head.contentLength >= 0,
            "a Content-Length is not negative");
    for (const auto &[name, value] : head.headers) {
      require(!name.empty(), "header names are not empty");
      for (char c : name + value)
        require(c != '\0' && c != '\r' && c != '\n', "no NUL, CR or LF in headers");
      if (!value.empty()) {
        require(value.front() != ' ' && value.front() != '\t', "values are trimmed (front)");
        require(value.back() != ' ' && value.back() != '\t', "values are trimmed (back)");
      }
    }
    require(r.errorStatus == 0, "a parsed head has no error status");
    break;
  case ParseStatus::Error:
    require(r.errorStatus == 400 || r.errorStatus == 414 || r.errorStatus == 431 ||
                r.errorStatus == 505,
            "an error status is 400, 414, 431 or 505");
    require(!r.error.empty(), "an error has a readable reason");
    break;
  case ParseStatus::Incomplete:
    // Else the caller would buffer without bound (leading empty lines too).
    require(in.size() <= limits.maxHeadBytes, "an incomplete head is within maxHeadBytes");
    break;
  }
}

struct Decoded {
  ChunkedDecoder::Result last;
  std::string out;
  size_t consumed = 0;
  bool tooLarge = false;
};

// Feeds `parts` in order, offering again whatever the decoder left unconsumed.
Decoded decode(std::string_view first, std::string_view second, int64_t maxBody) {
  Decoded d;
  ChunkedDecoder dec;
  std::string pending(first);
  d.last = dec.feed(pending, d.out, maxBody);
  require(d.last.consumed <= pending.size(), "the decoder consumes at most its input");
  d.consumed += d.last.consumed;
  if (d.last.status == ParseStatus::Incomplete) {
    pending.erase(0, d.last.consumed);
    pending.append(second);
    d.last = dec.feed(pending, d.out, maxBody);
    require(d.last.consumed <= pending.size(), "the decoder consumes at most its input");
    d.consumed += d.last.consumed;
  }
  d.tooLarge = dec.tooLarge();
  if (d.last.status == ParseStatus::Error)
    require(!d.last.error.empty(), "a decoder error has a readable reason");
  else
    require(!d.tooLarge, "tooLarge is only set with an error");
  return d;
}

void checkChunked(std::string_view body, size_t splitSeed, int64_t maxBody) {
  Decoded whole = decode(body, {}, maxBody);
  size_t split = body.empty() ? 0 : splitSeed % (body.size() + 1);
  Decoded parts = decode(body.substr(0, split), body.substr(split), maxBody);

  require(whole.last.status == parts.last.status, "split feeding gives the same status");
  require(whole.tooLarge == parts.tooLarge, "split feeding gives the same tooLarge");
  if (whole.last.status != ParseStatus::Error)
    require(whole.out == parts.out, "split feeding gives the same output");
  if (whole.last.status == ParseStatus::Done) {
    require(whole.consumed == parts.consumed, "split feeding consumes the same bytes");
    require(whole.consumed <= body.size(), "a body lies inside the input");
    require(static_cast<int64_t>(whole.out.size()) <= maxBody, "the output is within maxBody");
  }
  if (whole.last.status == ParseStatus::Incomplete)
    require(whole.consumed <= body.size(), "the decoder consumes at most its input");
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view in(reinterpret_cast<const char *>(data), size);

  HeadLimits tight;
  tight.maxHeadBytes = 1024;
  tight.maxTargetBytes = 64;
  tight.maxHeaders = 8;
  RequestHead head;
  HeadResult r = rdc::http::parseHead(in, head, tight);
  checkHead(in, r, head, tight);

  RequestHead loose;
  HeadResult rl = rdc::http::parseHead(in, loose);
  checkHead(in, rl, loose, HeadLimits{});
  if (r.status == ParseStatus::Done) {
    // Looser limits never reject what tighter ones accept.
    require(rl.status == ParseStatus::Done && rl.consumed == r.consumed,
            "the default limits accept what tighter limits accept");
    require(loose.method == head.method && loose.target == head.target &&
                loose.headers == head.headers && loose.framing == head.framing &&
                loose.contentLength == head.contentLength && loose.keepAlive == head.keepAlive,
            "the limits do not change what is parsed");
    // A proper prefix of an accepted head is still incomplete.
    if (r.consumed - 1 <= tight.maxHeadBytes) {
      RequestHead prefixHead;
      HeadResult rp = rdc::http::parseHead(in.substr(0, r.consumed - 1), prefixHead, tight);
      require(rp.status == ParseStatus::Incomplete, "a proper prefix of a head is incomplete");
    }
  }

  if (rl.status == ParseStatus::Done && loose.framing == Framing::Chunked) {
    std::string_view body = in.substr(rl.consumed);
    // Derive the split point and the body limit from the input, so both vary.
    size_t seed = size;
    for (size_t i = 0; i < rl.consumed && i < 16; ++i)
      seed = seed * 31 + data[i];
    int64_t maxBody = (seed & 4) ? 32 : (1 << 20);
    checkChunked(body, seed >> 3, maxBody);
  }
  return 0;
}
