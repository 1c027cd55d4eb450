// Internal to core/app: the verbs that live outside Cli.cpp and the table
// formatting they share with it.
#pragma once

#include "app/Config.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace rdc::app::cli {

std::string formatTime(int64_t ms); // "2026-11-22 10:00:00Z"
const char *statusName(int32_t userStatus);

// `rdconsole group ...` (CliGroups.cpp).
int groupVerb(const std::vector<std::string> &v, const Config &cfg);
// `rdconsole device-group ...` (CliDeviceGroups.cpp).
int deviceGroupVerb(const std::vector<std::string> &v, const Config &cfg);
// `rdconsole api-token ...` (CliApiTokens.cpp).
int apiTokenVerb(const std::vector<std::string> &v, const Config &cfg);
// `rdconsole <module command> ...` (CliModules.cpp); throws UsageError for an
// unknown verb.
int moduleCommand(const std::vector<std::string> &v, const Config &cfg,
                  const std::filesystem::path &exeDir);

} // namespace rdc::app::cli
