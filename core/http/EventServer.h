// The plaintext listener on Linux: one epoll set shared by a few serving
// threads (ServingGate: about one per core, plus reserves that stand in for a
// thread blocked in a slow request). Every connection is registered one-shot, so exactly one
// thread owns it from the moment its event fires until it is re-armed; that
// thread reads, frames the request (RequestParser), runs it through the
// Dispatcher and writes the reply. Idle keep-alive connections cost a file
// descriptor and a buffer, not a thread, so thousands of clients do not need
// thousands of threads, and waiting requests are taken in arrival order.
#pragma once

#include "http/Dispatcher.h"
#include "http/ServerOptions.h"
#include "http/ServingGate.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

namespace rdc::http {

class EventServer {
public:
  // Binds and listens at once (throws std::runtime_error naming the address
  // when that fails).
  EventServer(Dispatcher &dispatcher, const ServerOptions &opts);
  ~EventServer();
  EventServer(const EventServer &) = delete;
  EventServer &operator=(const EventServer &) = delete;

  void start();
  uint16_t port() const { return port_; }
  // Stops accepting, lets running requests finish (bounded), then closes
  // every connection.
  void stop(std::chrono::milliseconds drainBound);

  struct Connection; // defined in EventServer.cpp

private:
  void workerLoop(int index);
  void monitorLoop();
  void sweep();
  void acceptSome();
  void serve(Connection *c);
  // Each returns false once the connection has been closed and freed.
  bool advance(Connection *c);
  bool dispatch(Connection *c);
  bool flush(Connection *c);
  bool linger(Connection *c);
  void rearm(Connection *c, uint32_t events, int timeoutMs);
  // Re-arms an event that was taken from epoll but not served (its thread
  // was replaced while blocked), so another thread gets it.
  void handBack(void *item);
  void sendInterim(Connection *c, std::string_view bytes);
  bool refuse(Connection *c, int status, std::string_view message);
  void close(Connection *c);

  Dispatcher &dispatcher_;
  ServerOptions opts_;
  int listenFd_ = -1;
  int epollFd_ = -1;
  int wakeFd_ = -1; // eventfd: becomes readable once, for good, on stop
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> listenerPaused_{false}; // out of file descriptors: retried by the sweeper
  std::unique_ptr<ServingGate> gate_;
  // Per thread: the events its last epoll_wait returned and it has not taken
  // yet. A thread takes each with an atomic exchange; the monitor empties the
  // batch of a thread it replaces (handBack), so an event waits behind a
  // blocked request only until the thread is found blocked (a few ms), never
  // for the whole request.
  struct Batch;
  std::vector<std::unique_ptr<Batch>> batches_;
  std::vector<std::thread> workers_;
  std::thread monitor_; // replaces blocked threads; sweeps timed-out connections
  std::mutex monitorMu_;
  std::condition_variable monitorCv_;

  // Every open connection, for the sweeper (timeouts) and for stop(). A
  // connection's owner removes it under this lock before closing its socket,
  // so the sweeper never touches a descriptor that was reused.
  std::mutex connMu_;
  std::unordered_set<Connection *> conns_;
  bool started_ = false;
  bool stopped_ = false;
};

} // namespace rdc::http
