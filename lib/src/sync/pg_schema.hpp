#pragma once
// The central schema's version bookkeeping: schema/postgres/NNN_*.sql, embedded at build time,
// applied in order inside one transaction under an advisory lock (many machines may sync into a
// fresh database at once), each recorded in benchstore_schema_version. Internal.
#include "sync/pg_connection.hpp"

namespace benchstore::pgsync {

// The version this program creates.
int latest_server_schema_version();

// The server's version: 0 when benchstore's tables are not there yet.
int server_schema_version(PgConnection& conn);

// Brings the server's schema to the latest version. Returns true when it applied migrations.
// Throws ServerError when the server's schema is newer than this program (nothing is touched) or
// a migration is refused (permission denied, a foreign table of the same name, ...).
bool migrate_server_schema(PgConnection& conn);

// Throws ServerError when version is newer than this program knows.
void refuse_newer_schema(const PgConnection& conn, int version);

} // namespace benchstore::pgsync
