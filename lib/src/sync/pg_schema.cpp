#include "sync/pg_schema.hpp"

#include <string>

#include "benchstore/postgres_migrations.hpp"
#include "central/partitioned_copy.hpp"
#include "sync/pg_adopt.hpp"

namespace benchstore::sync_ {
namespace {
// pg_advisory_xact_lock key for schema changes: "bnchschm".
constexpr const char* schema_lock = "SELECT pg_advisory_xact_lock(7093848493585427309)";
} // namespace

int latest_server_schema_version() { return static_cast<int>(postgres_schema::migrations.size()); }

int server_schema_version(PgConnection& conn)
{
    auto exists = conn.exec("SELECT to_regclass('benchstore_schema_version') IS NOT NULL AS found");
    if (exists.text(0, "found") != "t") return 0;
    return static_cast<int>(
        conn.exec("SELECT coalesce(max(version), 0) AS version FROM benchstore_schema_version").integer(0, "version"));
}

void refuse_newer_schema(const PgConnection& conn, int version)
{
    if (version > latest_server_schema_version())
        throw ServerError("server " + conn.server() + " has benchstore schema version " + std::to_string(version) +
                          ", newer than this program knows (" + std::to_string(latest_server_schema_version()) +
                          "); upgrade benchstore-sync; nothing was sent");
}

SchemaOutcome migrate_server_schema(PgConnection& conn)
{
    SchemaOutcome outcome;
    int version = server_schema_version(conn);
    refuse_newer_schema(conn, version);
    if (version == latest_server_schema_version()) return outcome;

    PgTransaction tx(conn);
    conn.exec(schema_lock);
    conn.exec("CREATE TABLE IF NOT EXISTS benchstore_schema_version (version integer PRIMARY KEY, "
              "applied_at timestamptz NOT NULL DEFAULT now())");
    version = server_schema_version(conn);  // again, under the lock: another sync may have migrated
    refuse_newer_schema(conn, version);
    outcome.applied = version < latest_server_schema_version();
    // A database with nothing in it yet: its measurement tables are partitioned from the start.
    const bool fresh = version == 0 && !has_existing_tables(conn);
    if (version == 0 && !fresh) {
        // Migration 1 would create the tables: adopting the existing ones takes its place.
        for (const auto& step : plan_adoption(conn)) {
            if (!step.sql.empty()) conn.exec(step.sql);
            outcome.adoption.push_back(step.description);
        }
        conn.exec("INSERT INTO benchstore_schema_version (version) VALUES (1)");
        version = 1;
    }
    for (int v = version; v < latest_server_schema_version(); ++v) {
        conn.exec(std::string(postgres_schema::migrations[static_cast<std::size_t>(v)]));
        conn.exec("INSERT INTO benchstore_schema_version (version) VALUES (" + std::to_string(v + 1) + ")");
    }
    if (fresh) central::partition_new_tables(conn);
    tx.commit();
    return outcome;
}

} // namespace benchstore::sync_
