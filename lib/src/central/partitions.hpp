#pragma once
// The time partitions of the central measurement tables (device_measurements, model_measurements
// partitioned by RANGE (time), PostgreSQL's declarative partitioning): one partition per week,
// named <table>_pYYYYMMDD after its first day (a Monday, UTC), plus <table>_default, which takes
// any row no weekly partition covers, so an INSERT never fails for a missing partition.
// benchstore manages them itself, with no extension (pg_partman) to install on the central server.
// Internal.
//
// A partition is created as a plain table and then ATTACHed: that takes a SHARE UPDATE EXCLUSIVE
// lock on the parent, so syncs and dashboards go on, and ACCESS EXCLUSIVE only on the new table
// and the default partition. Rows of its week waiting in the default partition move into it in the
// same transaction. Every change to a table's partitions holds one advisory lock per table.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sync/pg_connection.hpp"

namespace benchstore::central {

using sync_::PgConnection;

// The tables that are partitioned by time, in the order they are maintained.
const std::vector<std::string>& measurement_tables();

// True when table is a partitioned table (relkind 'p').
bool is_partitioned(PgConnection& conn, const std::string& table);

struct Partition {
    std::string name;
    std::optional<std::string> from, to;  // bounds as the server prints them; none for the default
    bool is_default = false;
    std::int64_t estimated_rows = 0;      // pg_class.reltuples (0 before the first ANALYZE)
    std::int64_t bytes = 0;               // with its indexes
};

// The partitions of parent, oldest first, the default partition last.
std::vector<Partition> partitions_of(PgConnection& conn, const std::string& parent);

// The default partition of parent ("" when there is none).
std::string default_partition_of(PgConnection& conn, const std::string& parent);

// Rows that are outside every weekly partition and stay in the default partition: times before
// 1970 (a clock that was never set) and after next week (a clock set wrong) get no partition of
// their own; retention and later upkeep deal with them.
struct PartitionWindow {
    std::string first_week;  // Monday of the first week that gets a partition
    std::string last_week;   // Monday of next week: the last week that gets one now
};
PartitionWindow partition_window(PgConnection& conn);

// Creates the weekly partitions of parent that hold the times from..to (timestamps as text, ISO
// 8601) and are missing, clipped to partition_window(): every week between them when they are at
// most max_weeks_between apart, else only the weeks of from and of to. Partitions are named after
// base (the table's own name; during a conversion parent is the shadow table). Each partition is one
// short transaction; lock_timeout bounds the wait for its locks (PgStatementError 55P03 past it).
// Returns the partitions created.
inline constexpr int max_weeks_between = 60;
int ensure_partitions(PgConnection& conn, const std::string& parent, const std::string& base,
                      const std::string& from, const std::string& to, std::chrono::milliseconds lock_timeout);

// This week's and next week's partitions: where the rows being recorded now belong.
int ensure_upcoming_partitions(PgConnection& conn, const std::string& parent, const std::string& base,
                               std::chrono::milliseconds lock_timeout);

// Creates the partitions for the weeks that rows in parent's default partition belong to (within
// partition_window()), moving those rows into them. Returns the rows moved.
std::int64_t settle_default_partition(PgConnection& conn, const std::string& parent, const std::string& base,
                                      std::chrono::milliseconds lock_timeout);

// The columns of table that an INSERT ... SELECT copies (not dropped, not generated), in order,
// quoted, joined with ", ".
std::string copied_columns(PgConnection& conn, const std::string& table);

// "name" quoted as an SQL identifier.
std::string ident(const std::string& name);

// Takes the per-table advisory lock that every change to table's partitions holds (transaction
// scoped: call inside a transaction).
void lock_partitions_of(PgConnection& conn, const std::string& table);

} // namespace benchstore::central
