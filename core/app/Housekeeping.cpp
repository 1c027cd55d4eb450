#include "app/Housekeeping.h"

#include <Poco/Logger.h>

namespace rdc::app {

Housekeeping::Housekeeping(auth::TokenService &tokens, std::chrono::seconds interval)
    : tokens_(tokens), interval_(interval) {
  if (interval_.count() > 0)
    worker_ = std::thread([this] { run(); });
}

Housekeeping::~Housekeeping() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable())
    worker_.join();
}

void Housekeeping::run() {
  std::unique_lock lock(mu_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    try {
      int64_t n = tokens_.purgeExpired();
      if (n > 0)
        Poco::Logger::get("housekeeping")
            .information("deleted " + std::to_string(n) + " expired or revoked token(s)");
    } catch (const std::exception &e) {
      Poco::Logger::get("housekeeping").warning(std::string("token purge failed: ") + e.what());
    }
    lock.lock();
  }
}

} // namespace rdc::app
