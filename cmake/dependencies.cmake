# Every external dependency, in one place. All are Debian 12 packages; nothing is downloaded.
find_package(SQLiteCpp REQUIRED)                       # libsqlitecpp-dev -> target SQLiteCpp
find_package(SQLite3 REQUIRED)                         # libsqlite3-dev   -> SQLite::SQLite3
find_package(PostgreSQL REQUIRED)                      # libpq-dev        -> PostgreSQL::PostgreSQL
find_package(cxxopts REQUIRED)                         # libcxxopts-dev   -> cxxopts::cxxopts
find_package(date REQUIRED)                            # libhowardhinnant-date-dev -> date::date
find_package(nlohmann_json 3 REQUIRED)                 # nlohmann-json3-dev (headers only, private to the library)
find_package(Threads REQUIRED)
# libre2-dev -> PkgConfig::RE2: user-given patterns (compare's --higher-is-better, --threshold REGEX=PCT)
# match in linear time. Debian 12's package ships re2.pc but no CMake config.
find_package(PkgConfig REQUIRED)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
if(BENCHSTORE_BUILD_TESTS)
  find_package(Boost REQUIRED COMPONENTS unit_test_framework)  # libboost-test-dev, for the tests only
  find_package(ZLIB REQUIRED)                          # zlib1g-dev -> ZLIB::ZLIB (report tests: PNG screenshots)
endif()
# The Python package: Debian's python3-dev and pybind11-dev. Debian's own interpreter is preferred
# over a python3 found earlier on PATH (pyenv, conda), which may lack NumPy or the headers; pass
# -DPython3_EXECUTABLE=... to build for another one.
if(BENCHSTORE_BUILD_PYTHON)
  if(NOT DEFINED Python3_EXECUTABLE AND EXISTS /usr/bin/python3)
    set(Python3_EXECUTABLE /usr/bin/python3 CACHE FILEPATH "Python interpreter the package is built for")
  endif()
  find_package(Python3 3.9 COMPONENTS Interpreter Development.Module)
  if(Python3_FOUND)
    find_package(pybind11 2.6 CONFIG)  # pybind11-dev -> pybind11_add_module
  endif()
  if(NOT Python3_FOUND OR NOT pybind11_FOUND)
    message(WARNING "benchstore: Python package not built (install python3-dev and pybind11-dev, "
                    "or pass -DBENCHSTORE_BUILD_PYTHON=OFF to silence this)")
    set(BENCHSTORE_BUILD_PYTHON OFF)
  endif()
endif()
# libjs-chart.js: Chart.js's UMD build, usable in a plain <script>; embedded into benchstore-report's pages.
find_file(BENCHSTORE_CHART_JS chart.min.js PATHS /usr/share/javascript/chart.js NO_DEFAULT_PATH REQUIRED)
