// A PostgreSQL server of one test's own, started with tests/pg/start.sh and
// stopped with tests/pg/stop.sh (RAII), for tests that stop or restart the
// database: the shared fixture server must never be touched, other tests run
// on it at the same time.
#pragma once

#include "TempDir.h"

#include <string>
#include <vector>

namespace harness {

class PrivatePostgres {
public:
  PrivatePostgres();  // throws with start.sh's output when it cannot start
  ~PrivatePostgres(); // stop.sh: stops the server and removes its data
  PrivatePostgres(const PrivatePostgres &) = delete;
  PrivatePostgres &operator=(const PrivatePostgres &) = delete;

  const std::string &uri() const { return uri_; } // of the maintenance database

  // pg_ctl -m fast stop (clean shutdown, ends every client connection) and
  // start again on the same port; both wait until done. Throw on failure.
  void stop();
  void start();

private:
  std::string pgCtl(const std::vector<std::string> &args) const;

  TempDir dir_;
  std::string uriFile_;
  std::string base_; // start.sh's directory: data/, server.log, socket
  std::string uri_;
  std::string port_;
};

} // namespace harness
