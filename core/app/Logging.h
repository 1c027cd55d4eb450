// Log set-up: one line per event, "<time> [<level>] <source>: <text>",
// to stderr or to log.file (rotated at 10 MB, 5 archives kept). The access
// log goes through an asynchronous channel (at most 10000 lines queued) so
// request threads never wait on the disk.
#pragma once

#include "app/Config.h"

namespace rdc::app {
void setupLogging(const Config &cfg, bool quiet);
} // namespace rdc::app
