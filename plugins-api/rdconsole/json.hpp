// rdconsole module SDK — JSON helpers on nlohmann::json (header-only, NOT ABI).
//
// Request bodies come from the network, so every helper here reports bad input
// by throwing rdc::HttpError(400, "<clear message>"), which the SDK trampoline
// turns into {"error": ...}. Nothing here echoes raw request bytes into a
// message: error text must stay valid UTF-8 and free of attacker content.
//
// Conventions for the field readers:
//   - JSON null counts as absent (RustDesk clients omit or null optional keys);
//   - a present value of the wrong type is "Field 'k' must be a <type>";
//   - integers are accepted only when written as JSON integers that fit the
//     target type (5.0, 1e3 and 2^64 are rejected, never rounded or wrapped).
#pragma once

#include "rdconsole/sdk.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace rdc {

// Deeper bodies are refused before parsing: nothing a RustDesk client sends
// nests more than a few levels, and recursive consumers (dump, copy, compare)
// must never meet a tree deep enough to exhaust the stack.
inline constexpr int kMaxJsonDepth = 64;

namespace detail {

inline bool isJsonWhitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Deepest array/object nesting in `text`, ignoring brackets inside strings.
// Stops counting once `limit` is exceeded. Only a guard: the parser still
// decides whether the text is JSON at all.
inline int nestingDepth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool inString = false, escaped = false;
  for (char c : text) {
    if (inString) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit)
          return deepest;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

// Turns nlohmann's parse message into a short reason without the raw bytes it
// quotes ("; last read: '<bytes>'"), e.g. "syntax error while parsing value -
// invalid literal (line 1, column 2)". Only printable ASCII survives.
inline std::string shortParseReason(const nlohmann::json::exception &e) {
  if (e.id == 406) // out_of_range.406: a number literal beyond double range
    return "number out of range";
  std::string_view what = e.what();
  std::string position;
  if (auto at = what.find(" at line "); at != std::string_view::npos) {
    auto colon = what.find(": ", at);
    if (colon != std::string_view::npos) {
      position = std::string(what.substr(at + 4, colon - at - 4));
      what.remove_prefix(colon + 2);
    }
  } else if (auto bracket = what.find("] "); bracket != std::string_view::npos) {
    what.remove_prefix(bracket + 2);
  }
  if (auto lastRead = what.find("; last read:"); lastRead != std::string_view::npos)
    what = what.substr(0, lastRead);
  std::string reason;
  for (char c : what) {
    if (c >= 0x20 && c < 0x7f)
      reason += c;
    if (reason.size() >= 120)
      break;
  }
  if (reason.empty())
    reason = "syntax error";
  if (!position.empty())
    reason += " (" + position + ")";
  return reason;
}

inline std::string fieldMessage(std::string_view key, std::string_view tail) {
  std::string m = "Field '";
  m += key;
  m += "' ";
  m += tail;
  return m;
}

// The value under `key`, or nullptr when the key is absent or null.
inline const nlohmann::json *presentField(const nlohmann::json &obj, std::string_view key) {
  if (!obj.is_object())
    return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null())
    return nullptr;
  return &*it;
}

} // namespace detail

// Parses a request body that must be one JSON object. With allowEmpty, an
// empty or whitespace-only body yields {} (several RustDesk POSTs send none).
inline nlohmann::json parseJsonObject(std::string_view body, bool allowEmpty = false) {
  bool blank = true;
  for (char c : body) {
    if (!detail::isJsonWhitespace(c)) {
      blank = false;
      break;
    }
  }
  if (blank) {
    if (allowEmpty)
      return nlohmann::json::object();
    throw HttpError(400, "Request body must be a JSON object");
  }
  if (detail::nestingDepth(body, kMaxJsonDepth) > kMaxJsonDepth)
    throw HttpError(400, "Request body is nested too deeply (max " + std::to_string(kMaxJsonDepth) +
                             " levels)");
  nlohmann::json parsed;
  try {
    parsed = nlohmann::json::parse(body.begin(), body.end());
  } catch (const nlohmann::json::exception &e) {
    throw HttpError(400, "Request body is not valid JSON: " + detail::shortParseReason(e));
  }
  if (!parsed.is_object())
    throw HttpError(400, "Request body must be a JSON object");
  return parsed;
}

// ---- field readers (null = absent) --------------------------------------------

inline std::optional<std::string> optString(const nlohmann::json &obj, std::string_view key,
                                            std::size_t maxBytes) {
  const nlohmann::json *v = detail::presentField(obj, key);
  if (!v)
    return std::nullopt;
  if (!v->is_string())
    throw HttpError(400, detail::fieldMessage(key, "must be a string"));
  const auto &s = v->get_ref<const std::string &>();
  if (s.size() > maxBytes)
    throw HttpError(
        400, detail::fieldMessage(key, "is too long (max " + std::to_string(maxBytes) + " bytes)"));
  // "\u0000" is valid JSON but no database (PostgreSQL TEXT) or C string
  // can hold it: refuse it here rather than fail deeper as a 5xx.
  if (s.find('\0') != std::string::npos)
    throw HttpError(400, detail::fieldMessage(key, "must not contain NUL characters"));
  return s;
}

inline std::string requireString(const nlohmann::json &obj, std::string_view key,
                                 std::size_t maxBytes) {
  auto s = optString(obj, key, maxBytes);
  if (!s)
    throw HttpError(400, detail::fieldMessage(key, "is required"));
  return std::move(*s);
}

// The nested object, or nullptr when absent/null. Points into `obj`.
inline const nlohmann::json *optObject(const nlohmann::json &obj, std::string_view key) {
  const nlohmann::json *v = detail::presentField(obj, key);
  if (v && !v->is_object())
    throw HttpError(400, detail::fieldMessage(key, "must be an object"));
  return v;
}

inline std::optional<int64_t> optInt64(const nlohmann::json &obj, std::string_view key) {
  const nlohmann::json *v = detail::presentField(obj, key);
  if (!v)
    return std::nullopt;
  if (v->is_number_integer() && !v->is_number_unsigned())
    return v->get<int64_t>();
  if (v->is_number_unsigned()) {
    uint64_t u = v->get<uint64_t>();
    if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return static_cast<int64_t>(u);
  }
  throw HttpError(400, detail::fieldMessage(key, "must be an integer between "
                                                 "-9223372036854775808 and "
                                                 "9223372036854775807"));
}

inline std::optional<uint64_t> optUint64(const nlohmann::json &obj, std::string_view key) {
  const nlohmann::json *v = detail::presentField(obj, key);
  if (!v)
    return std::nullopt;
  if (v->is_number_unsigned())
    return v->get<uint64_t>();
  // Parsed non-negative literals are stored unsigned; a signed integer is
  // either negative (refused) or built in code / written as -0 (fine).
  if (v->is_number_integer() && v->get<int64_t>() >= 0)
    return static_cast<uint64_t>(v->get<int64_t>());
  throw HttpError(400, detail::fieldMessage(key, "must be an integer between 0 and "
                                                 "18446744073709551615"));
}

inline std::optional<bool> optBool(const nlohmann::json &obj, std::string_view key) {
  const nlohmann::json *v = detail::presentField(obj, key);
  if (!v)
    return std::nullopt;
  if (!v->is_boolean())
    throw HttpError(400, detail::fieldMessage(key, "must be a boolean"));
  return v->get<bool>();
}

// ---- replies --------------------------------------------------------------------

// Compact UTF-8 JSON text. Invalid UTF-8 in strings (e.g. from an old database
// row) becomes U+FFFD instead of throwing.
inline std::string jsonDump(const nlohmann::json &j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

inline void replyJson(Exchange &ex, int status, const nlohmann::json &body) {
  ex.json(status, jsonDump(body));
}

} // namespace rdc
