// Background maintenance while the server runs: every `interval` it deletes
// token rows that can never verify again (expired or revoked), so the tokens
// table does not grow with every login forever. A failure (the database is
// down) is logged and retried at the next interval.
#pragma once

#include "auth/Tokens.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace rdc::app {

class Housekeeping {
public:
  // interval 0 = off (no thread).
  Housekeeping(auth::TokenService &tokens, std::chrono::seconds interval);
  ~Housekeeping(); // stops and joins
  Housekeeping(const Housekeeping &) = delete;
  Housekeeping &operator=(const Housekeeping &) = delete;

private:
  void run();
  auth::TokenService &tokens_;
  std::chrono::seconds interval_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread worker_;
};

} // namespace rdc::app
