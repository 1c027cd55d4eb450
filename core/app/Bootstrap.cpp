#include "app/Bootstrap.h"

#include <Poco/Logger.h>
#include <openssl/rand.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace rdc::app {
namespace {

std::string randomPassword(size_t len) {
  static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  constexpr size_t n = sizeof(alphabet) - 1; // 57 symbols: no 0/O, 1/l/I look-alikes
  std::string out;
  while (out.size() < len) {
    unsigned char b = 0;
    if (RAND_bytes(&b, 1) != 1)
      throw std::runtime_error("the CSPRNG failed");
    if (b < 256 - (256 % n)) // rejection sampling keeps the choice uniform
      out += alphabet[b % n];
  }
  return out;
}

void writeSecretFile(const std::filesystem::path &p, const std::string &content) {
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::runtime_error("cannot write " + p.string() + ": " + std::strerror(errno));
  ::fchmod(fd, 0600); // the file may have existed with other bits
  ssize_t w = ::write(fd, content.data(), content.size());
  ::close(fd);
  if (w != static_cast<ssize_t>(content.size()))
    throw std::runtime_error("cannot write " + p.string());
}

} // namespace

std::optional<std::filesystem::path> ensureInitialAdmin(Runtime &rt) {
  if (rt.users->count() > 0)
    return std::nullopt;
  std::string name = rt.config.getString("identity.bootstrap_admin");
  std::string password = randomPassword(20);
  std::filesystem::path file = rt.dataDir / "initial-admin-password";
  auth::NewUser u;
  u.name = name;
  u.password = password;
  u.isAdmin = true;
  // The file first: a user whose password was never written down would be
  // locked away for good.
  writeSecretFile(file, password + "\n");
  try {
    rt.users->create(u);
  } catch (const std::invalid_argument &e) {
    std::filesystem::remove(file);
    if (rt.users->findByName(name))
      return std::nullopt; // another instance created it at the same moment
    throw std::runtime_error("cannot create the initial administrator '" + name + "': " +
                             e.what());
  }
  Poco::Logger::get("bootstrap")
      .warning("created initial administrator '" + name + "'; its password is in " + file.string());
  return file;
}

} // namespace rdc::app
