/* The ABI header must compile as strict C99 (-std=c99 -pedantic -Werror):
 * modules may be written in plain C. This file also writes a tiny module
 * against it, so every type a C module needs is usable from C. */
#include <rdconsole/module.h>

#include <stddef.h>

/* C99 has no static_assert: a negative array size fails the build instead. */
#define RDC_C99_ASSERT(name, cond) typedef char rdc_c99_assert_##name[(cond) ? 1 : -1]

/* Every struct that crosses the boundary starts with its size. */
RDC_C99_ASSERT(route_size_first, offsetof(rdc_route, struct_size) == 0);
RDC_C99_ASSERT(user_size_first, offsetof(rdc_user, struct_size) == 0);
RDC_C99_ASSERT(token_request_size_first, offsetof(rdc_token_request, struct_size) == 0);
RDC_C99_ASSERT(token_info_size_first, offsetof(rdc_token_info, struct_size) == 0);
RDC_C99_ASSERT(host_api_size_first, offsetof(rdc_host_api, struct_size) == 0);
RDC_C99_ASSERT(descriptor_size_first, offsetof(rdc_module_descriptor, struct_size) == 0);
RDC_C99_ASSERT(device_size_first, offsetof(rdc_device, struct_size) == 0);
RDC_C99_ASSERT(device_update_size_first, offsetof(rdc_device_update, struct_size) == 0);
RDC_C99_ASSERT(device_query_size_first, offsetof(rdc_device_query, struct_size) == 0);
RDC_C99_ASSERT(api_token_size_first, offsetof(rdc_api_token, struct_size) == 0);
RDC_C99_ASSERT(fixed_width_status, sizeof(rdc_status) == 4);
RDC_C99_ASSERT(abi_major_is_one, RDC_ABI_MAJOR == 1);

static rdc_status c_handler(rdc_exchange *ex, void *user_data) {
  const rdc_host_api *api = (const rdc_host_api *)user_data;
  rdc_str method = api->req_method(ex);
  static const char body[] = "{}";
  if (method.len == 0)
    return RDC_INVALID;
  api->resp_status(ex, 200);
  return api->resp_body(ex, body, sizeof body - 1);
}

static rdc_status c_init(rdc_module *m, const rdc_host_api *api) {
  rdc_route r;
  if (!RDC_HAS_MEMBER(api, now_ms))
    return RDC_STATE;
  r.struct_size = (uint32_t)sizeof r;
  r.method = "GET";
  r.pattern = "/c/{x}";
  r.auth_level = RDC_AUTH_NONE;
  r.max_body_bytes = 0;
  r.handler = &c_handler;
  r.user_data = (void *)api;
  return api->route_add(m, &r);
}

const rdc_module_descriptor *rdc_module_entry_v1(void) {
  static const char *const deps[] = {"auth", NULL};
  static const rdc_module_descriptor d = {sizeof(rdc_module_descriptor),
                                          RDC_ABI_MAJOR,
                                          RDC_ABI_MINOR,
                                          "c-module",
                                          "1.0.0",
                                          "written in C99",
                                          deps,
                                          &c_init,
                                          NULL,
                                          NULL};
  return &d;
}
