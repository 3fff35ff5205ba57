#include "sync/partition_upkeep.hpp"

#include <algorithm>
#include <chrono>

#include "central/partitions.hpp"
#include "store/replay_rows.hpp"
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

} // namespace

void prepare_partitions(PgConnection& conn, SQLite::Database& db, const TableSpec& spec, const std::string& source_id,
                        std::int64_t target)
{
    try {
        if (!is_time_partitioned(conn, spec)) return;
        central::ensure_upcoming_partitions(conn, spec.name, spec.name, upkeep_lock_timeout);
        const auto mark = read_remote_mark(conn, source_id, spec.name).high_water_mark;
        const auto first = store::replay_time(db, spec.table, spec.rows, mark, target, store::RangeEnd::first);
        if (first.empty()) return;
        central::ensure_partitions(conn, spec.name, spec.name, first,
                                   store::replay_time(db, spec.table, spec.rows, mark, target, store::RangeEnd::last),
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
