// HTTP/1.1 request framing for the event server (RFC 9112): the request head
// and chunked bodies, parsed from bytes already received. No I/O here, so
// every malformed input is testable and fuzzable in isolation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rdc::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

// The value of the first header named `name` (ASCII case-insensitive), or
// nullptr.
const std::string *findHeader(const Headers &headers, std::string_view name);

enum class Framing {
  None,       // no body (neither Content-Length nor Transfer-Encoding)
  Length,     // Content-Length bytes follow the head
  Chunked,    // Transfer-Encoding: chunked
  Unsupported // any other Transfer-Encoding: the body length is unknowable
};

struct RequestHead {
  std::string method; // as sent (case-sensitive, RFC 9110 §9.1)
  std::string target; // the raw request-target
  int versionMinor = 1;
  Headers headers;       // names as sent, values without surrounding whitespace
  bool keepAlive = true; // HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with "keep-alive"
  bool expectContinue = false; // "Expect: 100-continue"
  Framing framing = Framing::None;
  int64_t contentLength = 0; // for Framing::Length
};

struct HeadLimits {
  size_t maxHeadBytes = 65536;  // request line + headers + the blank line
  size_t maxTargetBytes = 8192; // longer targets get 414
  size_t maxHeaders = 100;      // more header fields get 431
};

enum class ParseStatus { Incomplete, Done, Error };

struct HeadResult {
  ParseStatus status = ParseStatus::Incomplete;
  size_t consumed = 0; // bytes of the head, including the blank line (Done only)
  int errorStatus = 0; // 400, 414, 431 or 505 (Error only)
  std::string error;   // one readable line (Error only)
};

// Parses a request head from the start of `in`. Incomplete when no blank line
// has arrived yet and `in` is still within maxHeadBytes (431 beyond). Lines end
// in CRLF; a bare CR or LF inside a line, obsolete line folding, a header name
// that is not a token, control characters in a value, a malformed or
// conflicting Content-Length are errors (400). Leading empty lines before the
// request line are skipped (RFC 9112 §2.2).
HeadResult parseHead(std::string_view in, RequestHead &out, const HeadLimits &limits = {});

// Decodes a chunked body incrementally: feed it bytes as they arrive, it
// appends the data to `out` and reports how many input bytes it consumed.
// Chunk extensions are ignored; trailer fields are read and dropped.
class ChunkedDecoder {
public:
  struct Result {
    ParseStatus status = ParseStatus::Incomplete; // Done after the last chunk's trailers
    size_t consumed = 0;
    std::string error; // Error only
  };
  // `maxBody`: decoded bytes allowed in total; beyond it the result is an
  // Error whose `tooLarge` flag is set (the caller answers 413).
  Result feed(std::string_view in, std::string &out, int64_t maxBody);
  bool tooLarge() const { return tooLarge_; }

private:
  enum class State { Size, Extension, SizeLf, Data, DataCr, DataLf, Trailer, TrailerLf, Done };
  State state_ = State::Size;
  uint64_t remaining_ = 0; // bytes left in the current chunk
  int sizeDigits_ = 0;
  size_t lineBytes_ = 0; // length of the current size or trailer line (bounded)
  bool tooLarge_ = false;
};

} // namespace rdc::http
