#include "assign.h"

#include "device_store.h"
#include "strategies.h"

#include <rdconsole/json.hpp>

namespace agent {
namespace {

constexpr size_t kMaxNameBytes = 256;     // user, device group, strategy, labels
constexpr size_t kMaxNoteBytes = 1024;    // the registry's limit on a device note
constexpr size_t kMaxBookNameBytes = 128; // ab-store's limits (lib/ab_limits.h)
constexpr size_t kMaxTagBytes = 256;
constexpr size_t kMaxBookFieldBytes = 4096;

bool hasControl(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7F)
      return true;
  return false;
}

void checkText(const std::optional<std::string> &v, const char *field, size_t maxBytes,
               bool controlAllowed = false) {
  if (!v)
    return;
  if (v->size() > maxBytes)
    throw AssignError(400, std::string(field) + " is too long (at most " +
                               std::to_string(maxBytes) + " bytes)");
  if (controlAllowed ? v->find('\0') != std::string::npos : hasControl(*v))
    throw AssignError(400, std::string(field) + " must not contain control characters");
}

bool given(const std::optional<std::string> &v) {
  return v && !v->empty();
}

// The AB platform names of the client (kPeerPlatform*), from a sysinfo `os`
// such as "windows / Windows 11 Pro - 22631" (client-truth §2.23).
std::string platformOf(std::string_view os) {
  std::string first(os.substr(0, os.find(" / ")));
  std::string lower;
  for (char c : first)
    lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (lower == "windows")
    return "Windows";
  if (lower == "linux")
    return "Linux";
  if (lower == "macos")
    return "Mac OS";
  if (lower == "android")
    return "Android";
  std::string all;
  for (char c : os)
    all += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return all.find("linux") != std::string::npos ? "Linux" : "";
}

std::string inQuotes(std::string_view name) {
  return "'" + shownName(name) + "'";
}

// The filing request ab-store acts on (its README documents the payload).
nlohmann::json filingPayload(rdc::Db &db, std::string_view deviceId, const AssignRequest &r,
                             const AssignSource &source) {
  nlohmann::json p = {{"id", deviceId}, {"address_book_name", *r.addressBookName}};
  if (given(r.addressBookTag))
    p["tag"] = *r.addressBookTag;
  if (given(r.addressBookAlias))
    p["alias"] = *r.addressBookAlias;
  if (given(r.addressBookPassword))
    p["password"] = *r.addressBookPassword;
  if (given(r.addressBookNote))
    p["note"] = *r.addressBookNote;
  if (given(r.userName))
    p["user_name"] = *r.userName;
  p["via"] = source.via;
  p["by_user_id"] = source.byUserId;
  // What the address book shows for a new peer, as the group view shows it.
  auto info = shownInfo(db, {std::string(deviceId)});
  if (auto it = info.find(std::string(deviceId)); it != info.end()) {
    if (!it->second.username.empty())
      p["username"] = it->second.username;
    if (!it->second.deviceName.empty())
      p["hostname"] = it->second.deviceName;
    if (std::string platform = platformOf(it->second.os); !platform.empty())
      p["platform"] = platform;
  }
  return p;
}

} // namespace

bool AssignRequest::empty() const {
  return !userName && !strategyName && !addressBookName && !deviceGroupName && !note &&
         !deviceUsername && !deviceName;
}

std::string shownName(std::string_view name) {
  constexpr size_t kMax = 64;
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    // Cut only before a UTF-8 lead byte, so the message stays valid UTF-8.
    if (out.size() >= kMax && (c & 0xC0) != 0x80) {
      out += "...";
      break;
    }
    out += c < 0x20 || c == 0x7F ? '?' : static_cast<char>(c);
  }
  return out;
}

void checkAssignFields(const AssignRequest &r) {
  checkText(r.userName, "user_name", kMaxNameBytes);
  checkText(r.strategyName, "strategy_name", kMaxNameBytes);
  checkText(r.deviceGroupName, "device_group_name", kMaxNameBytes);
  checkText(r.note, "note", kMaxNoteBytes);
  checkText(r.deviceUsername, "device_username", kMaxNameBytes);
  checkText(r.deviceName, "device_name", kMaxNameBytes);
  checkText(r.addressBookName, "address_book_name", kMaxBookNameBytes);
  checkText(r.addressBookTag, "address_book_tag", kMaxTagBytes);
  checkText(r.addressBookAlias, "address_book_alias", kMaxBookFieldBytes, true);
  checkText(r.addressBookPassword, "address_book_password", kMaxBookFieldBytes, true);
  checkText(r.addressBookNote, "address_book_note", kMaxBookFieldBytes, true);
  if (r.addressBookName && r.addressBookName->empty())
    throw AssignError(400, "address_book_name must not be empty");
  if (!r.addressBookName) {
    // The client sends these only with address_book_name (client-truth §2.32).
    const std::pair<const char *, const std::optional<std::string> *> extras[] = {
        {"address_book_tag", &r.addressBookTag},
        {"address_book_alias", &r.addressBookAlias},
        {"address_book_password", &r.addressBookPassword},
        {"address_book_note", &r.addressBookNote}};
    for (const auto &[field, value] : extras)
      if (given(*value))
        throw AssignError(400, std::string(field) + " needs address_book_name");
  }
}

AssignPlan planAssignment(const AssignRequest &r) {
  checkAssignFields(r);
  AssignPlan plan{r, std::nullopt, std::nullopt};
  // Identity lookups lease connections of their own: none is held here.
  if (r.userName) {
    if (r.userName->empty()) {
      plan.ownerUserId = 0;
    } else {
      auto u = rdc::findUserByName(*r.userName);
      if (!u)
        throw AssignError(404, "user " + inQuotes(*r.userName) + " not found");
      plan.ownerUserId = u->id;
    }
  }
  if (r.deviceGroupName) {
    if (r.deviceGroupName->empty()) {
      plan.deviceGroupId = 0;
    } else {
      auto g = rdc::findDeviceGroup(*r.deviceGroupName);
      if (!g)
        throw AssignError(404, "device group " + inQuotes(*r.deviceGroupName) + " not found");
      plan.deviceGroupId = *g;
    }
  }
  if (given(r.strategyName)) {
    rdc::Db db = rdc::Db::acquire();
    if (!findStrategy(db, *r.strategyName))
      throw AssignError(404, "strategy " + inQuotes(*r.strategyName) + " not found");
  }
  return plan;
}

std::vector<std::string> applyAssignment(const rdc::Device &device, const AssignPlan &plan,
                                         const AssignSource &source) {
  const AssignRequest &r = plan.request;
  int64_t now = rdc::api().now_ms();
  std::vector<std::string> changed;

  rdc::DeviceUpdate update;
  if (plan.ownerUserId && *plan.ownerUserId != device.ownerUserId) {
    update.ownerUserId = plan.ownerUserId;
    changed.push_back("owner");
  }
  if (plan.deviceGroupId && *plan.deviceGroupId != device.deviceGroupId) {
    update.deviceGroupId = plan.deviceGroupId;
    changed.push_back("device group");
  }
  if (r.note && *r.note != device.note) {
    update.note = r.note;
    changed.push_back("note");
  }
  if (update.ownerUserId || update.deviceGroupId || update.note) {
    try {
      if (!rdc::updateDevice(device.id, update))
        throw AssignError(404, "device " + inQuotes(device.id) + " is not registered");
    } catch (const rdc::HostError &e) {
      // A user or device group deleted since the plan was made.
      if (e.code() == RDC_INVALID)
        throw AssignError(409, std::string("the device registry refused the change: ") + e.what());
      throw;
    }
  }

  nlohmann::json filing;
  {
    rdc::Db db = rdc::Db::acquire();
    // The device's effective strategy may follow its owner or device group.
    if (update.ownerUserId || update.deviceGroupId)
      deviceChanged(db, device.id, now);
    if (r.strategyName) {
      // Idempotent: the strategy a device already has is not re-delivered.
      if (!assignStrategy(db, TargetKind::Device, device.id, *r.strategyName, now))
        throw AssignError(404, "strategy " + inQuotes(*r.strategyName) + " not found");
      changed.push_back("strategy");
    }
    if (r.deviceUsername || r.deviceName) {
      Labels current = labelsOf(db, device.id);
      Labels next = current;
      auto label = [](const std::string &v) {
        return v.empty() ? std::nullopt : std::optional<std::string>(v);
      };
      if (r.deviceUsername)
        next.username = label(*r.deviceUsername);
      if (r.deviceName)
        next.hostname = label(*r.deviceName);
      if (!(next == current)) {
        saveLabels(db, device.id, next, now);
        changed.push_back("labels");
      }
    }
    if (r.addressBookName)
      filing = filingPayload(db, device.id, r, source);
  }
  if (!filing.is_null()) {
    if (rdc::publish(kAddressBookAssignTopic, rdc::jsonDump(filing)))
      changed.push_back("address book");
    else
      rdc::logWarn("device " + inQuotes(device.id) + ": filing into address book " +
                   inQuotes(*r.addressBookName) + " dropped (event queue full or shutting down)");
  }
  return changed;
}

} // namespace agent
