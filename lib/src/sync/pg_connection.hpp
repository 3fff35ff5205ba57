#pragma once
// Sync's view of the shared PostgreSQL layer (lib/src/pg/: connection with deadlines, conninfo,
// masking), which the central reader uses too: its names, unqualified, inside sync's namespace.
#include "pg/connection.hpp"

namespace benchstore::sync_ {
using namespace benchstore::pg;
} // namespace benchstore::sync_
