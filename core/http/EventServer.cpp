#include "http/EventServer.h"

#ifdef __linux__ // epoll; elsewhere HttpServer uses the Poco listener

#include "http/Exchange.h"
#include "http/ReplyHead.h"

#include <Poco/Logger.h>
#include <Poco/Net/SocketAddress.h>

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdexcept>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace rdc::http {

namespace {

constexpr size_t kReadChunk = 16384;
constexpr size_t kReadPerEvent = size_t{1} << 20;
constexpr int kAcceptBatch = 64;
// Events taken per epoll_wait: one call serves several requests (a system
// call is dear on virtual machines), yet a batch is small enough to stay fair.
constexpr int kEventBatch = 16;
// A thread inside one request for longer than this is taken for blocked (the
// database, a password hash) and a reserve thread serves in its place.
constexpr int64_t kBlockedAfterUs = 3000;
constexpr int kMonitorTickMs = 2;
constexpr int64_t kSweepEveryMs = 100;
constexpr int64_t kNoDeadline = INT64_MAX;
// After refusing a body we did not read: how long, and how much, to keep
// reading and discarding so closing does not reset the reply (Apache/nginx
// "lingering close").
constexpr int kLingerMs = 2000;
constexpr size_t kLingerBytes = size_t{64} << 20;

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Poco::Logger &log() {
  return Poco::Logger::get("http");
}

// "::ffff:1.2.3.4" is shown as "1.2.3.4", as the Poco listener does.
std::string peerAddress(const sockaddr_storage &ss) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (ss.ss_family == AF_INET) {
    const auto *a = reinterpret_cast<const sockaddr_in *>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf);
  } else if (ss.ss_family == AF_INET6) {
    const auto *a = reinterpret_cast<const sockaddr_in6 *>(&ss);
    if (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr))
      inet_ntop(AF_INET, &a->sin6_addr.s6_addr[12], buf, sizeof buf);
    else
      inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf);
  }
  return buf;
}

// A server holding thousands of keep-alive connections needs more than the
// usual soft limit of 1024 descriptors; the hard limit is the operator's.
void raiseDescriptorLimit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

std::string errnoText(int err) {
  return std::error_code(err, std::generic_category()).message();
}

} // namespace

struct EventServer::Connection {
  enum class Phase { Head, Body, Chunked, Writing, Lingering };

  int fd = -1;
  uint32_t armed = EPOLLIN; // the events it waits for (handBack re-arms with them)
  std::string peer;
  Phase phase = Phase::Head;
  std::string in;      // received and not yet consumed
  size_t headScan = 0; // where to look for the end of the head next
  bool peerClosed = false;

  // The request being read.
  RequestHead head;
  Request request;
  int64_t bodyLimit = 0;
  ChunkedDecoder chunked;
  int requests = 0;

  // The reply being written: head, then body.
  std::string outHead;
  std::string outBody;
  size_t outSent = 0;
  bool closeAfterWrite = false;
  bool lingerAfterWrite = false;
  size_t lingered = 0;

  // Steady-clock ms after which the sweeper shuts the socket down, so its
  // owner sees EOF and closes it. kNoDeadline while a thread works on it.
  std::atomic<int64_t> deadline{kNoDeadline};
};

EventServer::EventServer(Dispatcher &dispatcher, const ServerOptions &o)
    : dispatcher_(dispatcher), opts_(o) {
  raiseDescriptorLimit();
  Poco::Net::SocketAddress addr(o.bind, o.port);
  listenFd_ = ::socket(addr.family() == Poco::Net::SocketAddress::IPv6 ? AF_INET6 : AF_INET,
                       SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listenFd_ < 0)
    throw std::runtime_error("socket: " + errnoText(errno));
  int one = 1;
  // No SO_REUSEPORT: a second rdconsole on the same port must fail to start
  // instead of silently taking half the traffic.
  ::setsockopt(listenFd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listenFd_, addr.addr(), addr.length()) != 0 || ::listen(listenFd_, 1024) != 0) {
    int err = errno;
    ::close(listenFd_);
    throw std::runtime_error(errnoText(err));
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  ::getsockname(listenFd_, reinterpret_cast<sockaddr *>(&bound), &len);
  port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6 *>(&bound)->sin6_port
                                            : reinterpret_cast<sockaddr_in *>(&bound)->sin_port);

  epollFd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wakeFd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epollFd_ < 0 || wakeFd_ < 0)
    throw std::runtime_error("epoll: " + errnoText(errno));
  epoll_event ev{};
  ev.events = EPOLLIN; // level-triggered and never read: wakes every thread on stop
  ev.data.ptr = &wakeFd_;
  ::epoll_ctl(epollFd_, EPOLL_CTL_ADD, wakeFd_, &ev);
  ev.events = EPOLLIN | EPOLLONESHOT;
  ev.data.ptr = &listenFd_;
  ::epoll_ctl(epollFd_, EPOLL_CTL_ADD, listenFd_, &ev);
}

EventServer::~EventServer() {
  stop(std::chrono::milliseconds(0));
  for (int fd : {listenFd_, epollFd_, wakeFd_})
    if (fd >= 0)
      ::close(fd);
}

void EventServer::start() {
  started_ = true;
  int serving = opts_.workers > 0
                    ? opts_.workers
                    : std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
  int threads = serving + opts_.reserveWorkers;
  gate_ = std::make_unique<ServingGate>(serving, threads);
  for (int i = 0; i < threads; ++i)
    batches_.push_back(std::make_unique<Batch>());
  for (int i = 0; i < threads; ++i)
    workers_.emplace_back([this, i] { workerLoop(i); });
  monitor_ = std::thread([this] { monitorLoop(); });
}

void EventServer::stop(std::chrono::milliseconds drainBound) {
  if (stopped_)
    return;
  stopped_ = true;
  dispatcher_.beginDrain();
  // No new connections: connects are refused from here on. The descriptor
  // itself is closed in the destructor, after every thread is gone.
  ::epoll_ctl(epollFd_, EPOLL_CTL_DEL, listenFd_, nullptr);
  ::shutdown(listenFd_, SHUT_RDWR);
  if (started_ && !dispatcher_.waitIdle(drainBound))
    log().warning("requests still running after the drain timeout; closing");
  stopping_ = true;
  uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wakeFd_, &one, sizeof one);
  if (gate_)
    gate_->stop();
  { std::lock_guard lock(monitorMu_); }
  monitorCv_.notify_all();
  for (auto &t : workers_)
    t.join();
  if (monitor_.joinable())
    monitor_.join();
  std::lock_guard lock(connMu_);
  for (Connection *c : conns_) {
    ::close(c->fd);
    delete c;
  }
  conns_.clear();
}

struct EventServer::Batch {
  std::array<std::atomic<void *>, kEventBatch> pending{};
};

void EventServer::workerLoop(int index) {
  std::array<epoll_event, kEventBatch> events{};
  Batch &batch = *batches_[static_cast<size_t>(index)];
  while (gate_->enter(index)) {
    bool serving = true;
    while (serving) {
      int n = ::epoll_wait(epollFd_, events.data(), kEventBatch, -1);
      if (stopping_)
        return;
      if (n < 0) {
        if (errno == EINTR)
          continue;
        log().error("epoll_wait: " + errnoText(errno));
        return;
      }
      for (int i = 0; i < n; ++i)
        batch.pending[static_cast<size_t>(i)].store(events[static_cast<size_t>(i)].data.ptr,
                                                    std::memory_order_release);
      for (int i = 0; i < n; ++i) {
        void *item = batch.pending[static_cast<size_t>(i)].exchange(nullptr);
        if (item == nullptr || item == &wakeFd_)
          continue; // handed to another thread by the monitor; or stop()
        if (!serving) {
          handBack(item); // parked threads hold no events
          continue;
        }
        gate_->begin(index);
        if (item == &listenFd_)
          acceptSome();
        else
          serve(static_cast<Connection *>(item));
        if (!gate_->end(index))
          serving = false; // replaced while blocked, and not needed any more: park
      }
    }
  }
}

void EventServer::handBack(void *item) {
  epoll_event ev{};
  ev.data.ptr = item;
  int fd = listenFd_;
  if (item == &listenFd_) {
    ev.events = EPOLLIN | EPOLLONESHOT;
  } else {
    // Unowned until the epoll_ctl below: nobody else touches it meanwhile.
    auto *c = static_cast<Connection *>(item);
    ev.events = c->armed | EPOLLRDHUP | EPOLLONESHOT;
    fd = c->fd;
  }
  // One-shot re-arming of a descriptor that is still ready fires it again at
  // once, for whichever thread waits. It fails only for the listener after
  // stop() removed it.
  ::epoll_ctl(epollFd_, EPOLL_CTL_MOD, fd, &ev);
}

void EventServer::acceptSome() {
  for (int i = 0; i < kAcceptBatch; ++i) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    int fd =
        ::accept4(listenFd_, reinterpret_cast<sockaddr *>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      int err = errno;
      if (err == EINTR || err == ECONNABORTED)
        continue;
      if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
        // Re-arming now would spin on the pending connection: the sweeper
        // re-arms the listener shortly, when descriptors may be free again.
        log().warning("cannot accept a connection: " + errnoText(err));
        listenerPaused_ = true;
        return;
      }
      break; // EAGAIN, or the listener was shut down
    }
    bool full = false;
    auto *c = new Connection;
    c->fd = fd;
    c->peer = peerAddress(ss);
    {
      std::lock_guard lock(connMu_);
      full = conns_.size() >= static_cast<size_t>(opts_.maxConnections);
      if (!full)
        conns_.insert(c);
    }
    if (full) {
      // At most one line a second: a flood must not become a log flood.
      static std::atomic<int64_t> lastWarning{0};
      int64_t now = nowMs();
      int64_t last = lastWarning.load();
      if (now - last >= 1000 && lastWarning.compare_exchange_strong(last, now))
        log().warning(fmt::format("refusing connections (from {} and maybe others): "
                                  "http.max_connections ({}) reached",
                                  c->peer, opts_.maxConnections));
      ::close(fd);
      delete c;
      continue;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->deadline = nowMs() + opts_.readTimeoutMs;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
    ev.data.ptr = c;
    if (::epoll_ctl(epollFd_, EPOLL_CTL_ADD, fd, &ev) != 0)
      close(c);
  }
  if (!stopping_) {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLONESHOT;
    ev.data.ptr = &listenFd_;
    ::epoll_ctl(epollFd_, EPOLL_CTL_MOD, listenFd_, &ev);
  }
}

void EventServer::monitorLoop() {
  std::unique_lock lock(monitorMu_);
  int64_t nextSweep = 0;
  while (!stopping_) {
    monitorCv_.wait_for(lock, std::chrono::milliseconds(kMonitorTickMs));
    if (stopping_)
      break;
    for (int replaced : gate_->replaceBlocked(ServingGate::nowUs() - kBlockedAfterUs))
      for (std::atomic<void *> &slot : batches_[static_cast<size_t>(replaced)]->pending)
        if (void *item = slot.exchange(nullptr); item != nullptr && item != &wakeFd_)
          handBack(item);
    if (nowMs() >= nextSweep) {
      sweep();
      nextSweep = nowMs() + kSweepEveryMs;
    }
  }
}

void EventServer::sweep() {
  int64_t now = nowMs();
  {
    std::lock_guard connLock(connMu_);
    for (Connection *c : conns_)
      if (c->deadline.load(std::memory_order_relaxed) <= now) {
        c->deadline = kNoDeadline;
        // Its owner (whoever gets the resulting event) sees EOF or an error
        // and closes it; the sweeper never frees a connection itself.
        ::shutdown(c->fd, SHUT_RDWR);
      }
  }
  if (listenerPaused_.exchange(false)) {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLONESHOT;
    ev.data.ptr = &listenFd_;
    ::epoll_ctl(epollFd_, EPOLL_CTL_MOD, listenFd_, &ev);
  }
}

void EventServer::rearm(Connection *c, uint32_t events, int timeoutMs) {
  c->deadline = nowMs() + timeoutMs;
  c->armed = events;
  epoll_event ev{};
  ev.events = events | EPOLLRDHUP | EPOLLONESHOT;
  ev.data.ptr = c;
  if (::epoll_ctl(epollFd_, EPOLL_CTL_MOD, c->fd, &ev) != 0)
    close(c);
}

void EventServer::close(Connection *c) {
  {
    std::lock_guard lock(connMu_);
    conns_.erase(c);
  }
  ::close(c->fd); // also removes it from the epoll set
  delete c;
}

void EventServer::serve(Connection *c) {
  if (c->phase == Connection::Phase::Lingering) {
    linger(c); // keeps the deadline set when lingering began
    return;
  }
  c->deadline = kNoDeadline;
  if (c->phase == Connection::Phase::Writing) {
    if (flush(c))
      advance(c);
    return;
  }
  // Usually one read holds a whole request. A full buffer means more is
  // waiting (a large body): keep reading, up to a bound, so one upload does
  // not cost an epoll round trip per 16 KiB nor hold a thread indefinitely.
  char buf[kReadChunk];
  for (size_t total = 0; total < kReadPerEvent;) {
    ssize_t n = ::recv(c->fd, buf, sizeof buf, 0);
    if (n > 0) {
      c->in.append(buf, static_cast<size_t>(n));
      total += static_cast<size_t>(n);
      if (static_cast<size_t>(n) < sizeof buf)
        break;
    } else if (n == 0) {
      c->peerClosed = true;
      break;
    } else if (errno == EINTR) {
      continue;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      break;
    } else {
      return close(c);
    }
  }
  advance(c);
}

bool EventServer::advance(Connection *c) {
  using Phase = Connection::Phase;
  for (;;) {
    switch (c->phase) {
    case Phase::Head: {
      if (c->in.empty() && c->peerClosed) {
        close(c);
        return false;
      }
      // Parse only once the blank line is there: a head that trickles in
      // byte by byte is scanned once, not once per byte.
      size_t from = c->headScan > 3 ? c->headScan - 3 : 0;
      if (c->in.find("\r\n\r\n", from) == std::string::npos) {
        c->headScan = c->in.size();
        if (c->in.size() > HeadLimits{}.maxHeadBytes)
          return refuse(c, 431, "Request head too large");
        break; // need more
      }
      RequestHead head;
      HeadResult r = parseHead(c->in, head);
      if (r.status == ParseStatus::Error)
        return refuse(c, r.errorStatus, r.error);
      if (r.status == ParseStatus::Incomplete) {
        c->headScan = c->in.size();
        break;
      }
      c->in.erase(0, r.consumed);
      c->headScan = 0;
      c->head = std::move(head);
      c->request = Request{};
      c->request.method = c->head.method;
      c->request.target = c->head.target;
      c->request.headers = std::move(c->head.headers);
      c->request.clientIp = c->peer;
      c->bodyLimit = dispatcher_.bodyLimit(c->request.method, c->request.target);
      switch (c->head.framing) {
      case Framing::None:
        return dispatch(c);
      case Framing::Unsupported:
        c->request.bodyState = BodyState::Unsupported;
        return dispatch(c);
      case Framing::Length:
        if (c->head.contentLength > c->bodyLimit) {
          c->request.bodyState = BodyState::TooLarge;
          return dispatch(c);
        }
        c->phase = Phase::Body;
        break;
      case Framing::Chunked:
        c->chunked = ChunkedDecoder{};
        c->phase = Phase::Chunked;
        break;
      }
      // RFC 9110 §10.1.1: a client that waits for 100 Continue gets it only
      // for a body we are going to read.
      if (c->head.expectContinue && c->in.empty() && c->head.versionMinor >= 1)
        sendInterim(c, "HTTP/1.1 100 Continue\r\n\r\n");
      continue;
    }
    case Phase::Body: {
      auto want = static_cast<size_t>(c->head.contentLength) - c->request.body.size();
      size_t take = std::min(want, c->in.size());
      c->request.body.append(c->in, 0, take);
      c->in.erase(0, take);
      if (take == want)
        return dispatch(c);
      if (c->peerClosed) {
        close(c); // nobody is left to answer
        return false;
      }
      break; // need more
    }
    case Phase::Chunked: {
      auto r = c->chunked.feed(c->in, c->request.body, c->bodyLimit);
      c->in.erase(0, r.consumed);
      if (r.status == ParseStatus::Done)
        return dispatch(c);
      if (r.status == ParseStatus::Error) {
        c->request.body.clear();
        c->request.bodyState = c->chunked.tooLarge() ? BodyState::TooLarge : BodyState::Malformed;
        return dispatch(c);
      }
      if (c->peerClosed) {
        close(c);
        return false;
      }
      break; // need more
    }
    case Phase::Writing:
    case Phase::Lingering:
      return true; // waiting for the socket
    }
    // More bytes are needed for the request in progress.
    if (c->peerClosed) {
      close(c);
      return false;
    }
    bool idle = c->phase == Phase::Head && c->in.empty();
    rearm(c, EPOLLIN, idle && c->requests > 0 ? opts_.keepAliveTimeoutMs : opts_.readTimeoutMs);
    return false;
  }
}

bool EventServer::dispatch(Connection *c) {
  rdc_exchange ex;
  bool keepAlive = true;
  const bool isHead = c->request.method == "HEAD";
  dispatcher_.handle(c->request, ex, keepAlive);
  ++c->requests;
  bool bodyUnread = !keepAlive; // the dispatcher refused a body we did not read
  keepAlive = keepAlive && c->head.keepAlive && !c->peerClosed &&
              (opts_.maxKeepAliveRequests <= 0 || c->requests < opts_.maxKeepAliveRequests);
  c->outHead =
      replyHead(ex.status, ex.headers, ex.responseBody.size(), keepAlive, c->head.versionMinor);
  c->outBody = isHead ? std::string() : std::move(ex.responseBody);
  c->outSent = 0;
  c->closeAfterWrite = !keepAlive;
  c->lingerAfterWrite = bodyUnread && !c->peerClosed;
  c->request = Request{};
  c->phase = Connection::Phase::Writing;
  if (!flush(c))
    return false;
  return advance(c);
}

// Writes what is left of the reply. True when it is all out and the
// connection goes on to its next request; otherwise the connection is either
// waiting for the socket (re-armed) or closed.
bool EventServer::flush(Connection *c) {
  while (c->outSent < c->outHead.size() + c->outBody.size()) {
    iovec iov[2];
    int count = 0;
    if (c->outSent < c->outHead.size()) {
      iov[count++] = {c->outHead.data() + c->outSent, c->outHead.size() - c->outSent};
      if (!c->outBody.empty())
        iov[count++] = {c->outBody.data(), c->outBody.size()};
    } else {
      size_t off = c->outSent - c->outHead.size();
      iov[count++] = {c->outBody.data() + off, c->outBody.size() - off};
    }
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = static_cast<size_t>(count);
    ssize_t n = ::sendmsg(c->fd, &msg, MSG_NOSIGNAL);
    if (n > 0) {
      c->outSent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      rearm(c, EPOLLOUT, opts_.readTimeoutMs);
      return false;
    }
    close(c);
    return false;
  }
  c->outHead.clear();
  c->outBody.clear();
  c->outBody.shrink_to_fit(); // a large reply's buffer is not kept for an idle connection
  if (c->lingerAfterWrite) {
    ::shutdown(c->fd, SHUT_WR);
    c->phase = Connection::Phase::Lingering;
    c->lingered = 0;
    c->in.clear();
    rearm(c, EPOLLIN, kLingerMs);
    return false;
  }
  if (c->closeAfterWrite) {
    close(c);
    return false;
  }
  c->phase = Connection::Phase::Head;
  return true;
}

bool EventServer::linger(Connection *c) {
  char buf[kReadChunk];
  for (;;) {
    ssize_t n = ::recv(c->fd, buf, sizeof buf, 0);
    if (n > 0) {
      c->lingered += static_cast<size_t>(n);
      if (c->lingered > kLingerBytes)
        break;
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // The sweeper ends the wait; the deadline does not move with each read.
      c->armed = EPOLLIN;
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
      ev.data.ptr = c;
      if (::epoll_ctl(epollFd_, EPOLL_CTL_MOD, c->fd, &ev) != 0)
        break;
      return true;
    }
    break; // EOF or error
  }
  close(c);
  return false;
}

void EventServer::sendInterim(Connection *c, std::string_view bytes) {
  // A fresh connection's send buffer always has room for 25 bytes; if it
  // does not, the client simply sends its body after its own timeout.
  [[maybe_unused]] ssize_t n = ::send(c->fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
}

// A request that cannot be framed: answer it and close, since where the next
// request would start is unknown.
bool EventServer::refuse(Connection *c, int status, std::string_view message) {
  rdc_exchange ex;
  ex.status = status;
  ex.responseBody = fmt::format("{{\"error\":\"{}\"}}", message);
  ex.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  Poco::Logger::get("access").information(
      fmt::format("{} \"-\" {} {}B (unparsable request)", c->peer, status, ex.responseBody.size()));
  c->outHead = replyHead(ex.status, ex.headers, ex.responseBody.size(), false, 1);
  c->outBody = std::move(ex.responseBody);
  c->outSent = 0;
  c->closeAfterWrite = true;
  c->lingerAfterWrite = !c->peerClosed;
  c->phase = Connection::Phase::Writing;
  flush(c);
  return false;
}

} // namespace rdc::http

#else // no epoll: HttpServer never constructs an EventServer here

#include <stdexcept>

namespace rdc::http {

struct EventServer::Batch {};

EventServer::EventServer(Dispatcher &dispatcher, const ServerOptions &opts)
    : dispatcher_(dispatcher), opts_(opts) {
  throw std::logic_error("the event listener needs Linux (epoll); use http.engine = threads");
}
EventServer::~EventServer() = default;
void EventServer::start() {}
void EventServer::stop(std::chrono::milliseconds) {}

} // namespace rdc::http

#endif // __linux__
