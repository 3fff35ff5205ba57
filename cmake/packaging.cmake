# The Debian package: `cd build && cpack -G DEB` (or tools/package.sh) writes
# benchstore_<version>_amd64.deb holding everything the install rules install (cmake/install.cmake),
# under /usr. Its Depends are computed by dpkg-shlibdeps from the shared libraries the programs and the
# library link (libsqlite3-0, libpq5, libstdc++6, ...), so `apt install ./benchstore_*.deb` on Debian 12
# brings only runtime packages, never a compiler.
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "benchstore")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "benchstore")
set(CPACK_PACKAGE_CONTACT "benchstore maintainers <benchstore@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "benchmark metrics store: record into SQLite, sync to PostgreSQL, export CSV")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "benchstore records benchmark results into one local SQLite file (benchstore-run and the bundled "
  "benchmark modules), replays them into a central PostgreSQL when the network is up (benchstore-sync) "
  "and writes the CSV files pandas users read (benchstore-export). It also holds the C++20 library with "
  "its headers, CMake package and pkg-config file, to embed the store in another harness.")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_DEBIAN_FILE_NAME "DEB-DEFAULT")  # benchstore_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION "utils")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# A shlibs file for libbenchstore.so.<SOVERSION>, and ldconfig triggered on install and removal.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
# dpkg-shlibdeps must find the package's own library when it resolves the programs' dependencies.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${PROJECT_BINARY_DIR}/lib")
set(CPACK_STRIP_FILES ON)
# The Python package (python/) is built for one interpreter's ABI. Recommended, not required: the
# programs, the library and the C++ modules need no Python; *.py modules and `import benchstore` do.
if(BENCHSTORE_BUILD_PYTHON)
  set(CPACK_DEBIAN_PACKAGE_RECOMMENDS
      "python3 (>= ${Python3_VERSION_MAJOR}.${Python3_VERSION_MINOR}), python3 (<< ${Python3_VERSION_MAJOR}.${Python3_VERSION_MINOR}.99), python3-numpy")
endif()
# Byte-code of the packaged Python files (the package, benches/*.py) by Debian's convention: postinst
# compiles it (py3compile), prerm removes it (py3clean), so apt remove leaves no __pycache__ behind.
foreach(script postinst prerm)
  configure_file("${CMAKE_CURRENT_LIST_DIR}/debian/${script}.in" "${PROJECT_BINARY_DIR}/debian/${script}" @ONLY
                 FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endforeach()
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${PROJECT_BINARY_DIR}/debian/postinst;${PROJECT_BINARY_DIR}/debian/prerm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
