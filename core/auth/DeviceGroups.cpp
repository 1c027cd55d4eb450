#include "auth/DeviceGroups.h"

#include "auth/Paging.h"
#include "auth/UserRow.h"
#include "auth/Utf8.h"

#include <chrono>
#include <stdexcept>

namespace rdc::auth {

namespace detail {
const char *const kGrantedGroupIdsSql =
    "SELECT gu.device_group_id FROM core_device_group_users gu WHERE gu.user_id = ? "
    "UNION SELECT gg.device_group_id FROM core_device_group_user_groups gg "
    "JOIN core_user_group_members m ON m.group_id = gg.user_group_id WHERE m.user_id = ?";
} // namespace detail

namespace {

const char *const kWhat = "Device group name";

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

DeviceGroup readGroup(db::Statement &st) {
  DeviceGroup g;
  g.id = st.columnInt(0);
  g.name = std::string(st.columnText(1));
  g.note = std::string(st.columnText(2));
  g.createdAtMs = st.columnInt(3);
  return g;
}

std::optional<DeviceGroup> findOne(db::Pool &pool, const char *where, db::Param param) {
  auto conn = pool.acquire();
  auto st = conn->prepare(std::string("SELECT id, name, note, created_at FROM core_device_groups "
                                      "WHERE ") +
                          where);
  db::bindAll(*st, {param});
  if (st->step() != db::Step::Row)
    return std::nullopt;
  return readGroup(*st);
}

std::vector<int64_t> readIds(db::Statement &st) {
  std::vector<int64_t> out;
  while (st.step() == db::Step::Row)
    out.push_back(st.columnInt(0));
  return out;
}

// Inserts one grant row; the foreign keys turn an unknown id into a conflict.
bool grant(db::Pool &pool, const char *table, const char *column, int64_t id, int64_t grantee,
           const char *unknown) {
  auto conn = pool.acquire();
  try {
    return db::exec(*conn,
                    std::string("INSERT INTO ") + table + " (device_group_id, " + column +
                        ") VALUES (?, ?) ON CONFLICT (device_group_id, " + column + ") DO NOTHING",
                    {id, grantee}) > 0;
  } catch (const db::DbError &e) {
    // The only other constraints are the two foreign keys.
    if (e.kind() == db::DbError::Kind::Conflict)
      throw std::invalid_argument(unknown);
    throw;
  }
}

bool revoke(db::Pool &pool, const char *table, const char *column, int64_t id, int64_t grantee) {
  auto conn = pool.acquire();
  return db::exec(*conn,
                  std::string("DELETE FROM ") + table + " WHERE device_group_id = ? AND " + column +
                      " = ?",
                  {id, grantee}) > 0;
}

} // namespace

DeviceGroupStore::DeviceGroupStore(db::Pool &pool) : pool_(pool) {}

DeviceGroup DeviceGroupStore::create(std::string_view rawName, std::string_view note) {
  const std::string name = trimGroupName(rawName);
  if (auto problem = groupNameProblem(name, kWhat); !problem.empty())
    throw std::invalid_argument(problem);
  if (auto problem = textProblem("Device group note", note, kMaxDeviceGroupNoteBytes, true);
      !problem.empty())
    throw std::invalid_argument(problem);
  DeviceGroup g;
  g.name = name;
  g.note = std::string(note);
  g.createdAtMs = nowMs();
  auto conn = pool_.acquire();
  auto st = conn->prepare("INSERT INTO core_device_groups (name, name_key, note, created_at) "
                          "VALUES (?, ?, ?, ?) RETURNING id");
  db::bindAll(*st, {g.name, groupNameKey(g.name), g.note, g.createdAtMs});
  try {
    if (st->step() != db::Step::Row)
      throw db::DbError(db::DbError::Kind::Other, "INSERT ... RETURNING returned no row");
    g.id = st->columnInt(0);
    while (st->step() == db::Step::Row) {
    }
  } catch (const db::DbError &e) {
    if (e.kind() == db::DbError::Kind::Conflict)
      throw std::invalid_argument("Device group name '" + name + "' is already taken");
    throw;
  }
  return g;
}

std::optional<DeviceGroup> DeviceGroupStore::findByName(std::string_view name) {
  return findOne(pool_, "name_key = ?", groupNameKey(trimGroupName(name)));
}

std::optional<DeviceGroup> DeviceGroupStore::findById(int64_t id) {
  return findOne(pool_, "id = ?", id);
}

std::vector<DeviceGroup> DeviceGroupStore::list() {
  std::vector<DeviceGroup> out;
  auto conn = pool_.acquire();
  auto st = conn->prepare(
      "SELECT g.id, g.name, g.note, g.created_at, "
      "(SELECT COUNT(*) FROM core_devices d WHERE d.device_group_id = g.id), "
      "(SELECT COUNT(*) FROM core_device_group_users u WHERE u.device_group_id = g.id) + "
      "(SELECT COUNT(*) FROM core_device_group_user_groups ug WHERE ug.device_group_id = g.id) "
      "FROM core_device_groups g ORDER BY " +
      byteOrder(conn->engine(), "g.name_key"));
  while (st->step() == db::Step::Row) {
    DeviceGroup g = readGroup(*st);
    g.deviceCount = st->columnInt(4);
    g.grantCount = st->columnInt(5);
    out.push_back(std::move(g));
  }
  return out;
}

bool DeviceGroupStore::remove(int64_t id, int64_t *devicesReleased) {
  auto conn = pool_.acquire();
  db::Transaction tx(*conn);
  // The group row goes first: DeviceStore::update locks it before it assigns
  // a device to the group, so an assignment racing this delete has either
  // committed (and is released below) or finds the group gone.
  if (db::exec(*conn, "DELETE FROM core_device_groups WHERE id = ?", {id}) == 0)
    return false;
  // core_devices.device_group_id has no foreign key (SQLite cannot add one
  // to an existing table), so the devices are released here.
  const int64_t released =
      db::exec(*conn,
               "UPDATE core_devices SET device_group_id = NULL, updated_at = ? "
               "WHERE device_group_id = ?",
               {nowMs(), id});
  tx.commit();
  if (devicesReleased)
    *devicesReleased = released;
  return true;
}

bool DeviceGroupStore::grantUser(int64_t id, int64_t userId) {
  return grant(pool_, "core_device_group_users", "user_id", id, userId,
               "No such device group or user");
}

bool DeviceGroupStore::grantUserGroup(int64_t id, int64_t userGroupId) {
  return grant(pool_, "core_device_group_user_groups", "user_group_id", id, userGroupId,
               "No such device group or user group");
}

bool DeviceGroupStore::revokeUser(int64_t id, int64_t userId) {
  return revoke(pool_, "core_device_group_users", "user_id", id, userId);
}

bool DeviceGroupStore::revokeUserGroup(int64_t id, int64_t userGroupId) {
  return revoke(pool_, "core_device_group_user_groups", "user_group_id", id, userGroupId);
}

DeviceGroupGrants DeviceGroupStore::grants(int64_t id) {
  DeviceGroupGrants out;
  auto conn = pool_.acquire();
  const std::string engine(conn->engine());
  {
    auto st = conn->prepare("SELECT " + detail::userColumns("u") +
                            " FROM core_device_group_users gu JOIN core_users u ON u.id = "
                            "gu.user_id WHERE gu.device_group_id = ? ORDER BY " +
                            byteOrder(engine, "u.name_key"));
    st->bindInt(1, id);
    while (st->step() == db::Step::Row)
      out.users.push_back(detail::readUser(*st));
  }
  auto st = conn->prepare("SELECT g.id, g.name, g.note, g.created_at "
                          "FROM core_device_group_user_groups gg JOIN core_user_groups g "
                          "ON g.id = gg.user_group_id WHERE gg.device_group_id = ? ORDER BY " +
                          byteOrder(engine, "g.name_key"));
  st->bindInt(1, id);
  while (st->step() == db::Step::Row) {
    Group g;
    g.id = st->columnInt(0);
    g.name = std::string(st->columnText(1));
    g.note = std::string(st->columnText(2));
    g.createdAtMs = st->columnInt(3);
    out.userGroups.push_back(std::move(g));
  }
  return out;
}

std::vector<int64_t> DeviceGroupStore::ids() {
  auto conn = pool_.acquire();
  auto st = conn->prepare("SELECT id FROM core_device_groups ORDER BY id");
  return readIds(*st);
}

std::vector<int64_t> DeviceGroupStore::idsVisibleTo(int64_t userId) {
  auto conn = pool_.acquire();
  auto st = conn->prepare(std::string("SELECT v.device_group_id FROM (") +
                          detail::kGrantedGroupIdsSql + ") v ORDER BY v.device_group_id");
  db::bindAll(*st, {userId, userId});
  return readIds(*st);
}

} // namespace rdc::auth
