// Text checks shared by the core's stores: names, ids and notes must be valid
// UTF-8 on both engines (PostgreSQL refuses anything else; SQLite would store
// it), so the stores check before they write.
#pragma once

#include <string>
#include <string_view>

namespace rdc::auth {

// Number of code points, or -1 when `s` is not valid UTF-8 (overlong forms,
// surrogates and values above U+10FFFF are invalid too).
long utf8Length(std::string_view s);

// True when `s` holds a C0 control character (NUL included) or DEL.
bool hasControlChar(std::string_view s);

// An error text or "" for a stored text field (ids, uuids, notes): at most
// maxBytes bytes, valid UTF-8, no control characters, and not empty unless
// allowEmpty. `what` starts the message ("Device note is too long ...").
std::string textProblem(std::string_view what, std::string_view s, size_t maxBytes,
                        bool allowEmpty);

} // namespace rdc::auth
