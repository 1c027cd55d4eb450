// ab-shared's route handlers (client-truth §2.7-2.18).
#pragma once

#include <rdconsole/sdk.hpp>

namespace abshared {

// books_api.cpp
void handlePersonal(rdc::Exchange &ex);
void handleSettings(rdc::Exchange &ex);
void handleSharedProfiles(rdc::Exchange &ex);

// peers_api.cpp
void handlePeers(rdc::Exchange &ex);
void handlePeerAdd(rdc::Exchange &ex);
void handlePeerUpdate(rdc::Exchange &ex);
void handlePeerDelete(rdc::Exchange &ex);

// tags_api.cpp
void handleTags(rdc::Exchange &ex);
void handleTagAdd(rdc::Exchange &ex);
void handleTagRename(rdc::Exchange &ex);
void handleTagUpdate(rdc::Exchange &ex);
void handleTagDelete(rdc::Exchange &ex);

} // namespace abshared
