// Percent-decoding and query-string parsing for request targets.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rdc::http {

// Decodes %XX escapes (and '+' as space when `plusIsSpace`). Nullopt on a
// malformed escape or when the result would contain a NUL byte.
std::optional<std::string> percentDecode(std::string_view in, bool plusIsSpace);

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Parses "a=1&b=x%2By&c" into decoded pairs (a bare key has an empty value).
// Nullopt when any part is malformed.
std::optional<QueryParams> parseQuery(std::string_view query);

// Splits a request target "/p/a?q" into path and query (without '?').
std::pair<std::string_view, std::string_view> splitTarget(std::string_view target);

} // namespace rdc::http
