// gzip for replies: does a request's Accept-Encoding allow it, and the
// compression itself (zlib, gzip framing).
#pragma once

#include <string>
#include <string_view>

namespace rdc::http {

// True when the Accept-Encoding value(s) accept gzip: "gzip" or "x-gzip"
// with a non-zero q, or "*" with a non-zero q when gzip is not listed
// itself ("gzip;q=0, *" refuses gzip). Tokens are case-insensitive.
bool acceptsGzip(std::string_view acceptEncoding);

// The gzip (RFC 1952) encoding of `data` (up to 4 GiB; replies are far
// smaller). Throws std::runtime_error when zlib fails.
std::string gzipCompress(std::string_view data);

} // namespace rdc::http
