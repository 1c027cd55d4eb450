#include "RawHttp.h"

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace harness {
namespace {

class Socket {
public:
  Socket(const std::string &host, int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0)
      throw std::runtime_error("socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1)
      throw std::runtime_error("bad IPv4 address " + host);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0;
  }
  ~Socket() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  Socket(const Socket &) = delete;
  Socket &operator=(const Socket &) = delete;
  int fd() const { return fd_; }
  bool connected() const { return connected_; }

private:
  int fd_ = -1;
  bool connected_ = false;
};

} // namespace

std::string rawExchange(const std::string &host, int port, const std::string &bytes,
                        std::chrono::milliseconds timeout) {
  Socket s(host, port);
  if (!s.connected())
    throw std::runtime_error("cannot connect to " + host + ":" + std::to_string(port));
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string received;
  size_t sent = 0;
  bool readClosed = false;
  // Send and receive together: a server that replies early (413) and stops
  // reading must not dead-lock us on a full send buffer.
  while (!readClosed) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      break;
    pollfd p{s.fd(), static_cast<short>(POLLIN | (sent < bytes.size() ? POLLOUT : 0)), 0};
    int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      char buf[16384];
      ssize_t r = ::recv(s.fd(), buf, sizeof buf, 0);
      if (r > 0)
        received.append(buf, static_cast<size_t>(r));
      else if (r == 0 || errno != EINTR)
        readClosed = true;
    }
    if (!readClosed && (p.revents & POLLOUT) && sent < bytes.size()) {
      ssize_t w = ::send(s.fd(), bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (w > 0)
        sent += static_cast<size_t>(w);
      else if (errno != EINTR && errno != EAGAIN)
        sent = bytes.size(); // the server stopped reading; keep reading its reply
      // Half-close once everything is out, so a keep-alive server sees the
      // end of the input instead of waiting for a next request.
      if (sent == bytes.size())
        ::shutdown(s.fd(), SHUT_WR);
    }
  }
  return received;
}

std::string rawRequest(const std::string &method, const std::string &path, const std::string &body,
                       const std::string &extraHeaders) {
  std::string r = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!body.empty() || method == "POST")
    r += "Content-Type: application/json; charset=utf-8\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n";
  r += extraHeaders;
  r += "\r\n";
  r += body;
  return r;
}

bool canConnect(const std::string &host, int port) {
  try {
    Socket s(host, port);
    return s.connected();
  } catch (const std::exception &) {
    return false;
  }
}

} // namespace harness
