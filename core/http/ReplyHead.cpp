#include "http/ReplyHead.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>

#include <ctime>
#include <fmt/format.h>

namespace rdc::http {
namespace {

// Formatting the date is the costliest part of a small reply: once a second
// per thread is enough.
const std::string &httpDate() {
  thread_local std::time_t cachedAt = 0;
  thread_local std::string cached;
  std::time_t now = std::time(nullptr);
  if (now != cachedAt) {
    cachedAt = now;
    cached = Poco::DateTimeFormatter::format(Poco::Timestamp::fromEpochTime(now),
                                             Poco::DateTimeFormat::HTTP_FORMAT);
  }
  return cached;
}

bool safe(const std::string &s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos;
}

bool ownedByServer(const std::string &name) {
  for (const char *owned : {"Content-Length", "Transfer-Encoding", "Connection", "Date", "Server"})
    if (Poco::icompare(name, owned) == 0)
      return true;
  return false;
}

} // namespace

std::string replyHead(int status, const Headers &headers, size_t contentLength, bool keepAlive,
                      int requestVersionMinor) {
  std::string out;
  out.reserve(256);
  fmt::format_to(std::back_inserter(out), "HTTP/1.1 {} {}\r\nServer: rdconsole\r\nDate: {}\r\n",
                 status,
                 Poco::Net::HTTPResponse::getReasonForStatus(
                     static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status)),
                 httpDate());
  for (const auto &[name, value] : headers) {
    if (name.empty() || !safe(name) || !safe(value) || ownedByServer(name))
      continue;
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  fmt::format_to(std::back_inserter(out), "Content-Length: {}\r\n", contentLength);
  if (!keepAlive)
    out += "Connection: close\r\n";
  else if (requestVersionMinor == 0)
    out += "Connection: keep-alive\r\n";
  out += "\r\n";
  return out;
}

} // namespace rdc::http
