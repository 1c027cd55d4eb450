// `rdconsole api-token ...`: API tokens (core_api_tokens) for operators. The
// token itself is printed once, by create; list never shows it (nor its hash).
#include "app/CliVerbs.h"
#include "app/CommandLine.h"
#include "app/Runtime.h"

#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <optional>
#include <stdexcept>

namespace rdc::app::cli {
namespace {

const char *const kSubCommands = "create, list, revoke";

// The words of one sub-command: its positional arguments and options.
struct Args {
  std::vector<std::string> positional;
  std::vector<std::string> scopes;        // --scope, repeatable
  std::optional<std::string> expiresDays; // --expires-days
};

[[noreturn]] void usage(const std::string &sub, const std::string &syntax) {
  throw UsageError("usage: rdconsole api-token " + sub + (syntax.empty() ? "" : " ") + syntax);
}

Args parse(const std::vector<std::string> &v, const std::string &sub) {
  Args a;
  for (size_t i = 2; i < v.size(); ++i) {
    const std::string &w = v[i];
    if (w.rfind("--", 0) != 0) {
      a.positional.push_back(w);
      continue;
    }
    if (w != "--scope" && w != "--expires-days")
      throw UsageError("api-token " + sub + ": unknown argument '" + w + "'");
    if (i + 1 >= v.size())
      throw UsageError("api-token " + sub + ": " + w + " needs a value");
    const std::string &value = v[++i];
    if (w == "--scope") {
      a.scopes.push_back(value);
    } else {
      if (a.expiresDays)
        throw UsageError("api-token " + sub + ": " + w + " given twice");
      a.expiresDays = value;
    }
  }
  return a;
}

// Checks the shape of the command line before the database is opened.
Args checked(const std::vector<std::string> &v, const std::string &sub) {
  Args a = parse(v, sub);
  if (sub == "create") {
    if (a.positional.size() != 1 || a.scopes.empty())
      usage(sub, "NAME --scope SCOPE [--scope SCOPE ...] [--expires-days N] (scopes: " +
                     auth::apiScopeNames() + ")");
    return a;
  }
  const bool options = !a.scopes.empty() || a.expiresDays;
  if (sub == "list" && (!a.positional.empty() || options))
    usage(sub, "");
  if (sub == "revoke" && (a.positional.size() != 1 || options))
    usage(sub, "NAME");
  return a;
}

// 1..kMaxApiTokenDays as written (digits only); the store checks the range.
int64_t days(const std::string &text) {
  const bool digits = !text.empty() && text.size() <= 9 &&
                      text.find_first_not_of("0123456789") == std::string::npos;
  if (!digits)
    throw std::invalid_argument("--expires-days must be a whole number of days from 1 to " +
                                std::to_string(auth::kMaxApiTokenDays) + ", got '" + text + "'");
  return std::stoll(text);
}

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string scopesText(const std::vector<std::string> &scopes) {
  std::string out;
  for (const std::string &s : scopes)
    out += (out.empty() ? "" : ",") + s;
  return out;
}

std::string timeOr(int64_t ms, const char *none) {
  return ms ? formatTime(ms) : none;
}

const char *stateOf(const auth::ApiToken &t, int64_t now) {
  if (t.revokedAtMs)
    return "revoked";
  if (t.expiresAtMs && t.expiresAtMs <= now)
    return "expired";
  return "live";
}

int create(Runtime &rt, const Args &a) {
  std::optional<int64_t> expires;
  if (a.expiresDays)
    expires = days(*a.expiresDays);
  const auth::CreatedApiToken created = rt.apiTokens->create(a.positional[0], a.scopes, expires);
  const auth::ApiToken &t = created.row;
  std::cout << "created API token '" << t.name << "' (scopes: " << scopesText(t.scopes) << "; "
            << (t.expiresAtMs ? "expires " + formatTime(t.expiresAtMs) : "never expires") << "):\n"
            << created.token << "\n"
            << "It cannot be shown again (only its hash is kept): store it now.\n";
  for (const std::string &scope : t.scopes)
    if (scope == "devices")
      std::cout << "Use it as: rustdesk --assign --token <token> [--user_name ...] "
                   "[--device_group_name ...] ...\n";
  return 0;
}

} // namespace

int apiTokenVerb(const std::vector<std::string> &v, const Config &cfg) {
  if (v.size() < 2)
    throw UsageError(std::string("api-token needs a sub-command: ") + kSubCommands);
  const std::string &sub = v[1];
  if (sub != "create" && sub != "list" && sub != "revoke")
    throw UsageError("unknown api-token sub-command '" + sub + "'");
  // Arguments are checked before the database is opened.
  const Args a = checked(v, sub);

  Runtime rt(cfg);
  if (sub == "create")
    return create(rt, a);
  if (sub == "list") {
    const int64_t now = nowMs();
    constexpr const char *row = "{:<32} {:<10} {:<8} {:<20} {:<20} {:<20} {}\n";
    std::cout << fmt::format(row, "NAME", "SCOPES", "STATE", "CREATED", "EXPIRES", "LAST USED",
                             "REVOKED");
    for (const auto &t : rt.apiTokens->list())
      std::cout << fmt::format(row, t.name, scopesText(t.scopes), stateOf(t, now),
                               formatTime(t.createdAtMs), timeOr(t.expiresAtMs, "never"),
                               timeOr(t.lastUsedAtMs, "never"), timeOr(t.revokedAtMs, "-"));
    return 0;
  }
  // revoke
  const auto t = rt.apiTokens->findByName(a.positional[0]);
  if (!t)
    throw std::invalid_argument("no API token named '" + a.positional[0] + "'");
  if (!rt.apiTokens->revoke(t->id))
    throw std::invalid_argument("API token '" + t->name + "' is already revoked");
  std::cout << "revoked API token '" << t->name << "'; it is refused from now on\n";
  return 0;
}

} // namespace rdc::app::cli
