// Operator verbs: user add/passwd/disable/enable/list, group ...,
// device-group ..., api-token ..., modules,
// db copy-to-postgresql, and the commands modules add (rdconsole <verb> ...).
#pragma once

#include "app/CommandLine.h"
#include "app/Config.h"

#include <filesystem>
#include <ostream>

namespace rdc::app {
// Returns the process exit code (0 ok, 1 failure, 2 usage error).
int runVerb(const CommandLine &cl, const Config &cfg, const std::filesystem::path &exeDir);
// For `rdconsole help`: the commands the installed modules add, one per line
// with its summary. Never touches the configured database; says why when the
// modules cannot be asked.
void printModuleCommands(const Config &cfg, const std::filesystem::path &exeDir, std::ostream &out);
} // namespace rdc::app
