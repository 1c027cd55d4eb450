// The status line and header block of an HTTP/1.1 reply, as the event server
// writes it.
#pragma once

#include "http/RequestParser.h"

#include <cstddef>
#include <string>

namespace rdc::http {

// Adds Server, Date, Content-Length and, where the default does not already
// say it, Connection. Header fields whose name or value could break the
// framing (CR, LF, NUL) and the framing fields the server owns
// (Content-Length, Transfer-Encoding, Connection) are not copied from
// `headers`.
std::string replyHead(int status, const Headers &headers, size_t contentLength, bool keepAlive,
                      int requestVersionMinor);

} // namespace rdc::http
