#include "auth/UserRow.h"

#include <array>
#include <string>

namespace rdc::auth::detail {

namespace {
constexpr std::array<std::string_view, kUserColumnCount> kColumns = {
    "id", "name", "display_name", "email", "note", "avatar", "status", "is_admin", "created_at"};
} // namespace

std::string userColumns(std::string_view alias) {
  std::string out;
  for (auto col : kColumns) {
    if (!out.empty())
      out += ", ";
    if (!alias.empty()) {
      out += alias;
      out += '.';
    }
    out += col;
  }
  return out;
}

User readUser(db::Statement &st, int first) {
  User u;
  u.id = st.columnInt(first + 0);
  u.name = std::string(st.columnText(first + 1));
  u.displayName = std::string(st.columnText(first + 2));
  u.email = std::string(st.columnText(first + 3));
  u.note = std::string(st.columnText(first + 4));
  u.avatar = std::string(st.columnText(first + 5));
  u.status = static_cast<int32_t>(st.columnInt(first + 6));
  u.isAdmin = st.columnInt(first + 7) != 0;
  u.createdAtMs = st.columnInt(first + 8);
  return u;
}

} // namespace rdc::auth::detail
