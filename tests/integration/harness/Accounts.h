// Users and logins, done the way a real operator and a stock RustDesk client do.
#pragma once

#include "TestServer.h"

#include <string>
#include <vector>

namespace harness {

// The id/uuid/deviceInfo a stock client sends (client-truth §4 placeholders).
inline constexpr const char *kClientId = "123456789";
inline constexpr const char *kClientUuid = "ZjViNjM0YjctOTk0ZC00MWQ2LWIzMmYtYjBlNDI2ODI2NWQ0Cg==";

// `rdconsole user add NAME [extra...]` with the password on stdin; REQUIREs exit 0.
void addUser(const TestServer &s, const std::string &name, const std::string &password,
             const std::vector<std::string> &extra = {});

// The body of a stock client's password login (client-truth §2.2 / §4 S2).
std::string loginBody(const std::string &name, const std::string &password,
                      const std::string &uuid = kClientUuid);

HttpResponse login(const TestServer &s, const std::string &name, const std::string &password,
                   const std::string &uuid = kClientUuid);

// Logs in and REQUIREs 200; returns the access token.
std::string loginToken(const TestServer &s, const std::string &name, const std::string &password,
                       const std::string &uuid = kClientUuid);

// The {"id","uuid"} body of currentUser and logout.
std::string deviceBody(const std::string &uuid = kClientUuid);

HttpResponse currentUser(const TestServer &s, const std::string &token,
                         const std::string &body = deviceBody());

} // namespace harness
