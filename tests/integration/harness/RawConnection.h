// A persistent raw TCP connection for connection-level tests (keep-alive,
// pipelining, 100-continue, timeouts): the test decides when to send, reads
// one reply at a time with a deadline, and sees when the server closes.
// Unlike rawExchange it never half-closes the connection by itself.
#pragma once

#include "HttpResponse.h"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace harness {

class RawConnection {
public:
  // Connects (blocking); throws when the connection is refused.
  RawConnection(const std::string &host, int port);
  ~RawConnection();
  RawConnection(RawConnection &&other) noexcept;
  RawConnection &operator=(RawConnection &&other) noexcept;
  RawConnection(const RawConnection &) = delete;
  RawConnection &operator=(const RawConnection &) = delete;

  // Sends all of `bytes`; false when the server closed or reset the
  // connection (or did not read for 10 s).
  bool send(std::string_view bytes);

  // Reads the next complete reply from the stream, an interim 1xx reply
  // included; bytes after it stay buffered for the next call. nullopt when no
  // complete reply arrived within `timeout` or the server closed first.
  // `bodyExpected` false for the reply to a HEAD request.
  std::optional<HttpResponse> readResponse(std::chrono::milliseconds timeout,
                                           bool bodyExpected = true);

  // Blocks until the server closes the connection (FIN or reset); false when
  // it is still open after `timeout`. Bytes that arrive meanwhile are kept in
  // pending().
  bool waitForClose(std::chrono::milliseconds timeout);

  // Received bytes that no readResponse() consumed yet.
  const std::string &pending() const { return buffer_; }
  // True once the server's FIN or reset has been seen.
  bool closedByServer() const { return closed_; }

  // Closes with a reset instead of a FIN (SO_LINGER 0): a client that vanishes.
  void reset();
  // Closes normally (FIN); the destructor does this too.
  void close();

private:
  // One recv(), waiting at most until `deadline`; false on timeout or close.
  bool receiveSome(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;
  bool closed_ = false;
};

// The length of the first complete reply at the start of `stream`, or nullopt
// while it is incomplete. `eof`: the server has closed, which completes a
// reply framed by the end of the connection (no Content-Length, not chunked).
std::optional<size_t> completeResponseLength(const std::string &stream, bool bodyExpected,
                                             bool eof);

} // namespace harness
