#pragma once
// Sync's share of the per-minute rollup of device rows (schema/postgres/007_device_minutes_by_sync.sql):
// the rows it inserts are summarised by sync itself, in the transaction that inserts them, while the
// rollup trigger skips them: they carry a local_id (schema/postgres/008_device_minutes_by_store_id.sql).
// So every statement of sync that inserts device rows must add them to their minutes (below, or
// device_minutes_from_inserted). Internal to sync.
#include <cstddef>
#include <string>

#include "sync/batch_reader.hpp"
#include "sync/pg_connection.hpp"

namespace benchstore::sync_ {

// Adds the batch's rows in [begin, end) that are sent (not rejected) to their minutes, with the
// trigger's semantics: per benchmark and date_trunc('minute', time), the rows, and per value column
// the count of non-NULL values, their sum, smallest and largest (NULL when the count is 0). One
// statement, ~1 rollup row per benchmark-minute.
void add_device_minutes(PgConnection& conn, const Batch& batch, std::size_t begin, std::size_t end);

// An INSERT ... RETURNING the device columns (benchmark_id, "time", the value columns), wrapped so
// that the rows it inserts (not those ON CONFLICT DO NOTHING skipped) are added to their minutes
// by the server, in the same statement, which returns their count in the column "inserted".
std::string device_minutes_from_inserted(const std::string& insert_returning);

} // namespace benchstore::sync_
