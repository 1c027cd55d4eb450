// Connection-level HTTP behaviour as a client sees it over a raw socket:
// keep-alive with more connections than request threads, pipelining,
// 100-continue, HTTP/1.0, the keep-alive and read timeouts, HEAD, bodies on
// GET, oversize heads, and connections that carry no request at all.
#include "harness/JsonChecks.h"
#include "harness/Poll.h"
#include "harness/RawConnection.h"
#include "harness/RawHttp.h"
#include "harness/TestServer.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <vector>

using namespace harness;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// Every wait is bounded: a server that never answers fails the test instead of hanging it.
constexpr auto kReplyWait = 10s;

const nlohmann::json kHealthy = {{"status", "ok"}};

std::string get(const std::string &target, const std::string &extraHeaders = "",
                const std::string &version = "HTTP/1.1") {
  return "GET " + target + " " + version + "\r\nHost: 127.0.0.1\r\n" + extraHeaders + "\r\n";
}

void expectHealthy(const std::optional<HttpResponse> &r) {
  REQUIRE_MESSAGE(r.has_value(), "no complete reply within the bounded wait");
  INFO(r->describe());
  CHECK(r->status == 200);
  CHECK(r->json() == kHealthy);
}

bool hasConnectionOption(const HttpResponse &r, const std::string &option) {
  std::string v = r.header("Connection").value_or("");
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  return v.find(option) != std::string::npos;
}

long long msSince(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

// A 4xx refusal of a malformed head: JSON {"error"} when the server says it is
// JSON, any body otherwise (the head may be refused before routing).
void expectRefused(const std::string &raw, std::initializer_list<int> allowed) {
  INFO("reply stream: " << raw.substr(0, 400));
  auto r = parseResponse(raw);
  REQUIRE_MESSAGE(r.has_value(), "no reply to an oversize request head");
  INFO(r->describe());
  CHECK(std::find(allowed.begin(), allowed.end(), r->status) != allowed.end());
  if (r->header("Content-Type").value_or("").rfind("application/json", 0) == 0) {
    auto j = nlohmann::json::parse(r->body, nullptr, false);
    REQUIRE(j.is_object());
    CHECK(j.contains("error"));
  }
}

} // namespace

TEST_CASE("connection: more idle keep-alive connections than request threads are all served") {
  // With a thread per connection, an idle keep-alive connection holds a
  // thread, so the fifth client waits for one of the first four to time out.
  // The keep-alive timeout is long so that nothing here is served by a
  // connection being closed.
  // The same limits for both listeners: Poco's (max_threads) and the event
  // listener's (one serving thread, no reserves).
  TestServer s(ServerOptions()
                   .set("http.max_threads=4")
                   .set("http.workers=1")
                   .set("http.reserve_workers=0")
                   .set("http.keep_alive_timeout_ms=60000"));
  s.start();
  constexpr int kConnections = 16;
  std::vector<RawConnection> conns;
  for (int i = 0; i < kConnections; ++i)
    conns.emplace_back(s.host(), s.port());

  for (int round = 1; round <= 2; ++round) {
    for (auto &c : conns)
      REQUIRE(c.send(get("/healthz")));
    // One deadline for the whole round; a reply already received is still
    // read after it (the short floor).
    auto deadline = Clock::now() + kReplyWait;
    int served = 0;
    std::string unserved;
    for (int i = 0; i < kConnections; ++i) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      auto r = conns[i].readResponse(std::max(left, std::chrono::milliseconds(100)));
      if (r && r->status == 200 && r->body == kHealthy.dump())
        ++served;
      else
        unserved += "\n  connection " + std::to_string(i) + ": " +
                    (r ? r->describe() : std::string("no reply"));
    }
    INFO("round " << round << ", not served:" << unserved);
    REQUIRE(served == kConnections);
  }
  // While all sixteen stay open, a new client is still served.
  auto fresh = s.http().timeout(10s).get("/healthz");
  CHECK(fresh.status == 200);
  for (auto &c : conns)
    CHECK_FALSE(c.closedByServer());
}

TEST_CASE("connection: pipelined requests are answered in order and complete") {
  TestServer s;
  s.start();

  SUBCASE("two requests in one send, then the connection stays open") {
    RawConnection c(s.host(), s.port());
    REQUIRE(c.send(get("/healthz") + get("/nope")));
    expectHealthy(c.readResponse(kReplyWait));
    auto notFound = c.readResponse(kReplyWait);
    REQUIRE(notFound.has_value());
    expectError(*notFound, 404, "No such endpoint: GET /nope");
    // Nothing extra, and the connection is still usable.
    CHECK(c.pending().empty());
    REQUIRE(c.send(get("/healthz")));
    expectHealthy(c.readResponse(kReplyWait));
  }

  SUBCASE("three requests in one send, the last with Connection: close") {
    RawConnection c(s.host(), s.port());
    REQUIRE(c.send(get("/healthz") + get("/nope") + get("/healthz", "Connection: close\r\n")));
    expectHealthy(c.readResponse(kReplyWait));
    auto notFound = c.readResponse(kReplyWait);
    REQUIRE(notFound.has_value());
    expectError(*notFound, 404, "No such endpoint: GET /nope");
    auto last = c.readResponse(kReplyWait);
    expectHealthy(last);
    // RFC 9112 §9.6: the server answers "close" with "close" and then closes.
    CHECK(hasConnectionOption(*last, "close"));
    CHECK(c.waitForClose(kReplyWait));
    CHECK(c.pending().empty());
  }
}

TEST_CASE("connection: Expect 100-continue gets an interim 100 before the body is sent") {
  TestServer s;
  s.start();
  RawConnection c(s.host(), s.port());
  const std::string body = "not json";
  REQUIRE(c.send("POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 "Content-Type: application/json\r\nContent-Length: " +
                 std::to_string(body.size()) + "\r\nExpect: 100-continue\r\n\r\n"));
  // A client such as curl waits for this before it sends the body.
  auto interim = c.readResponse(kReplyWait);
  REQUIRE_MESSAGE(interim.has_value(), "no 100 Continue before the body was sent");
  INFO(interim->describe());
  CHECK(interim->status == 100);
  CHECK(interim->body.empty());

  REQUIRE(c.send(body));
  auto r = c.readResponse(kReplyWait);
  REQUIRE(r.has_value());
  std::string msg = expectError(*r, 400);
  CHECK(msg.rfind("Request body is not valid JSON", 0) == 0);

  // The body was consumed exactly: the next request on the connection works.
  REQUIRE(c.send(get("/healthz")));
  expectHealthy(c.readResponse(kReplyWait));
  CHECK(c.pending().empty());
}

TEST_CASE("connection: HTTP/1.0 closes after the reply unless the client asks for keep-alive") {
  TestServer s;
  s.start();

  SUBCASE("no Connection header: one reply, then the server closes") {
    RawConnection c(s.host(), s.port());
    REQUIRE(c.send(get("/healthz", "", "HTTP/1.0")));
    expectHealthy(c.readResponse(kReplyWait));
    CHECK(c.waitForClose(kReplyWait));
    CHECK(c.pending().empty());
  }

  SUBCASE("Connection: keep-alive: the connection serves a second request") {
    RawConnection c(s.host(), s.port());
    REQUIRE(c.send(get("/healthz", "Connection: keep-alive\r\n", "HTTP/1.0")));
    auto first = c.readResponse(kReplyWait);
    expectHealthy(first);
    // An HTTP/1.0 client keeps the connection only when the reply says so.
    CHECK(hasConnectionOption(*first, "keep-alive"));
    CHECK_FALSE(c.closedByServer());
    REQUIRE(c.send(get("/healthz", "Connection: keep-alive\r\n", "HTTP/1.0")));
    expectHealthy(c.readResponse(kReplyWait));
  }
}

TEST_CASE("connection: an idle keep-alive connection is closed after the keep-alive timeout") {
  TestServer s(ServerOptions().set("http.keep_alive_timeout_ms=300"));
  s.start();
  RawConnection c(s.host(), s.port());
  REQUIRE(c.send(get("/healthz")));
  expectHealthy(c.readResponse(kReplyWait));
  auto replied = Clock::now();
  REQUIRE_MESSAGE(c.waitForClose(kReplyWait), "the idle connection was never closed");
  auto waited = msSince(replied);
  INFO("closed " << waited << " ms after the reply");
  // A lower bound on the timeout: the connection was not closed right away.
  CHECK(waited >= 200);
  CHECK(c.pending().empty());
  CHECK(s.http().get("/healthz").status == 200);
}

TEST_CASE("connection: a client that stalls inside a request head is dropped after the read "
          "timeout") {
  // The keep-alive timeout is long: what drops these clients must be the read timeout.
  TestServer s(
      ServerOptions().set("http.read_timeout_ms=500").set("http.keep_alive_timeout_ms=60000"));
  s.start();
  // A 408 before closing is fine; any other reply is not.
  auto expectDroppedQuietly = [](const RawConnection &c) {
    INFO("received: " << c.pending());
    if (!c.pending().empty()) {
      auto r = parseResponse(c.pending());
      REQUIRE(r.has_value());
      CHECK(r->status == 408);
    }
  };

  SUBCASE("on a new connection") {
    RawConnection c(s.host(), s.port());
    auto sent = Clock::now();
    REQUIRE(c.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
    REQUIRE_MESSAGE(c.waitForClose(kReplyWait), "the stalled client was never dropped");
    INFO("dropped " << msSince(sent) << " ms after the partial head");
    CHECK(msSince(sent) >= 300);
    expectDroppedQuietly(c);
  }

  SUBCASE("on a keep-alive connection after a complete request") {
    RawConnection c(s.host(), s.port());
    REQUIRE(c.send(get("/healthz")));
    expectHealthy(c.readResponse(kReplyWait));
    auto sent = Clock::now();
    REQUIRE(c.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
    REQUIRE_MESSAGE(c.waitForClose(kReplyWait), "the stalled client was never dropped");
    INFO("dropped " << msSince(sent) << " ms after the partial head");
    CHECK(msSince(sent) >= 300);
    expectDroppedQuietly(c);
  }

  CHECK(s.http().get("/healthz").status == 200);
}

TEST_CASE("connection: HEAD sends the GET headers without body bytes and the connection stays "
          "usable") {
  TestServer s;
  s.start();
  RawConnection c(s.host(), s.port());
  REQUIRE(c.send("HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  auto head = c.readResponse(kReplyWait, /*bodyExpected=*/false);
  REQUIRE(head.has_value());
  INFO(head->describe());
  CHECK(head->status == 200);
  CHECK(head->header("Content-Length") == std::to_string(kHealthy.dump().size()));
  CHECK(head->header("Content-Type") == kJsonContentType);
  // Body bytes after the HEAD reply would be read as the start of this reply.
  REQUIRE(c.send(get("/healthz")));
  auto next = c.readResponse(kReplyWait);
  INFO("stream after the HEAD reply: " << c.pending());
  expectHealthy(next);
  CHECK(c.pending().empty());
}

TEST_CASE("connection: a body on a GET is consumed and never parsed as the next request") {
  TestServer s;
  s.start();
  RawConnection c(s.host(), s.port());
  // The body is itself a request: a server that skipped it would answer a 404 for it.
  const std::string smuggled = get("/nope");
  REQUIRE(c.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
                 std::to_string(smuggled.size()) + "\r\n\r\n" + smuggled +
                 get("/healthz", "Connection: close\r\n")));
  expectHealthy(c.readResponse(kReplyWait));
  expectHealthy(c.readResponse(kReplyWait));
  CHECK(c.waitForClose(kReplyWait));
  INFO("extra bytes: " << c.pending());
  CHECK(c.pending().empty());
}

TEST_CASE("connection: an overlong request target or too many header fields get a 4xx and the "
          "server survives") {
  TestServer s;
  s.start();

  // A long target and many header fields within reason are still served.
  auto longOk = rawExchange(s.host(), s.port(),
                            rawRequest("GET", "/healthz?pad=" + std::string(4000, 'a'), ""));
  expectHealthy(parseResponse(longOk));
  std::string someFields;
  for (int i = 0; i < 50; ++i)
    someFields += "X-Field-" + std::to_string(i) + ": value\r\n";
  expectHealthy(parseResponse(
      rawExchange(s.host(), s.port(), rawRequest("GET", "/healthz", "", someFields))));

  SUBCASE("a 20 KB request target") {
    expectRefused(rawExchange(s.host(), s.port(),
                              rawRequest("GET", "/healthz?pad=" + std::string(20 * 1024, 'a'), "")),
                  {400, 414});
  }

  SUBCASE("200 header fields") {
    std::string fields;
    for (int i = 0; i < 200; ++i)
      fields += "X-Field-" + std::to_string(i) + ": value\r\n";
    expectRefused(rawExchange(s.host(), s.port(), rawRequest("GET", "/healthz", "", fields)),
                  {400, 431});
  }

  CHECK(s.http().get("/healthz").status == 200);
  CHECK(canConnect(s.host(), s.port()));
}

TEST_CASE("connection: many connections closed without a request leave the server answering") {
  TestServer s;
  s.start();
  // All open at once, then half vanish with a reset and half close normally.
  std::vector<RawConnection> conns;
  for (int i = 0; i < 200; ++i)
    conns.emplace_back(s.host(), s.port());
  for (size_t i = 0; i < conns.size(); ++i) {
    if (i % 2)
      conns[i].reset();
    else
      conns[i].close();
  }
  conns.clear();
  auto r = s.http().timeout(10s).get("/healthz");
  INFO(r.describe());
  CHECK(r.status == 200);
  CHECK(r.json() == kHealthy);

  // And a keep-alive connection opened afterwards serves two requests.
  RawConnection c(s.host(), s.port());
  REQUIRE(c.send(get("/healthz")));
  expectHealthy(c.readResponse(kReplyWait));
  REQUIRE(c.send(get("/healthz")));
  expectHealthy(c.readResponse(kReplyWait));
}

TEST_CASE("connection: past http.max_connections a new connection is closed at once and the "
          "server serves again when one ends") {
  TestServer s(
      ServerOptions().set("http.max_connections=2").set("http.keep_alive_timeout_ms=60000"));
  s.start();
  std::vector<RawConnection> held;
  for (int i = 0; i < 2; ++i) {
    held.emplace_back(s.host(), s.port());
    REQUIRE(held.back().send(get("/healthz")));
    expectHealthy(held.back().readResponse(kReplyWait));
  }
  // A third is accepted by the kernel and closed by the server without a reply.
  RawConnection third(s.host(), s.port());
  third.send(get("/healthz"));
  CHECK(third.waitForClose(kReplyWait));
  CHECK(third.pending().empty());
  // The log is written asynchronously.
  CHECK(pollUntil(kReplyWait, [&] {
    return s.log().find("http.max_connections (2) reached") != std::string::npos;
  }));
  // The held ones are still served.
  REQUIRE(held[0].send(get("/healthz")));
  expectHealthy(held[0].readResponse(kReplyWait));

  // Once one of them ends, a new connection gets through (the server sees the
  // close asynchronously, hence the bounded retry).
  held[1].close();
  bool served = false;
  auto deadline = Clock::now() + kReplyWait;
  while (!served && Clock::now() < deadline) {
    RawConnection c(s.host(), s.port());
    if (!c.send(get("/healthz")))
      continue;
    auto r = c.readResponse(kReplyWait);
    served = r && r->status == 200;
  }
  CHECK(served);
}

TEST_CASE("connection: a request that blocks does not hold up requests on other connections") {
  // One serving thread and one reserve. The slow request and three quick ones
  // arrive together, so the serving thread may take them all from one wait
  // (the event listener takes events in batches): the quick ones must still
  // be answered long before the slow one ends. Several rounds, because
  // whether they share a batch depends on timing.
  TestServer s(ServerOptions()
                   .withFixtures({"probe"})
                   .set("http.max_threads=8")
                   .set("http.workers=1")
                   .set("http.reserve_workers=1")
                   .set("http.keep_alive_timeout_ms=60000"));
  s.start();
  constexpr int kQuick = 3;
  constexpr auto kSlow = 3000ms;
  // Far below kSlow, far above a healthy reply time even under sanitizers.
  constexpr auto kQuickBound = 1500ms;
  RawConnection slow(s.host(), s.port());
  std::vector<RawConnection> quick;
  for (int i = 0; i < kQuick; ++i)
    quick.emplace_back(s.host(), s.port());
  for (int round = 1; round <= 3; ++round) {
    INFO("round " << round);
    auto sent = Clock::now();
    REQUIRE(slow.send(get("/fixture/slow?ms=" + std::to_string(kSlow.count()))));
    for (auto &c : quick)
      REQUIRE(c.send(get("/healthz")));
    for (int i = 0; i < kQuick; ++i) {
      INFO("quick connection " << i);
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(sent + kQuickBound - Clock::now());
      expectHealthy(quick[static_cast<size_t>(i)].readResponse(std::max(left, 1ms)));
    }
    CHECK(msSince(sent) < kQuickBound.count());
    auto r = slow.readResponse(kReplyWait);
    REQUIRE_MESSAGE(r.has_value(), "the slow request was never answered");
    INFO(r->describe());
    CHECK(r->status == 200);
    CHECK(r->json() == nlohmann::json{{"slept_ms", kSlow.count()}});
  }
}
