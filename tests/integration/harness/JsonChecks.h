// Checks on reply shapes that the RustDesk client is strict about.
#pragma once

#include "HttpResponse.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <string>

namespace harness {

// True when any object at any depth has this key (client-truth §5.4: an
// "error" key, even null, marks a reply as failed).
inline bool hasKeyAnywhere(const nlohmann::json &j, const std::string &key) {
  if (j.is_object()) {
    if (j.contains(key))
      return true;
    for (const auto &[k, v] : j.items())
      if (hasKeyAnywhere(v, key))
        return true;
  } else if (j.is_array()) {
    for (const auto &v : j)
      if (hasKeyAnywhere(v, key))
        return true;
  }
  return false;
}

inline bool hasNullAnywhere(const nlohmann::json &j) {
  if (j.is_null())
    return true;
  if (j.is_structured())
    for (const auto &[k, v] : j.items())
      if (hasNullAnywhere(v))
        return true;
  return false;
}

inline constexpr const char *kJsonContentType = "application/json; charset=utf-8";

// The reply is `status` with a JSON body {"error": <string>} and the JSON
// content type; returns the message.
inline std::string expectError(const HttpResponse &r, int status) {
  INFO(r.describe());
  CHECK(r.status == status);
  CHECK(r.header("Content-Type").value_or("") == kJsonContentType);
  nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  REQUIRE_MESSAGE(j.is_object(), "error reply is not a JSON object");
  REQUIRE_MESSAGE(j.contains("error"), "error reply has no \"error\" key");
  REQUIRE(j["error"].is_string());
  CHECK(!j["error"].get<std::string>().empty());
  return j["error"].get<std::string>();
}

inline void expectError(const HttpResponse &r, int status, const std::string &message) {
  std::string got = expectError(r, status);
  INFO(r.describe());
  CHECK(got == message);
}

} // namespace harness
