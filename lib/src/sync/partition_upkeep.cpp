#include "sync/partition_upkeep.hpp"

#include <algorithm>
#include <chrono>

#include "central/partitions.hpp"
#include "store/query.hpp"
#include "sync/table_sync.hpp"

namespace benchstore::sync_ {
namespace {

constexpr std::chrono::milliseconds upkeep_lock_timeout{2000};

bool is_time_partitioned(PgConnection& conn, const TableSpec& spec)
{
    const auto& tables = central::measurement_tables();
    if (std::find(tables.begin(), tables.end(), spec.name) == tables.end()) return false;
    return central::is_partitioned(conn, spec.name);
}

// The time of the first (or last) row of the spec's view (the store's own rows, or one merged store's,
// by their local id there) with after < id <= up_to; "" when there is none.
std::string pending_time(SQLite::Database& db, const TableSpec& spec, std::int64_t after, std::int64_t up_to,
                         const char* order)
{
    const std::string& id = spec.id_column;
    const std::string view = spec.view_filter.empty() ? std::string() : spec.view_filter + " AND ";
    store::Query q(db, "SELECT time AS time FROM " + spec.name + " WHERE " + view + id + " > ? AND " + id +
                           " <= ? ORDER BY " + id + " " + order + " LIMIT 1",
                   {std::to_string(after), std::to_string(up_to)});
    const auto time = q.column("time");
    return q.step() ? std::string(q.text(time)) : std::string();
}

} // namespace

void prepare_partitions(PgConnection& conn, SQLite::Database& db, const TableSpec& spec, const std::string& source_id,
                        std::int64_t target)
{
    try {
        if (!is_time_partitioned(conn, spec)) return;
        central::ensure_upcoming_partitions(conn, spec.name, spec.name, upkeep_lock_timeout);
        const auto mark = read_remote_mark(conn, source_id, spec.name).high_water_mark;
        const auto first = pending_time(db, spec, mark, target, "ASC");
        if (first.empty()) return;
        central::ensure_partitions(conn, spec.name, spec.name, first, pending_time(db, spec, mark, target, "DESC"),
                                   upkeep_lock_timeout);
    } catch (const ServerError&) {
        // A lock not granted, permission denied, a time the server cannot read: the rows go to the
        // default partition.
    }
}

void settle_partitions(PgConnection& conn, const TableSpec& spec)
{
    try {
        if (!is_time_partitioned(conn, spec)) return;
        central::settle_default_partition(conn, spec.name, spec.name, upkeep_lock_timeout);
    } catch (const ServerError&) {
        // As above: the rows stay in the default partition until a later sync or
        // benchstore-central partition moves them.
    }
}

} // namespace benchstore::sync_
