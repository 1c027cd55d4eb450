# cmake -DMODULES_DIR=<dir> [-DNM=<nm>] -P check_exported_symbols.cmake
#
# Fails unless MODULES_DIR holds at least one .so and `nm -D --defined-only`
# shows exactly one symbol, rdc_module_entry_v1, for each of them. A leaked
# symbol (an inline SDK function, a static C++ object) would be interposed
# across modules by the dynamic linker, so this is an ABI rule, not style.
if(NOT MODULES_DIR)
  message(FATAL_ERROR "MODULES_DIR is not set")
endif()
if(NOT NM)
  set(NM nm)
endif()

file(GLOB modules "${MODULES_DIR}/*.so")
list(LENGTH modules count)
if(count EQUAL 0)
  message(FATAL_ERROR "no modules found in ${MODULES_DIR}: build the modules first")
endif()

set(failures "")
foreach(module ${modules})
  execute_process(COMMAND ${NM} -D --defined-only ${module}
                  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    string(APPEND failures "${module}: nm failed (${rc}): ${err}\n")
    continue()
  endif()
  # Lines look like "0000000000001234 T rdc_module_entry_v1"; the name is the last field.
  string(REGEX REPLACE "\n$" "" out "${out}")
  string(REPLACE "\n" ";" lines "${out}")
  set(symbols "")
  foreach(line ${lines})
    string(REGEX REPLACE "^.* " "" name "${line}")
    if(NOT name STREQUAL "")
      list(APPEND symbols ${name})
    endif()
  endforeach()
  if(NOT symbols STREQUAL "rdc_module_entry_v1")
    string(REPLACE ";" ", " shown "${symbols}")
    string(APPEND failures "${module}: exports [${shown}], expected only rdc_module_entry_v1\n")
  else()
    message(STATUS "${module}: rdc_module_entry_v1 only")
  endif()
endforeach()

if(NOT failures STREQUAL "")
  message(FATAL_ERROR "modules export more (or other) than rdc_module_entry_v1:\n${failures}")
endif()
message(STATUS "${count} module(s) checked")
