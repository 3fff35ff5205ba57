#pragma once
// Retention over the weekly partitions (see benchstore/central.hpp, apply_retention). Internal.
#include <chrono>
#include <optional>
#include <string>

#include "benchstore/central.hpp"
#include "sync/pg_connection.hpp"

namespace benchstore::central {

// Throws ServerError unless table is partitioned: retention only ever drops whole partitions.
void require_partitioned(sync_::PgConnection& conn, const std::string& table);

// The per-minute rollups' part: counts the minutes before cut, and deletes the minutes that ended
// before rollup_cut when one is given (unless options.dry_run).
RollupRetention retain_rollups(sync_::PgConnection& conn, const std::string& cut,
                               const std::optional<std::string>& rollup_cut, const CentralOptions& options);

// The steps for one table with rows older than cut ("YYYY-MM-DD HH:MM:SS.ffffff", UTC); done unless
// options.dry_run. The table must be partitioned.
std::vector<RetentionStep> retain_table(sync_::PgConnection& conn, const std::string& table, const std::string& cut,
                                        const CentralOptions& options);

} // namespace benchstore::central
