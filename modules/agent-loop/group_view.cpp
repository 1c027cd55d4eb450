// Visibility (RustDesk Server Pro's): an administrator sees every user,
// device group and device. Anyone else sees only themselves among users, the
// device groups granted to them (directly or through one of their user
// groups), and their own devices plus those in such device groups — the
// core's device_list applies that rule. Replies are {"total","data"} pages.
#include "group_view.h"

#include "device_store.h"
#include "group_query.h"

#include <rdconsole/json.hpp>

#include <algorithm>
#include <unordered_map>

namespace agent {
namespace {

using nlohmann::json;

rdc::User caller(rdc::Exchange &ex) {
  auto u = ex.user();
  if (!u) // the route level guarantees a user; be explicit anyway
    throw rdc::HttpError(401, "Not logged in");
  return *u;
}

PageQuery pageOf(rdc::Exchange &ex) {
  return parsePageQuery(ex.query("current"), ex.query("pageSize"));
}

void replyPage(rdc::Exchange &ex, int64_t total, json data) {
  rdc::replyJson(ex, 200, json{{"total", total}, {"data", std::move(data)}});
}

std::string lowerAscii(std::string_view s) {
  std::string out(s);
  for (char &c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

json userJson(const rdc::User &u) {
  return json{{"name", u.name},     {"display_name", u.displayName},
              {"email", u.email},   {"note", u.note},
              {"status", u.status}, {"is_admin", u.isAdmin}};
}

} // namespace

void handleAccessibleDeviceGroups(rdc::Exchange &ex) {
  rdc::User me = caller(ex);
  PageQuery page = pageOf(ex);
  std::vector<std::string> names;
  for (int64_t id : rdc::deviceGroupIds(me.isAdmin ? 0 : me.id))
    if (auto name = rdc::deviceGroupName(id)) // may vanish meanwhile
      names.push_back(std::move(*name));
  std::sort(names.begin(), names.end(), [](const std::string &a, const std::string &b) {
    std::string la = lowerAscii(a), lb = lowerAscii(b);
    return la != lb ? la < lb : a < b;
  });
  json data = json::array();
  auto total = static_cast<int64_t>(names.size());
  for (int64_t i = page.offset(); i < total && i < page.offset() + page.pageSize; ++i)
    data.push_back(json{{"name", names[static_cast<size_t>(i)]}});
  replyPage(ex, total, std::move(data));
}

void handleUsers(rdc::Exchange &ex) {
  rdc::User me = caller(ex);
  PageQuery page = pageOf(ex);
  std::optional<int32_t> status = parseUserStatus(ex.query("status"));
  json data = json::array();
  if (me.isAdmin) {
    rdc::Page<rdc::User> users = rdc::listUsers(page.offset(), page.pageSize, status.value_or(-2));
    for (const rdc::User &u : users.rows)
      data.push_back(userJson(u));
    replyPage(ex, users.total, std::move(data));
    return;
  }
  // Anyone else sees only themselves.
  int64_t total = !status || *status == me.status ? 1 : 0;
  if (total == 1 && page.offset() == 0)
    data.push_back(userJson(me));
  replyPage(ex, total, std::move(data));
}

void handlePeers(rdc::Exchange &ex) {
  rdc::User me = caller(ex);
  PageQuery page = pageOf(ex);
  rdc::Page<rdc::Device> devices =
      rdc::listDevices(me.isAdmin ? 0 : me.id, page.offset(), page.pageSize);

  // Names are looked up once per request (identity calls lease connections
  // of their own, so before this handler takes one).
  std::unordered_map<int64_t, std::optional<rdc::User>> owners;
  std::unordered_map<int64_t, std::optional<std::string>> groups;
  std::vector<std::string> ids;
  for (const rdc::Device &d : devices.rows) {
    ids.push_back(d.id);
    if (d.ownerUserId != 0 && !owners.count(d.ownerUserId))
      owners[d.ownerUserId] = rdc::getUser(d.ownerUserId, &ex);
    if (d.deviceGroupId != 0 && !groups.count(d.deviceGroupId))
      groups[d.deviceGroupId] = rdc::deviceGroupName(d.deviceGroupId);
  }
  std::map<std::string, ShownInfo> info;
  if (!ids.empty()) {
    rdc::Db db = rdc::Db::acquire();
    info = shownInfo(db, ids);
  }

  json data = json::array();
  for (const rdc::Device &d : devices.rows) {
    json p = json::object();
    p["id"] = d.id;
    // Absent when unset: the client reads null/absent as "" (hbbs.dart).
    if (d.ownerUserId != 0)
      if (const auto &owner = owners[d.ownerUserId]) {
        p["user"] = owner->name;
        p["user_name"] = owner->displayName.empty() ? owner->name : owner->displayName;
      }
    if (d.deviceGroupId != 0)
      if (const auto &group = groups[d.deviceGroupId])
        p["device_group_name"] = *group;
    p["note"] = d.note;
    p["status"] = 1;
    ShownInfo shown;
    if (auto it = info.find(d.id); it != info.end())
      shown = it->second;
    p["info"] =
        json{{"username", shown.username}, {"device_name", shown.deviceName}, {"os", shown.os}};
    data.push_back(std::move(p));
  }
  replyPage(ex, devices.total, std::move(data));
}

} // namespace agent
