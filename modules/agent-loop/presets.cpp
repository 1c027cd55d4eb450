#include "presets.h"

#include <initializer_list>

namespace agent {
namespace {

using nlohmann::json;

// The first key present with a non-empty string value, hyphenated first.
std::optional<std::string> preset(const json &body, std::initializer_list<const char *> keys,
                                  std::vector<std::string> *skipped) {
  for (const char *key : keys) {
    auto it = body.find(key);
    if (it == body.end() || it->is_null())
      continue;
    if (!it->is_string()) {
      if (skipped)
        skipped->push_back(key);
      continue;
    }
    if (!it->get_ref<const std::string &>().empty())
      return it->get<std::string>();
  }
  return std::nullopt;
}

} // namespace

AssignRequest presetsOf(const json &body, std::vector<std::string> *skipped) {
  AssignRequest r;
  if (!body.is_object())
    return r;
  r.addressBookName =
      preset(body, {"preset-address-book-name", "preset_address_book_name"}, skipped);
  if (r.addressBookName) {
    r.addressBookTag =
        preset(body, {"preset-address-book-tag", "preset_address_book_tag"}, skipped);
    r.addressBookAlias =
        preset(body, {"preset-address-book-alias", "preset_address_book_alias"}, skipped);
    r.addressBookPassword =
        preset(body, {"preset-address-book-password", "preset_address_book_password"}, skipped);
    r.addressBookNote =
        preset(body, {"preset-address-book-note", "preset_address_book_note"}, skipped);
  }
  r.userName = preset(body, {"preset-user-name", "preset_user_name", "preset_username"}, skipped);
  r.strategyName = preset(body, {"preset-strategy-name", "preset_strategy_name"}, skipped);
  r.deviceGroupName =
      preset(body, {"preset-device-group-name", "preset_device_group_name"}, skipped);
  r.note = preset(body, {"preset-note", "preset_note"}, skipped);
  return r;
}

bool hasPresets(const AssignRequest &r) {
  return !r.empty();
}

} // namespace agent
