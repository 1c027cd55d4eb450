#pragma once
namespace ab {
// Registers ab-store's migrations (init only).
void addSchema();
} // namespace ab
