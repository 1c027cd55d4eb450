// The ABI header and the SDK must compile as C++20 with the project's
// warnings (-Wall -Wextra -Wpedantic -Werror -Wshadow). Compile-time checks
// of the layout rules the header promises live here too.
#include <rdconsole/module.h>
#include <rdconsole/sdk.hpp>

#include <cstddef>
#include <type_traits>

static_assert(offsetof(rdc_host_api, struct_size) == 0);
static_assert(offsetof(rdc_module_descriptor, struct_size) == 0);
static_assert(offsetof(rdc_route, struct_size) == 0);
static_assert(offsetof(rdc_user, struct_size) == 0);
static_assert(offsetof(rdc_token_request, struct_size) == 0);
static_assert(offsetof(rdc_token_info, struct_size) == 0);
static_assert(offsetof(rdc_device, struct_size) == 0);
static_assert(offsetof(rdc_device_update, struct_size) == 0);
static_assert(offsetof(rdc_device_query, struct_size) == 0);
static_assert(offsetof(rdc_api_token, struct_size) == 0);
// Only plain C data may cross the boundary.
static_assert(std::is_standard_layout_v<rdc_host_api> && std::is_trivial_v<rdc_host_api>);
static_assert(std::is_standard_layout_v<rdc_module_descriptor>);
static_assert(std::is_trivial_v<rdc_str> && sizeof(rdc_str) == sizeof(void *) + sizeof(size_t));

// RDC_HAS_MEMBER must say "absent" for a member past an older host's table.
constexpr bool hasNowMsWithSize(uint32_t size) {
  rdc_host_api api{};
  api.struct_size = size;
  return RDC_HAS_MEMBER(&api, now_ms);
}
static_assert(hasNowMsWithSize(sizeof(rdc_host_api)));
static_assert(!hasNowMsWithSize(offsetof(rdc_host_api, now_ms)));
static_assert(!hasNowMsWithSize(offsetof(rdc_host_api, now_ms) + sizeof(void *) - 1));
// ABI 1.4 appended api_token_verify: the table's last member.
static_assert(offsetof(rdc_host_api, api_token_verify) + sizeof(void *) == sizeof(rdc_host_api));
