#pragma once
// The rows sync replays into PostgreSQL, read from the store by local id range, for one view of the
// store: the rows it wrote itself, or those it merged from one other store (schema version 5: origins,
// origin, origin_id). A merged row is read with its id in its first store, so it is the same row on
// the server whichever store sends it. Sync's side of each table (the PostgreSQL statements, the COPY
// encoding) is in lib/src/sync/. Internal to the library. Throws StoreError.
#include <cstdint>
#include <optional>
#include <string>

#include <SQLiteCpp/Database.h>

#include "store/query.hpp"

namespace benchstore::store {

// Which rows of a table one sync pass reads.
struct RowView {
    std::optional<std::int64_t> origin;  // origins.id; empty = the store's own rows
    bool has_origins = false;            // the store has the origin columns

    // The rows' local id as the server knows it: id, or origin_id for merged rows.
    std::string id_column() const { return origin ? "origin_id" : "id"; }
    // The view's rows ("origin IS NULL", "origin = 3"); empty = every row.
    std::string filter() const;
};

enum class ReplayTable { benchmarks, benchmark_status_changes, device_measurements, model_measurements };

// The store table's name (also sync's key for its high-water mark).
const char* table_name(ReplayTable table);

// Up to limit rows of the view with after < id <= up_to, in id order. Every table's rows have id (the
// view's id column) and benchmark_id, then
//   benchmarks: repository, branch, commit_id, commit_message, metadata, created_at, host, run_id,
//     module, status, status_reason, finished_at, status_seq (the id of its newest status change, NULL
//     when none, read in the same snapshot as the status) and host_info;
//   benchmark_status_changes: status, status_reason, time;
//   device_measurements: device_value_columns (store/device_columns.hpp), time;
//   model_measurements: measurements, time.
Query replay_rows(SQLite::Database& db, ReplayTable table, const RowView& view, std::int64_t after,
                  std::int64_t up_to, std::int64_t limit);

// The highest id of the view's rows in the table now; 0 when none.
std::int64_t replay_max_id(SQLite::Database& db, ReplayTable table, const RowView& view);

// The number of the view's rows with after < id <= up_to.
std::int64_t replay_count(SQLite::Database& db, ReplayTable table, const RowView& view, std::int64_t after,
                          std::int64_t up_to);

// The time of the first (or last) of the view's rows with after < id <= up_to, by id; "" when there is
// none. Measurement tables only (their rows have a time).
enum class RangeEnd { first, last };
std::string replay_time(SQLite::Database& db, ReplayTable table, const RowView& view, std::int64_t after,
                        std::int64_t up_to, RangeEnd end);

} // namespace benchstore::store
