# Install rules: what `cmake --install build --prefix P` (and so the .deb) puts where.
#
#   P/bin/benchstore-run, benchstore-export, benchstore-sync, ...     benchstore_install_program()
#   P/lib/benchstore/benches/<module>.so                              benchstore_install_module()
#   P/<libdir>/libbenchstore.so.<SOVERSION> (+ the .so link)          benchstore_install_package()
#   P/include/benchstore/*.hpp, version.hpp
#   P/<libdir>/cmake/benchstore/  benchstoreConfig.cmake, -ConfigVersion.cmake, -Targets.cmake
#   P/<libdir>/pkgconfig/benchstore.pc
#   P/share/benchstore/grafana-dashboard.json                         the Grafana dashboard (dashboards/)
#
# Everything is relocatable: the programs find the library through an $ORIGIN-relative RUNPATH, the
# runner finds the modules relative to itself, and the CMake and pkg-config files compute the prefix
# from where they lie. So the same files work in /usr (the .deb), /usr/local, or a folder in $HOME.
include(CMakePackageConfigHelpers)

set(BENCHSTORE_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/benchstore")

# Installs target (of the install(TARGETS) kind RUNTIME or LIBRARY) into dir, with an $ORIGIN-relative
# RUNPATH from there to the library.
function(benchstore_install_into target kind dir)
  if(NOT BENCHSTORE_INSTALL)
    return()
  endif()
  file(RELATIVE_PATH to_lib "/prefix/${dir}" "/prefix/${CMAKE_INSTALL_LIBDIR}")
  set_target_properties(${target} PROPERTIES INSTALL_RPATH "$ORIGIN/${to_lib}")
  install(TARGETS ${target} ${kind} DESTINATION "${dir}")
endfunction()

# An installed executable of benchstore (apps/, tools/).
function(benchstore_install_program target)
  benchstore_install_into(${target} RUNTIME "${CMAKE_INSTALL_BINDIR}")
endfunction()

# A bundled benchmark module, installed where the installed benchstore-run looks by default.
function(benchstore_install_module target)
  benchstore_install_into(${target} LIBRARY "${BENCHSTORE_INSTALL_MODULEDIR}")
endfunction()

# The library, its headers, and the files find_package and pkg-config read. Called once, after lib/.
function(benchstore_install_package)
  # The include folder reaches users through the target's $<INSTALL_INTERFACE> (lib/CMakeLists.txt).
  install(TARGETS benchstore EXPORT benchstoreTargets LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}")
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/lib/include/benchstore" "${PROJECT_BINARY_DIR}/include/benchstore"
    DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")

  install(EXPORT benchstoreTargets NAMESPACE benchstore:: DESTINATION "${BENCHSTORE_INSTALL_CMAKEDIR}")
  configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/benchstoreConfig.cmake.in"
    "${PROJECT_BINARY_DIR}/cmake/benchstoreConfig.cmake"
    INSTALL_DESTINATION "${BENCHSTORE_INSTALL_CMAKEDIR}")
  # Before 1.0 a minor release may change the API, so find_package(benchstore 0.1) accepts 0.1.x only.
  write_basic_package_version_file("${PROJECT_BINARY_DIR}/cmake/benchstoreConfigVersion.cmake"
    VERSION "${PROJECT_VERSION}" COMPATIBILITY SameMinorVersion)
  install(FILES "${PROJECT_BINARY_DIR}/cmake/benchstoreConfig.cmake"
                "${PROJECT_BINARY_DIR}/cmake/benchstoreConfigVersion.cmake"
    DESTINATION "${BENCHSTORE_INSTALL_CMAKEDIR}")

  # benchstore.pc names its prefix relative to its own folder (${pcfiledir}), so it stays right
  # wherever the tree is installed or unpacked.
  file(RELATIVE_PATH pc_to_prefix "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
  string(REGEX REPLACE "/$" "" pc_to_prefix "${pc_to_prefix}")
  set(BENCHSTORE_PC_PREFIX "\${pcfiledir}/${pc_to_prefix}")
  configure_file("${PROJECT_SOURCE_DIR}/benchstore.pc.in" "${PROJECT_BINARY_DIR}/benchstore.pc" @ONLY)
  install(FILES "${PROJECT_BINARY_DIR}/benchstore.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")

  # The Grafana dashboard over the central database (import it in Grafana: Dashboards > New > Import).
  install(FILES "${PROJECT_SOURCE_DIR}/dashboards/benchstore.json"
    DESTINATION "${CMAKE_INSTALL_DATADIR}/benchstore" RENAME grafana-dashboard.json)
endfunction()
