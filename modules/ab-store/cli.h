// `rdconsole ab <sub-command> ...`: the operator's address-book tool.
#pragma once

#include <rdconsole/sdk.hpp>

#include <string>
#include <vector>

namespace ab {

int runAbCommand(rdc::Command &cmd, const std::vector<std::string> &args);

// cli_history.cpp: history, restore, recycle-bin, undelete.
int historyCommand(rdc::Command &cmd, const std::vector<std::string> &args);
int restoreCommand(rdc::Command &cmd, const std::vector<std::string> &args);
int recycleBinCommand(rdc::Command &cmd, const std::vector<std::string> &args);
int undeleteCommand(rdc::Command &cmd, const std::vector<std::string> &args);

// Shared helpers.
std::string pad(std::string s, size_t width);
std::string formatTime(int64_t ms);
std::string userLabel(int64_t userId); // "alice", "(operator)" or "#42"

} // namespace ab
