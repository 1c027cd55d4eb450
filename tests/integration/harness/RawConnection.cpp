#include "RawConnection.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <utility>

namespace harness {
namespace {

// The end of a chunked body starting at `pos` (after the last chunk's
// trailers), or nullopt while incomplete or malformed.
std::optional<size_t> chunkedEnd(const std::string &s, size_t pos) {
  for (;;) {
    size_t eol = s.find("\r\n", pos);
    if (eol == std::string::npos)
      return std::nullopt;
    size_t len = 0;
    try {
      len = std::stoul(s.substr(pos, eol - pos), nullptr, 16); // stops at a ';' extension
    } catch (const std::exception &) {
      return std::nullopt;
    }
    pos = eol + 2;
    if (len == 0)
      break;
    if (s.size() < pos + len + 2)
      return std::nullopt;
    pos += len + 2;
  }
  // Trailer fields up to an empty line.
  for (;;) {
    size_t eol = s.find("\r\n", pos);
    if (eol == std::string::npos)
      return std::nullopt;
    if (eol == pos)
      return eol + 2;
    pos = eol + 2;
  }
}

} // namespace

std::optional<size_t> completeResponseLength(const std::string &stream, bool bodyExpected,
                                             bool eof) {
  size_t headEnd = stream.find("\r\n\r\n");
  if (headEnd == std::string::npos)
    return std::nullopt;
  size_t bodyStart = headEnd + 4;
  auto head = parseResponse(stream.substr(0, bodyStart), /*bodyExpected=*/false);
  if (!head)
    return eof ? std::optional<size_t>(stream.size()) : std::nullopt; // garbage: take it all
  // RFC 9112 §6.3: these replies end with their head whatever they announce.
  if (!bodyExpected || head->status / 100 == 1 || head->status == 204 || head->status == 304)
    return bodyStart;
  auto te = head->header("Transfer-Encoding");
  if (te && te->find("chunked") != std::string::npos)
    return chunkedEnd(stream, bodyStart);
  if (auto cl = head->header("Content-Length")) {
    size_t n = std::stoul(*cl);
    if (stream.size() < bodyStart + n)
      return std::nullopt;
    return bodyStart + n;
  }
  // Framed by the end of the connection.
  return eof ? std::optional<size_t>(stream.size()) : std::nullopt;
}

RawConnection::RawConnection(const std::string &host, int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0)
    throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    close();
    throw std::runtime_error("bad IPv4 address " + host);
  }
  if (::connect(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
    close();
    throw std::runtime_error("cannot connect to " + host + ":" + std::to_string(port));
  }
  // A server that stops reading must not block a test forever in send().
  timeval tv{10, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

RawConnection::~RawConnection() {
  close();
}

RawConnection::RawConnection(RawConnection &&other) noexcept
    : fd_(std::exchange(other.fd_, -1)), buffer_(std::move(other.buffer_)), closed_(other.closed_) {
}

RawConnection &RawConnection::operator=(RawConnection &&other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    buffer_ = std::move(other.buffer_);
    closed_ = other.closed_;
  }
  return *this;
}

bool RawConnection::send(std::string_view bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t w = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (w > 0)
      sent += static_cast<size_t>(w);
    else if (w < 0 && errno == EINTR)
      continue;
    else
      return false;
  }
  return true;
}

bool RawConnection::receiveSome(std::chrono::steady_clock::time_point deadline) {
  if (closed_)
    return false;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd_, POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(std::max<int64_t>(left.count(), 0)));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false; // timed out
    char buf[16384];
    ssize_t r = ::recv(fd_, buf, sizeof buf, 0);
    if (r > 0) {
      buffer_.append(buf, static_cast<size_t>(r));
      return true;
    }
    if (r < 0 && errno == EINTR)
      continue;
    closed_ = true; // FIN (0) or reset (ECONNRESET)
    return false;
  }
}

std::optional<HttpResponse> RawConnection::readResponse(std::chrono::milliseconds timeout,
                                                        bool bodyExpected) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto len = completeResponseLength(buffer_, bodyExpected, closed_)) {
      auto r = parseResponse(buffer_.substr(0, *len), bodyExpected);
      buffer_.erase(0, *len);
      return r;
    }
    if (!receiveSome(deadline))
      if (closed_ ? !completeResponseLength(buffer_, bodyExpected, true)
                  : std::chrono::steady_clock::now() >= deadline)
        return std::nullopt;
  }
}

bool RawConnection::waitForClose(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!closed_) {
    if (!receiveSome(deadline) && !closed_ && std::chrono::steady_clock::now() >= deadline)
      return false;
  }
  return true;
}

void RawConnection::reset() {
  if (fd_ < 0)
    return;
  linger l{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close();
}

void RawConnection::close() {
  if (fd_ >= 0)
    ::close(fd_);
  fd_ = -1;
}

} // namespace harness
