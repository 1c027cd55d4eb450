# Install layout and deb/rpm packaging (included at the end of the top-level
# CMakeLists.txt, after every module has been declared). See packaging/README.md.
#
#   /usr/bin/rdconsole                          (install rule in core/)
#   /usr/lib/rdconsole/modules/<name>.so        every rdc_add_module() target
#   /etc/rdconsole/rdconsole.properties         config files (conffiles / %config)
#   /etc/rdconsole/modules.d/*.properties
#   /usr/lib/systemd/system/rdconsole.service
#   /usr/include/rdconsole, /usr/share/rdconsole/cmake   module SDK (plugins-api/)
#
# The /etc paths are absolute on purpose: the server looks for
# /etc/rdconsole/rdconsole.properties, whatever the install prefix.

set(RDC_PKG_DIR ${CMAKE_CURRENT_LIST_DIR})
set(RDC_CONFIG_DIR /etc/rdconsole)

# ---- install rules ------------------------------------------------------------
get_property(RDC_ALL_MODULE_TARGETS GLOBAL PROPERTY RDC_MODULE_TARGETS)
if(RDC_ALL_MODULE_TARGETS)
  install(TARGETS ${RDC_ALL_MODULE_TARGETS} LIBRARY DESTINATION lib/rdconsole/modules)
endif()

install(FILES ${PROJECT_SOURCE_DIR}/etc/rdconsole.properties DESTINATION ${RDC_CONFIG_DIR})
file(GLOB RDC_MODULE_CONFIG_FILES CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/etc/modules.d/*.properties)
list(SORT RDC_MODULE_CONFIG_FILES)
if(RDC_MODULE_CONFIG_FILES)
  install(FILES ${RDC_MODULE_CONFIG_FILES} DESTINATION ${RDC_CONFIG_DIR}/modules.d)
endif()

# Relative on purpose: an absolute path would make the RPM mark the unit %config.
install(FILES ${RDC_PKG_DIR}/systemd/rdconsole.service DESTINATION lib/systemd/system)

# Every installed config file, for the conffiles / %config lists below.
set(RDC_CONFIG_FILES ${RDC_CONFIG_DIR}/rdconsole.properties)
foreach(f ${RDC_MODULE_CONFIG_FILES})
  get_filename_component(name ${f} NAME)
  list(APPEND RDC_CONFIG_FILES ${RDC_CONFIG_DIR}/modules.d/${name})
endforeach()

# ---- common package metadata ----------------------------------------------------
set(CPACK_PACKAGE_NAME rdconsole)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "rdconsole project")
set(CPACK_PACKAGE_CONTACT "rdconsole maintainers <rdconsole@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Self-hosted console (API) server for RustDesk clients")
set(CPACK_PACKAGE_DESCRIPTION
  "rdconsole answers the console API of stock RustDesk clients (login, address "
  "books, device groups, heartbeat, audit) and loads its features as modules.")
string(JOIN "" CPACK_PACKAGE_DESCRIPTION ${CPACK_PACKAGE_DESCRIPTION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_FILE_NAME "${CPACK_PACKAGE_NAME}-${CPACK_PACKAGE_VERSION}-${CMAKE_SYSTEM_PROCESSOR}")
# Absolute destinations (/etc, systemd) are intended; keep cpack quiet about them.
set(CPACK_WARN_ON_ABSOLUTE_INSTALL_DESTINATION OFF)

# DEB always; RPM as well when rpmbuild is installed (packaging/install-build-deps.sh
# installs it). `cpack -G DEB` or `cpack -G RPM` picks one explicitly.
set(CPACK_GENERATOR DEB)
find_program(RDC_RPMBUILD rpmbuild)
if(RDC_RPMBUILD)
  list(APPEND CPACK_GENERATOR RPM)
endif()

# ---- DEB ------------------------------------------------------------------------------
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# dpkg-shlibdeps derives libpoco*, libsqlite3-0, libargon2-1, libssl3, libfmt9 ...
# from the binaries; adduser is needed by postinst.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(RDC_DEB_CONFFILES ${CMAKE_BINARY_DIR}/packaging/deb/conffiles)
list(JOIN RDC_CONFIG_FILES "\n" RDC_CONFFILES_TEXT)
file(WRITE ${RDC_DEB_CONFFILES} "${RDC_CONFFILES_TEXT}\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${RDC_DEB_CONFFILES}
  ${RDC_PKG_DIR}/deb/postinst
  ${RDC_PKG_DIR}/deb/prerm
  ${RDC_PKG_DIR}/deb/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# ---- RPM ------------------------------------------------------------------------------
set(CPACK_RPM_PACKAGE_GROUP "System Environment/Daemons")
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
# Not relocatable: the /etc paths are fixed (CPACK_PACKAGE_RELOCATABLE is ON by default).
set(CPACK_PACKAGE_RELOCATABLE OFF)
set(CPACK_RPM_PACKAGE_RELOCATABLE OFF)
# rpm's automatic dependency finder adds the shared libraries (AUTOREQ).
set(CPACK_RPM_PACKAGE_REQUIRES "shadow-utils")
set(CPACK_RPM_POST_INSTALL_SCRIPT_FILE ${RDC_PKG_DIR}/rpm/post-install.sh)
set(CPACK_RPM_PRE_UNINSTALL_SCRIPT_FILE ${RDC_PKG_DIR}/rpm/pre-uninstall.sh)
set(CPACK_RPM_POST_UNINSTALL_SCRIPT_FILE ${RDC_PKG_DIR}/rpm/post-uninstall.sh)
set(RDC_RPM_FILELIST)
foreach(f ${RDC_CONFIG_FILES})
  list(APPEND RDC_RPM_FILELIST "%config(noreplace) ${f}")
endforeach()
set(CPACK_RPM_USER_FILELIST ${RDC_RPM_FILELIST})
# Directories owned by the base system must not be claimed by this package.
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
  /etc /usr/lib/systemd /usr/lib/systemd/system /usr/include /usr/share)

include(CPack)
