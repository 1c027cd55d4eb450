// Fuzzes the module-side JSON body helpers (rdconsole/json.hpp): parsing a
// request body into an object and reading typed fields from it. The contract
// is that bad input surfaces only as rdc::HttpError (a clean 4xx); any other
// exception escapes this function and libFuzzer reports it as a crash.
#include "rdconsole/json.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {
void require(bool ok, const char *what) {
  if (!ok) {
    std::fprintf(stderr, "property violated: %s\n", what);
    std::abort();
  }
}

// Runs one reader; a rejected field is fine, a 4xx status is required.
template <typename F> void tryRead(F &&read) {
  try {
    read();
  } catch (const rdc::HttpError &e) {
    require(e.status() >= 400 && e.status() < 500, "bad input is answered with a 4xx");
  }
}

// Field names RustDesk clients send (client-truth.md §4) plus whatever keys the
// input itself has, so every reader meets every JSON type.
const char *const kKeys[] = {"username",   "password",   "id",   "uuid", "type",
                             "autoLogin",  "deviceInfo", "os",   "name", "color",
                             "session_id", "conn_id",    "note", "tags", "data"};

template <typename Json> void readField(const Json &obj, const std::string &key) {
  tryRead([&] { (void)rdc::optString(obj, key, 256); });
  tryRead([&] { (void)rdc::optString(obj, key, 0); });
  tryRead([&] { (void)rdc::requireString(obj, key, 1024); });
  tryRead([&] { (void)rdc::optObject(obj, key); });
  tryRead([&] { (void)rdc::optInt64(obj, key); });
  tryRead([&] { (void)rdc::optUint64(obj, key); });
  tryRead([&] { (void)rdc::optBool(obj, key); });
}

void exercise(std::string_view body, bool allowEmpty) {
  try {
    auto obj = rdc::parseJsonObject(body, allowEmpty);
    require(obj.is_object(), "parseJsonObject returns an object");
    for (const char *key : kKeys)
      readField(obj, key);
    for (auto it = obj.begin(); it != obj.end(); ++it)
      readField(obj, it.key());
    // What was accepted must serialise and read back as the same object.
    std::string dumped = rdc::jsonDump(obj);
    require(rdc::parseJsonObject(dumped, false) == obj, "jsonDump round-trips");
  } catch (const rdc::HttpError &e) {
    require(e.status() >= 400 && e.status() < 500, "a rejected body is answered with a 4xx");
  }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view body(reinterpret_cast<const char *>(data), size);
  exercise(body, true);
  exercise(body, false);
  return 0;
}
