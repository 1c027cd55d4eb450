#include "http/Compression.h"

#include <zlib.h>

#include <cctype>
#include <stdexcept>

namespace rdc::http {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// The q of one list element's parameters ("q=0.5"); 1 when absent. A
// malformed q counts as 0: when in doubt, send the reply uncompressed.
double qualityOf(std::string_view params) {
  while (!params.empty()) {
    size_t semi = params.find(';');
    std::string_view p = trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    size_t eq = p.find('=');
    if (eq == std::string_view::npos || !iequals(trim(p.substr(0, eq)), "q"))
      continue;
    std::string v(trim(p.substr(eq + 1)));
    // RFC 9110: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
    if (v.empty() || v.size() > 5 || (v[0] != '0' && v[0] != '1'))
      return 0;
    if (v.size() > 1 && v[1] != '.')
      return 0;
    for (size_t i = 2; i < v.size(); ++i)
      if (v[i] < '0' || v[i] > '9')
        return 0;
    return std::stod(v);
  }
  return 1;
}

} // namespace

bool acceptsGzip(std::string_view header) {
  int gzip = -1; // -1 not listed, 0 refused, 1 accepted
  int star = -1;
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    size_t semi = item.find(';');
    std::string_view coding = trim(item.substr(0, semi));
    double q = semi == std::string_view::npos ? 1 : qualityOf(item.substr(semi + 1));
    int verdict = q > 0 ? 1 : 0;
    if (iequals(coding, "gzip") || iequals(coding, "x-gzip"))
      gzip = gzip == 1 ? 1 : verdict; // a positive listing wins over a repeated q=0
    else if (coding == "*")
      star = verdict;
  }
  return gzip == 1 || (gzip == -1 && star == 1);
}

std::string gzipCompress(std::string_view data) {
  if (data.size() > 0xFFFFFFFFu)
    throw std::runtime_error("gzip: body too large to compress in one piece");
  z_stream z{};
  // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("gzip: deflateInit2 failed");
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())), '\0');
  z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef *>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  // deflateBound is enough for one Z_FINISH call over the whole input.
  int rc = deflate(&z, Z_FINISH);
  size_t written = out.size() - z.avail_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END)
    throw std::runtime_error("gzip: deflate failed");
  out.resize(written);
  return out;
}

} // namespace rdc::http
