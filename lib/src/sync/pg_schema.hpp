#pragma once
// The central schema's version bookkeeping: schema/postgres/NNN_*.sql, embedded at build time,
// applied in order inside one transaction under an advisory lock (many machines may sync into a
// fresh database at once), each recorded in benchstore_schema_version. Internal.
#include <string>
#include <vector>

#include "sync/pg_connection.hpp"

namespace benchstore::sync_ {

// The version this program creates.
int latest_server_schema_version();

// The server's version: 0 when benchstore's tables are not there yet.
int server_schema_version(PgConnection& conn);

struct SchemaOutcome {
    bool applied = false;               // migrations (or an adoption) were applied
    std::vector<std::string> adoption;  // the adoption's steps (sync/pg_adopt.hpp); empty: none
};

// Brings the server's schema to the latest version. A database without benchstore's tables but
// with Hugging Face's (created by their init_db.sql) is adopted first, in the same transaction. A
// database without any of those tables gets its measurement tables partitioned by week of time
// (central/partitioned_copy.hpp), in the same transaction too; existing databases keep their shape.
// Throws ServerError when the server's schema is newer than this program, its tables cannot be
// adopted (nothing is touched in either case), or a migration is refused (permission denied, ...).
SchemaOutcome migrate_server_schema(PgConnection& conn);

// Throws ServerError when version is newer than this program knows.
void refuse_newer_schema(const PgConnection& conn, int version);

} // namespace benchstore::sync_
