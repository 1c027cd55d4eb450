#include "user_json.h"

namespace auth {

nlohmann::json userJson(const rdc::User &user) {
  return nlohmann::json{{"name", user.name},        {"display_name", user.displayName},
                        {"avatar", user.avatar},    {"email", user.email},
                        {"note", user.note},        {"status", user.status},
                        {"is_admin", user.isAdmin}, {"info", nlohmann::json::object()}};
}

} // namespace auth
