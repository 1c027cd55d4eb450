// Operator verbs: user add/passwd/disable/enable/list, modules, db copy-to-postgresql.
#pragma once

#include "app/CommandLine.h"
#include "app/Config.h"

#include <filesystem>

namespace rdc::app {
// Returns the process exit code (0 ok, 1 failure, 2 usage error).
int runVerb(const CommandLine &cl, const Config &cfg, const std::filesystem::path &exeDir);
} // namespace rdc::app
