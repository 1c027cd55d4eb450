// Where the binaries under test live; set by tests/integration/CMakeLists.txt.
#pragma once

namespace harness::paths {
inline constexpr const char *serverBinary = RDC_TEST_SERVER_BINARY;
inline constexpr const char *modulesDir = RDC_TEST_MODULES_DIR;
inline constexpr const char *fixtureModulesDir = RDC_TEST_FIXTURE_MODULES_DIR;
// tests/pg: start.sh / stop.sh of a throwaway PostgreSQL server.
inline constexpr const char *pgScriptsDir = RDC_TEST_PG_SCRIPTS_DIR;
} // namespace harness::paths
