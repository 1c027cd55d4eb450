#include "http/RequestParser.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

using namespace rdc::http;
using namespace std::string_literals;

namespace {

const char *const kGet = "GET /api/login?x=1 HTTP/1.1\r\nHost: example.com\r\n"
                         "User-Agent: rustdesk\r\n\r\n";

struct Parsed {
  HeadResult result;
  RequestHead head;
};

Parsed parse(std::string_view in, const HeadLimits &limits = {}) {
  Parsed p;
  p.result = parseHead(in, p.head, limits);
  return p;
}

// A complete head that must be rejected with `status` and a readable reason.
void expectError(std::string_view in, int status, const HeadLimits &limits = {}) {
  Parsed p = parse(in, limits);
  INFO("input: ", std::string(in.substr(0, 200)));
  REQUIRE(p.result.status == ParseStatus::Error);
  CHECK(p.result.errorStatus == status);
  CHECK_FALSE(p.result.error.empty());
}

// A complete head that must be accepted as a whole.
Parsed expectDone(std::string_view in, const HeadLimits &limits = {}) {
  Parsed p = parse(in, limits);
  INFO("input: ", std::string(in.substr(0, 200)));
  INFO("error: ", p.result.error);
  REQUIRE(p.result.status == ParseStatus::Done);
  CHECK(p.result.consumed == in.size());
  return p;
}

// The request "GET / HTTP/1.1" with the given header lines (each without CRLF).
std::string withHeaders(std::initializer_list<std::string> lines,
                        std::string_view version = "1.1") {
  std::string s = "GET / HTTP/" + std::string(version) + "\r\nHost: a\r\n";
  for (const auto &line : lines)
    s += line + "\r\n";
  return s + "\r\n";
}

struct Decoded {
  ChunkedDecoder::Result result;
  std::string out;
  bool tooLarge = false;
};

Decoded decodeWhole(std::string_view in, int64_t maxBody = 1 << 20) {
  Decoded d;
  ChunkedDecoder dec;
  d.result = dec.feed(in, d.out, maxBody);
  d.tooLarge = dec.tooLarge();
  return d;
}

} // namespace

// ---- parseHead: accepted requests ------------------------------------------

TEST_CASE("RequestParser: a plain GET is parsed into method, target, version and headers") {
  Parsed p = expectDone(kGet);
  CHECK(p.result.errorStatus == 0);
  CHECK(p.head.method == "GET");
  CHECK(p.head.target == "/api/login?x=1");
  CHECK(p.head.versionMinor == 1);
  REQUIRE(p.head.headers.size() == 2);
  CHECK(p.head.headers[0] == std::pair<std::string, std::string>{"Host", "example.com"});
  CHECK(p.head.headers[1] == std::pair<std::string, std::string>{"User-Agent", "rustdesk"});
  CHECK(p.head.keepAlive);
  CHECK_FALSE(p.head.expectContinue);
  CHECK(p.head.framing == Framing::None);
}

TEST_CASE("RequestParser: a pipelined second request is not consumed with the first head") {
  std::string two = std::string(kGet) + "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n";
  Parsed p = parse(two);
  REQUIRE(p.result.status == ParseStatus::Done);
  CHECK(p.result.consumed == std::string_view(kGet).size());
  CHECK(p.head.target == "/api/login?x=1");
}

TEST_CASE("RequestParser: the method is kept case-sensitive as sent") {
  Parsed p = expectDone("Get / HTTP/1.1\r\nHost: a\r\n\r\n");
  CHECK(p.head.method == "Get");
}

TEST_CASE("RequestParser: a POST with Content-Length frames by length and leaves the body") {
  std::string head = "POST /api/ab/peers HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n"
                     "Content-Type: application/json\r\n\r\n";
  std::string in = head + R"({"a":"bcd"})";
  Parsed p = parse(in);
  REQUIRE(p.result.status == ParseStatus::Done);
  CHECK(p.result.consumed == head.size());
  CHECK(p.head.method == "POST");
  CHECK(p.head.framing == Framing::Length);
  CHECK(p.head.contentLength == 11);
}

TEST_CASE("RequestParser: Content-Length 0 frames by length with an empty body") {
  Parsed p = expectDone(withHeaders({"Content-Length: 0"}));
  CHECK(p.head.framing == Framing::Length);
  CHECK(p.head.contentLength == 0);
}

TEST_CASE("RequestParser: every proper prefix of a valid head is Incomplete") {
  for (std::string full :
       {std::string(kGet), "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nX-E:\r\n\r\n"s,
        "\r\n\r\nGET / HTTP/1.0\r\n\r\n"s}) {
    for (size_t n = 0; n < full.size(); ++n) {
      RequestHead head;
      HeadResult r = parseHead(std::string_view(full).substr(0, n), head);
      INFO("prefix length ", n, " of ", full.size());
      CHECK(r.status == ParseStatus::Incomplete);
    }
    expectDone(full);
  }
}

TEST_CASE("RequestParser: leading empty lines before the request line are skipped") {
  std::string in = "\r\n\r\nGET /healthz HTTP/1.1\r\nHost: a\r\n\r\n";
  Parsed p = expectDone(in); // consumed covers the skipped lines too
  CHECK(p.head.method == "GET");
  CHECK(p.head.target == "/healthz");
}

TEST_CASE("RequestParser: header values are trimmed of surrounding spaces and tabs") {
  Parsed p = expectDone(
      withHeaders({"X-A:   v a l \t ", "X-B:\t\tx\t", "X-C:y", "X-Empty:", "X-Blank: \t "}));
  REQUIRE(p.head.headers.size() == 6);
  CHECK(p.head.headers[1].first == "X-A");
  CHECK(p.head.headers[1].second == "v a l");
  CHECK(p.head.headers[2].second == "x");
  CHECK(p.head.headers[3].second == "y");
  CHECK(p.head.headers[4].second == "");
  CHECK(p.head.headers[5].second == "");
}

TEST_CASE("RequestParser: findHeader is case-insensitive and returns the first match") {
  Parsed p = expectDone(withHeaders({"X-Dup: first", "x-dup: second", "CONTENT-type: a/b"}));
  const std::string *v = findHeader(p.head.headers, "X-DUP");
  REQUIRE(v != nullptr);
  CHECK(*v == "first");
  REQUIRE(findHeader(p.head.headers, "content-type") != nullptr);
  CHECK(*findHeader(p.head.headers, "content-type") == "a/b");
  CHECK(*findHeader(p.head.headers, "host") == "a");
  CHECK(findHeader(p.head.headers, "X-Missing") == nullptr);
  CHECK(findHeader(p.head.headers, "X-Du") == nullptr);
  CHECK(findHeader({}, "Host") == nullptr);
}

TEST_CASE("RequestParser: HTTP/1.1 keeps the connection alive unless a close token is sent") {
  CHECK(expectDone(withHeaders({})).head.keepAlive);
  CHECK(expectDone(withHeaders({"Connection: keep-alive"})).head.keepAlive);
  CHECK(expectDone(withHeaders({"Connection: Upgrade"})).head.keepAlive);
  CHECK_FALSE(expectDone(withHeaders({"Connection: close"})).head.keepAlive);
  CHECK_FALSE(expectDone(withHeaders({"Connection: CLOSE"})).head.keepAlive);
  CHECK_FALSE(expectDone(withHeaders({"connection: Close"})).head.keepAlive);
  CHECK_FALSE(expectDone(withHeaders({"Connection: keep-alive, close"})).head.keepAlive);
  CHECK_FALSE(expectDone(withHeaders({"Connection: Upgrade,close"})).head.keepAlive);
}

TEST_CASE("RequestParser: HTTP/1.0 closes the connection unless keep-alive is sent") {
  Parsed p = expectDone(withHeaders({}, "1.0"));
  CHECK(p.head.versionMinor == 0);
  CHECK_FALSE(p.head.keepAlive);
  CHECK(expectDone(withHeaders({"Connection: keep-alive"}, "1.0")).head.keepAlive);
  CHECK(expectDone(withHeaders({"Connection: Keep-Alive"}, "1.0")).head.keepAlive);
  CHECK(expectDone(withHeaders({"Connection: Upgrade, keep-alive"}, "1.0")).head.keepAlive);
  CHECK_FALSE(expectDone(withHeaders({"Connection: close"}, "1.0")).head.keepAlive);
}

TEST_CASE("RequestParser: Expect 100-continue sets expectContinue in any case") {
  CHECK(expectDone(withHeaders({"Expect: 100-continue"})).head.expectContinue);
  CHECK(expectDone(withHeaders({"expect: 100-Continue"})).head.expectContinue);
  CHECK(expectDone(withHeaders({"EXPECT:  100-CONTINUE "})).head.expectContinue);
  CHECK_FALSE(expectDone(withHeaders({})).head.expectContinue);
}

// ---- parseHead: body framing -----------------------------------------------

TEST_CASE("RequestParser: Transfer-Encoding chunked frames as Chunked in any case") {
  CHECK(expectDone(withHeaders({"Transfer-Encoding: chunked"})).head.framing == Framing::Chunked);
  CHECK(expectDone(withHeaders({"Transfer-Encoding: Chunked"})).head.framing == Framing::Chunked);
  CHECK(expectDone(withHeaders({"transfer-encoding:   CHUNKED  "})).head.framing ==
        Framing::Chunked);
}

TEST_CASE("RequestParser: a Transfer-Encoding other than chunked alone is Unsupported") {
  for (const char *te : {"gzip, chunked", "chunked, gzip", "gzip", "identity", "chunked,chunked"}) {
    INFO("Transfer-Encoding: ", te);
    CHECK(expectDone(withHeaders({"Transfer-Encoding: "s + te})).head.framing ==
          Framing::Unsupported);
  }
}

// The header: None is "neither Content-Length nor Transfer-Encoding", and any
// Transfer-Encoding but chunked is Unsupported; an empty one included, so a
// Content-Length beside it cannot frame the body.
TEST_CASE("RequestParser: an empty Transfer-Encoding is Unsupported") {
  CHECK(expectDone(withHeaders({"Transfer-Encoding:"})).head.framing == Framing::Unsupported);
  CHECK(expectDone(withHeaders({"Transfer-Encoding: ", "Content-Length: 5"})).head.framing ==
        Framing::Unsupported);
}

// RFC 9110 §5.3: repeated field lines form one comma-separated list, so
// "chunked" followed by another line "gzip" is "chunked, gzip". Reading only
// the first line would frame as chunked what a proxy frames otherwise.
TEST_CASE("RequestParser: repeated Transfer-Encoding lines are read as one list") {
  CHECK(expectDone(withHeaders({"Transfer-Encoding: chunked", "Transfer-Encoding: gzip"}))
            .head.framing == Framing::Unsupported);
  CHECK(expectDone(withHeaders({"Transfer-Encoding: gzip", "Transfer-Encoding: chunked"}))
            .head.framing == Framing::Unsupported);
}

TEST_CASE("RequestParser: Transfer-Encoding wins over Content-Length") {
  Parsed p = expectDone(withHeaders({"Content-Length: 10", "Transfer-Encoding: chunked"}));
  CHECK(p.head.framing == Framing::Chunked);
  Parsed q = expectDone(withHeaders({"Transfer-Encoding: chunked", "Content-Length: 10"}));
  CHECK(q.head.framing == Framing::Chunked);
}

// ---- parseHead: errors -------------------------------------------------------

TEST_CASE("RequestParser: a malformed request line is a 400") {
  for (std::string line :
       {"G@T / HTTP/1.1", "GE(T / HTTP/1.1", "GET\x01 / HTTP/1.1", " / HTTP/1.1", "GET /", "GET",
        "GET HTTP/1.1", "GET  / HTTP/1.1", "GET /  HTTP/1.1", "GET / HTTP/1.1 extra",
        "GET\t/ HTTP/1.1", "GET / HTTP/1.1 ", "GET /a b HTTP/1.1"}) {
    expectError(line + "\r\nHost: a\r\n\r\n", 400);
  }
}

TEST_CASE("RequestParser: a well-formed but unsupported HTTP version is a 505") {
  for (const char *v : {"HTTP/2.0", "HTTP/1.2", "HTTP/3.0", "HTTP/0.9"})
    expectError("GET / "s + v + "\r\nHost: a\r\n\r\n", 505);
}

TEST_CASE("RequestParser: a garbage HTTP version is a 400") {
  for (const char *v : {"HTTP/1", "HTTP/1.", "HTTP/1.1x", "HTTP/11", "http/1.1", "HTTP/a.b",
                        "FOO/1.1", "HTTP/", "HTTP 1.1", "HTTP/1,1", "HTTP/-1.1", "HTTP/1.+1"})
    expectError("GET / "s + v + "\r\nHost: a\r\n\r\n", 400);
}

TEST_CASE("RequestParser: a target longer than maxTargetBytes is a 414") {
  HeadLimits limits;
  std::string atLimit = "/" + std::string(limits.maxTargetBytes - 1, 'a');
  Parsed p = expectDone("GET " + atLimit + " HTTP/1.1\r\nHost: a\r\n\r\n");
  CHECK(p.head.target == atLimit);
  expectError("GET " + atLimit + "b HTTP/1.1\r\nHost: a\r\n\r\n", 414);

  HeadLimits small;
  small.maxTargetBytes = 16;
  expectDone("GET /" + std::string(15, 'x') + " HTTP/1.1\r\n\r\n", small);
  expectError("GET /" + std::string(16, 'x') + " HTTP/1.1\r\n\r\n", 414, small);
}

TEST_CASE("RequestParser: more than maxHeaders fields is a 431") {
  HeadLimits limits;
  std::string ok = "GET / HTTP/1.1\r\n";
  for (size_t i = 0; i < limits.maxHeaders; ++i)
    ok += "X-H" + std::to_string(i) + ": v\r\n";
  Parsed p = expectDone(ok + "\r\n");
  CHECK(p.head.headers.size() == limits.maxHeaders);
  expectError(ok + "X-One-More: v\r\n\r\n", 431);
}

TEST_CASE("RequestParser: a head beyond maxHeadBytes without a blank line is a 431") {
  HeadLimits limits;
  std::string in = "GET / HTTP/1.1\r\n";
  while (in.size() <= limits.maxHeadBytes)
    in += "X-Filler: " + std::string(50, 'f') + "\r\n";
  expectError(in, 431);

  // Also one long header line that has no CRLF yet.
  expectError("GET / HTTP/1.1\r\nX-Long: " + std::string(limits.maxHeadBytes, 'v'), 431);
}

TEST_CASE("RequestParser: empty lines beyond maxHeadBytes are a 431, not Incomplete forever") {
  HeadLimits limits;
  limits.maxHeadBytes = 100;
  std::string in;
  while (in.size() <= limits.maxHeadBytes)
    in += "\r\n";
  expectError(in, 431, limits);
}

TEST_CASE("RequestParser: a complete head beyond maxHeadBytes is a 431") {
  HeadLimits limits;
  std::string in = "GET / HTTP/1.1\r\nX-Big: " + std::string(limits.maxHeadBytes, 'v') + "\r\n\r\n";
  expectError(in, 431);
}

TEST_CASE("RequestParser: a head of exactly maxHeadBytes is accepted") {
  HeadLimits limits;
  limits.maxHeadBytes = 200;
  std::string start = "GET / HTTP/1.1\r\nX-Fill: ";
  std::string in = start + std::string(limits.maxHeadBytes - start.size() - 4, 'v') + "\r\n\r\n";
  REQUIRE(in.size() == limits.maxHeadBytes);
  expectDone(in, limits);
  RequestHead head;
  CHECK(parseHead(std::string_view(in).substr(0, in.size() - 1), head, limits).status ==
        ParseStatus::Incomplete);
  std::string over = start + std::string(limits.maxHeadBytes - start.size() - 3, 'v') + "\r\n\r\n";
  expectError(over, 431, limits);
}

TEST_CASE("RequestParser: a bare LF or bare CR inside a line is a 400") {
  expectError("GET / HTTP/1.1\nHost: a\r\n\r\n", 400);
  expectError("GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", 400);
  expectError("GET / HTTP/1.1\r\nHost: a\r\nX: b\n\r\n\r\n", 400);
  expectError("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", 400);
  expectError("GET /\r HTTP/1.1\r\nHost: a\r\n\r\n", 400);
  expectError("GET / HTTP/1.1\r\nX\r: b\r\n\r\n", 400);
}

TEST_CASE("RequestParser: obsolete line folding is a 400") {
  expectError("GET / HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n two\r\n\r\n", 400);
  expectError("GET / HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n\ttwo\r\n\r\n", 400);
  // A folded line right after the request line.
  expectError("GET / HTTP/1.1\r\n Host: a\r\n\r\n", 400);
}

TEST_CASE("RequestParser: a header name that is not a token is a 400") {
  for (const char *line : {"Host : a", "Host\t: a", "Ho st: a", "Ho(st: a", "Ho\"st: a", "Ho@st: a",
                           "Ho/st: a", ": a", "NoColon", "Host\x01: a", "H\x80st: a"})
    expectError(withHeaders({line}), 400);
  Parsed p = expectDone(withHeaders({"X-Tok!#$%&'*+.^_`|~09az: ok"}));
  CHECK(p.head.headers[1].first == "X-Tok!#$%&'*+.^_`|~09az");
}

TEST_CASE("RequestParser: control characters in a value are a 400 but TAB and high bytes pass") {
  expectError(withHeaders({"X-A: a\x01"
                           "b"}),
              400);
  expectError(withHeaders({"X-A: a\x7f"
                           "b"}),
              400);
  expectError(withHeaders({"X-A: \x1b[31m"}), 400);
  Parsed p = expectDone(withHeaders({"X-A: a\tb", "X-B: caf\xc3\xa9 \xff\x80"}));
  CHECK(p.head.headers[1].second == "a\tb");
  CHECK(p.head.headers[2].second == "caf\xc3\xa9 \xff\x80");
}

TEST_CASE("RequestParser: a malformed Content-Length is a 400") {
  for (const char *cl : {"abc", "-1", "+5", "5a", "0x10", "1 2", "1.0", "", "99999999999999999999",
                         "18446744073709551616", "9223372036854775808", "5, 6"})
    expectError(withHeaders({"Content-Length: "s + cl}), 400);
}

TEST_CASE("RequestParser: the largest int64 Content-Length is parsed exactly") {
  Parsed p = expectDone(withHeaders({"Content-Length: 9223372036854775807"}));
  CHECK(p.head.framing == Framing::Length);
  CHECK(p.head.contentLength == std::numeric_limits<int64_t>::max());
}

TEST_CASE("RequestParser: conflicting Content-Length values are a 400 but equal ones pass") {
  expectError(withHeaders({"Content-Length: 5", "Content-Length: 6"}), 400);
  expectError(withHeaders({"Content-Length: 5", "content-length: 50"}), 400);
  Parsed p = expectDone(withHeaders({"Content-Length: 5", "content-length: 5"}));
  CHECK(p.head.framing == Framing::Length);
  CHECK(p.head.contentLength == 5);
}

TEST_CASE("RequestParser: a NUL anywhere in the head is a 400") {
  std::string valid = "GET /a HTTP/1.1\r\nHost: a\r\nX-V: value\r\n\r\n";
  // Every position inside a line (not the CRLFs themselves).
  for (size_t i : {0, 1, 3, 4, 5, 6, 9, 14, 17, 21, 22, 23, 27, 29, 31, 33}) {
    REQUIRE(i < valid.size() - 4);
    std::string in = valid;
    in.insert(i, 1, '\0');
    INFO("NUL at ", i);
    expectError(in, 400);
  }
  expectError("\0\r\nGET / HTTP/1.1\r\n\r\n"s, 400);
}

// ---- ChunkedDecoder -----------------------------------------------------------

const char *const kChunked = "4\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\n\r\n";
const char *const kChunkedText = "Wikipedia in\r\n\r\nchunks.";

TEST_CASE("RequestParser: ChunkedDecoder decodes a simple body in one feed") {
  Decoded d = decodeWhole(kChunked);
  REQUIRE(d.result.status == ParseStatus::Done);
  CHECK(d.result.consumed == std::string_view(kChunked).size());
  CHECK(d.out == kChunkedText);
  CHECK_FALSE(d.tooLarge);
}

TEST_CASE("RequestParser: ChunkedDecoder appends to what the output already holds") {
  ChunkedDecoder dec;
  std::string out = "prefix:";
  CHECK(dec.feed("3\r\nabc\r\n0\r\n\r\n", out, 100).status == ParseStatus::Done);
  CHECK(out == "prefix:abc");
}

TEST_CASE("RequestParser: ChunkedDecoder decodes an empty body") {
  Decoded d = decodeWhole("0\r\n\r\n");
  REQUIRE(d.result.status == ParseStatus::Done);
  CHECK(d.result.consumed == 5);
  CHECK(d.out.empty());
}

TEST_CASE("RequestParser: ChunkedDecoder fed one byte at a time matches one feed") {
  std::string in = kChunked;
  ChunkedDecoder dec;
  std::string out, pending;
  size_t consumed = 0;
  ChunkedDecoder::Result r;
  for (size_t i = 0; i < in.size(); ++i) {
    // The caller keeps bytes the decoder did not consume and offers them again.
    pending += in[i];
    r = dec.feed(pending, out, 1 << 20);
    INFO("after byte ", i);
    REQUIRE(r.status != ParseStatus::Error);
    REQUIRE(r.consumed <= pending.size());
    consumed += r.consumed;
    pending.erase(0, r.consumed);
    if (i + 1 < in.size())
      CHECK(r.status == ParseStatus::Incomplete);
    // Every output so far is a prefix of the whole body.
    CHECK(std::string_view(kChunkedText).substr(0, out.size()) == out);
  }
  CHECK(r.status == ParseStatus::Done);
  CHECK(consumed == in.size());
  CHECK(out == kChunkedText);
}

TEST_CASE("RequestParser: ChunkedDecoder gives the same result for every split point") {
  std::string in = "a;x=y\r\n0123456789\r\n2\r\nAB\r\n0\r\nT: v\r\n\r\n";
  for (size_t split = 0; split <= in.size(); ++split) {
    ChunkedDecoder dec;
    std::string out;
    auto r1 = dec.feed(std::string_view(in).substr(0, split), out, 1 << 20);
    REQUIRE(r1.status != ParseStatus::Error);
    std::string rest = in.substr(r1.consumed);
    auto r2 = r1.status == ParseStatus::Done ? r1 : dec.feed(rest, out, 1 << 20);
    INFO("split at ", split);
    CHECK(r2.status == ParseStatus::Done);
    CHECK(r1.consumed + (r1.status == ParseStatus::Done ? 0 : r2.consumed) == in.size());
    CHECK(out == "0123456789AB");
  }
}

TEST_CASE("RequestParser: ChunkedDecoder ignores chunk extensions") {
  Decoded d = decodeWhole("4;name=value\r\nWiki\r\n5 ; a=\"q;x\"\r\npedia\r\n0;last\r\n\r\n");
  REQUIRE(d.result.status == ParseStatus::Done);
  CHECK(d.out == "Wikipedia");
}

TEST_CASE("RequestParser: ChunkedDecoder reads and drops trailer fields") {
  std::string in = "4\r\nWiki\r\n0\r\nX-Checksum: abc\r\nX-Other: d\r\n\r\n";
  Decoded d = decodeWhole(in);
  REQUIRE(d.result.status == ParseStatus::Done);
  CHECK(d.result.consumed == in.size());
  CHECK(d.out == "Wiki");
}

TEST_CASE("RequestParser: ChunkedDecoder accepts upper and lower case hex sizes") {
  std::string data(0x1f, 'z');
  Decoded d =
      decodeWhole("1F\r\n" + data + "\r\n1f\r\n" + data + "\r\nA\r\n0123456789\r\n0\r\n\r\n");
  REQUIRE(d.result.status == ParseStatus::Done);
  CHECK(d.out == data + data + "0123456789");
}

TEST_CASE("RequestParser: ChunkedDecoder leaves data after the final CRLF unconsumed") {
  std::string body = "3\r\nabc\r\n0\r\n\r\n";
  std::string next = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  Decoded d = decodeWhole(body + next);
  REQUIRE(d.result.status == ParseStatus::Done);
  CHECK(d.result.consumed == body.size());
  CHECK(d.out == "abc");
}

TEST_CASE("RequestParser: ChunkedDecoder stays Incomplete until the final CRLF arrives") {
  std::string in = "3\r\nabc\r\n0\r\nT: v\r\n\r\n";
  for (size_t n = 0; n < in.size(); ++n) {
    INFO("prefix length ", n);
    CHECK(decodeWhole(std::string_view(in).substr(0, n)).result.status == ParseStatus::Incomplete);
  }
}

TEST_CASE("RequestParser: ChunkedDecoder rejects a size that is not hex") {
  for (const char *in :
       {"g\r\nabc\r\n0\r\n\r\n", "\r\nabc\r\n0\r\n\r\n", "-1\r\nx\r\n0\r\n\r\n",
        "0x3\r\nabc\r\n0\r\n\r\n", "+3\r\nabc\r\n0\r\n\r\n", "3\r\nabc\r\nzz\r\n\r\n"}) {
    INFO("input: ", in);
    Decoded d = decodeWhole(in);
    CHECK(d.result.status == ParseStatus::Error);
    CHECK_FALSE(d.result.error.empty());
    CHECK_FALSE(d.tooLarge);
  }
}

TEST_CASE("RequestParser: ChunkedDecoder rejects chunk data not followed by CRLF") {
  for (const char *in : {"4\r\nWikiX\r\n0\r\n\r\n", "4\r\nWiki\n0\r\n\r\n", "4\r\nWiki\rX0\r\n\r\n",
                         "3\r\nWiki\r\n0\r\n\r\n"}) {
    INFO("input: ", in);
    Decoded d = decodeWhole(in);
    CHECK(d.result.status == ParseStatus::Error);
    CHECK_FALSE(d.result.error.empty());
    CHECK_FALSE(d.tooLarge);
  }
}

TEST_CASE("RequestParser: ChunkedDecoder rejects a chunk-size line ending in a bare LF") {
  Decoded d = decodeWhole("4\nWiki\r\n0\r\n\r\n");
  CHECK(d.result.status == ParseStatus::Error);
  CHECK_FALSE(d.tooLarge);
}

TEST_CASE("RequestParser: ChunkedDecoder rejects an unbounded size or trailer line") {
  // An extension that never ends must not be buffered forever.
  std::string longExt = "1;" + std::string(1 << 20, 'x');
  Decoded d = decodeWhole(longExt);
  CHECK(d.result.status == ParseStatus::Error);
  CHECK_FALSE(d.result.error.empty());
  CHECK_FALSE(d.tooLarge);

  // Same, fed in small pieces.
  ChunkedDecoder dec;
  std::string out;
  ChunkedDecoder::Result r;
  for (size_t off = 0; off < longExt.size(); off += 1000) {
    r = dec.feed(std::string_view(longExt).substr(off, 1000), out, 1 << 20);
    if (r.status == ParseStatus::Error)
      break;
  }
  CHECK(r.status == ParseStatus::Error);

  std::string longTrailer = "0\r\nX-T: " + std::string(1 << 20, 't');
  CHECK(decodeWhole(longTrailer).result.status == ParseStatus::Error);
}

TEST_CASE("RequestParser: ChunkedDecoder rejects a size overflowing 64 bits") {
  for (const char *in :
       {"10000000000000000\r\n", "FFFFFFFFFFFFFFFFF\r\n", "123456789abcdef0123\r\nx"}) {
    INFO("input: ", in);
    Decoded d = decodeWhole(in, std::numeric_limits<int64_t>::max());
    CHECK(d.result.status == ParseStatus::Error);
    CHECK_FALSE(d.result.error.empty());
  }
}

TEST_CASE("RequestParser: ChunkedDecoder flags tooLarge when the body exceeds maxBody") {
  Decoded exact = decodeWhole(kChunked, std::string_view(kChunkedText).size());
  CHECK(exact.result.status == ParseStatus::Done);
  CHECK_FALSE(exact.tooLarge);

  Decoded over = decodeWhole(kChunked, std::string_view(kChunkedText).size() - 1);
  CHECK(over.result.status == ParseStatus::Error);
  CHECK_FALSE(over.result.error.empty());
  CHECK(over.tooLarge);

  // A single announced chunk that is larger than the limit, data not sent yet.
  Decoded big = decodeWhole("100000\r\n", 1000);
  CHECK(big.result.status != ParseStatus::Done);
  if (big.result.status == ParseStatus::Error)
    CHECK(big.tooLarge);

  // Sent in pieces: the total over all feeds counts, not each feed.
  ChunkedDecoder dec;
  std::string out;
  CHECK(dec.feed("4\r\nWiki\r\n", out, 6).status == ParseStatus::Incomplete);
  auto r = dec.feed("4\r\nWiki\r\n0\r\n\r\n", out, 6);
  CHECK(r.status == ParseStatus::Error);
  CHECK(dec.tooLarge());
}

TEST_CASE("RequestParser: ChunkedDecoder tooLarge stays false for other errors") {
  ChunkedDecoder dec;
  std::string out;
  auto r = dec.feed("zz\r\n", out, 0);
  CHECK(r.status == ParseStatus::Error);
  CHECK_FALSE(dec.tooLarge());
}
