#pragma once

#include <rdconsole/sdk.hpp>

#include <string>
#include <vector>

namespace agent {
int runDevicesCommand(rdc::Command &cmd, const std::vector<std::string> &args);
}
