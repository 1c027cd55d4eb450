#pragma once

#include <rdconsole/sdk.hpp>

#include <string>
#include <vector>

namespace agent {
int runDevicesCommand(rdc::Command &cmd, const std::vector<std::string> &args);
// `rdconsole strategy ...` (cli_strategy.cpp).
int runStrategyCommand(rdc::Command &cmd, const std::vector<std::string> &args);
} // namespace agent
