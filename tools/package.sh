#!/usr/bin/env bash
# Builds the Debian package build/benchstore_<version>_amd64.deb: the three programs, the library, its
# headers, CMake and pkg-config files, and the bundled benchmark modules, under /usr. Its Depends are
# runtime libraries only (computed by dpkg-shlibdeps). docs/embedding.md, "Installing from the .deb".
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/tools/install-deps.sh"
"$root/tools/build.sh" -DBENCHSTORE_BUILD_TESTS=OFF -DBENCHSTORE_BUILD_BENCHES=OFF
cd "$root/build"
cpack -G DEB
