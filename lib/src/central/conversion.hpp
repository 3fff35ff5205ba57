#pragma once
// Converting one unpartitioned measurement table to a partitioned one while syncs go on, in steps
// that survive the process being killed (see benchstore/central.hpp, convert_to_partitions):
//   1. set-up, one transaction under a SHARE ROW EXCLUSIVE lock (waits for the syncs inserting at
//      that moment, blocks new ones for its own few milliseconds): the partitioned twin, a statement
//      trigger that copies each newly inserted row into the twin, a trigger that refuses UPDATE,
//      DELETE and TRUNCATE, and a row in benchstore_partition_conversions recording the boundary:
//      the table's size in blocks and its measurement_id sequence's last value. Every row already
//      there lies below both; every row inserted later has a greater measurement_id (the sequence
//      hands out ids in order: CACHE 1) and reaches the twin through the trigger.
//   2. chunks: rows of blocks [next_block, next_block + chunk) with measurement_id up to the
//      boundary are copied into the twin (a TID range scan: no index needed) and next_block moves
//      on, in one transaction. A kill loses at most the chunk in flight, which is redone.
//   3. the swap, one transaction under ACCESS EXCLUSIVE (milliseconds: no rows move).
// Internal.
#include <string>

#include "benchstore/central.hpp"
#include "core/progress_line.hpp"
#include "sync/pg_connection.hpp"

namespace benchstore::central {

ConversionStep convert_table(sync_::PgConnection& conn, const std::string& table, const CentralOptions& options,
                             ProgressLine& progress);

} // namespace benchstore::central
