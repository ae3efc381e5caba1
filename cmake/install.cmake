# Install rules: `cmake --install <build> --prefix <dir>` gives a C++ project
#   find_package(slotguard 0.2 REQUIRED)              -> slotguard::core
#   find_package(slotguard 0.2 REQUIRED COMPONENTS native) -> also slotguard::native
# Two components, so that a user who brings its own store never needs SQLite:
#   core    the reservation core (headers under include/slotguard/<part>/, included as
#           "slotguard/<part>/<file>.h" from the one root include/)
#   native  the memory and SQLite stores (include/slotguard/native), needs SQLite3
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(SLOTGUARD_INSTALL_INCLUDE ${CMAKE_INSTALL_INCLUDEDIR}/slotguard)
set(SLOTGUARD_INSTALL_CMAKE ${CMAKE_INSTALL_LIBDIR}/cmake/slotguard)

# The targets name their include directories as source paths, which an exported target
# must not carry. The headers include one another from one root ("slotguard/base/json.h"),
# so the installed tree keeps that root: include/ holds slotguard/<part>/.
set_target_properties(slotguard_core PROPERTIES
  EXPORT_NAME core
  INTERFACE_INCLUDE_DIRECTORIES
    "$<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/core>;$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>")
set_target_properties(slotguard_native PROPERTIES
  EXPORT_NAME native
  INTERFACE_INCLUDE_DIRECTORIES
    "$<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/host-shims/native>;$<INSTALL_INTERFACE:${SLOTGUARD_INSTALL_INCLUDE}/native>")

# The native stores' headers: the store port and the translation of store host calls.
set(SLOTGUARD_NATIVE_HEADERS
  ${PROJECT_SOURCE_DIR}/host-shims/native/kv_store.h
  ${PROJECT_SOURCE_DIR}/host-shims/native/store_service.h)

# Every part's headers and the lists they include (*.def: metric names, release reasons,
# ...), but not the simulation's test hooks (planted_defects.h and its list).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/core/slotguard/ DESTINATION ${SLOTGUARD_INSTALL_INCLUDE} COMPONENT core
  FILES_MATCHING PATTERN "*.h" PATTERN "*.def" PATTERN "planted_defects.*" EXCLUDE)
install(FILES ${SLOTGUARD_NATIVE_HEADERS} DESTINATION ${SLOTGUARD_INSTALL_INCLUDE}/native COMPONENT native)

install(TARGETS slotguard_core EXPORT slotguard-core
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT core)
install(TARGETS slotguard_native EXPORT slotguard-native
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT native)
install(EXPORT slotguard-core NAMESPACE slotguard:: FILE slotguard-core-targets.cmake
  DESTINATION ${SLOTGUARD_INSTALL_CMAKE} COMPONENT core)
install(EXPORT slotguard-native NAMESPACE slotguard:: FILE slotguard-native-targets.cmake
  DESTINATION ${SLOTGUARD_INSTALL_CMAKE} COMPONENT native)

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/slotguardConfig.cmake.in
  ${PROJECT_BINARY_DIR}/slotguardConfig.cmake INSTALL_DESTINATION ${SLOTGUARD_INSTALL_CMAKE})
# 0.x: a minor release may change the API, so 0.2 accepts 0.2.* only.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/slotguardConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/slotguardConfig.cmake ${PROJECT_BINARY_DIR}/slotguardConfigVersion.cmake
  DESTINATION ${SLOTGUARD_INSTALL_CMAKE} COMPONENT core)
