# rdc_add_module(<name> SOURCES <files...> [LIBS <targets...>])
#
# Builds one rdconsole module as <RDC_MODULES_OUTPUT_DIR>/<name>.so with the
# rules of plugins-api/ABI.md: hidden visibility, only rdc_module_entry_v1
# exported (version script), every symbol resolved at link time (-z defs), and
# no link to the host binary.
set(RDC_MODULE_VERSION_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/module.map)

function(rdc_add_module name)
  cmake_parse_arguments(M "" "" "SOURCES;LIBS" ${ARGN})
  add_library(rdc_module_${name} MODULE ${M_SOURCES})
  set_target_properties(rdc_module_${name} PROPERTIES
    OUTPUT_NAME ${name}
    PREFIX ""
    LIBRARY_OUTPUT_DIRECTORY ${RDC_MODULES_OUTPUT_DIR}
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_libraries(rdc_module_${name} PRIVATE rdc_plugin_api rdc_warnings ${M_LIBS})
  target_link_options(rdc_module_${name} PRIVATE -Wl,--version-script=${RDC_MODULE_VERSION_SCRIPT})
  # clang links its sanitizer runtimes into executables only, so a sanitized
  # clang module has (deliberately) unresolved __asan_/__ubsan_ symbols.
  if(NOT (CMAKE_CXX_COMPILER_ID MATCHES "Clang" AND (RDC_SANITIZE OR CMAKE_CXX_FLAGS MATCHES "-fsanitize")))
    target_link_options(rdc_module_${name} PRIVATE -Wl,-z,defs)
  endif()
  set_property(GLOBAL APPEND PROPERTY RDC_MODULE_TARGETS rdc_module_${name})
endfunction()
