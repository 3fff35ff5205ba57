# Every external dependency, in one place. All are Debian 12 packages; nothing is downloaded.
find_package(SQLiteCpp REQUIRED)                       # libsqlitecpp-dev -> target SQLiteCpp
find_package(SQLite3 REQUIRED)                         # libsqlite3-dev   -> SQLite::SQLite3
find_package(PostgreSQL REQUIRED)                      # libpq-dev        -> PostgreSQL::PostgreSQL
find_package(cxxopts REQUIRED)                         # libcxxopts-dev   -> cxxopts::cxxopts
find_package(date REQUIRED)                            # libhowardhinnant-date-dev -> date::date
find_package(Threads REQUIRED)
find_package(Boost REQUIRED COMPONENTS unit_test_framework)  # libboost-test-dev
# libjs-chart.js: Chart.js's UMD build, usable in a plain <script>; embedded into benchstore-report's pages.
find_file(BENCHSTORE_CHART_JS chart.min.js PATHS /usr/share/javascript/chart.js NO_DEFAULT_PATH REQUIRED)
find_package(ZLIB REQUIRED)                            # zlib1g-dev -> ZLIB::ZLIB (tests: PNG screenshots)
