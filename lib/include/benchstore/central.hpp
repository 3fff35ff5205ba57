#pragma once
// Upkeep of the central PostgreSQL database that benchstore-sync fills: its measurement tables'
// time partitions, retention of old rows, and the conversion of an unpartitioned database
// (created by an older benchstore, or adopted from Hugging Face's tool) to partitioned tables.
// docs/central-maintenance.md describes the layout and the commands (tools/benchstore-central).
//
// New databases get device_measurements and model_measurements partitioned by week of "time",
// plus a default partition that takes rows no weekly partition covers; sync creates the weekly
// partitions ahead of the rows it sends. Unpartitioned databases keep working as they are.
//
// Every function connects with CentralOptions::conninfo (as SyncOptions::conninfo), brings the
// server's benchstore schema up to date (as a sync does; not in a dry run) and throws:
//   InvalidArgument  bad options;
//   ConnectionError  the server is unreachable or the connection was lost: try again later;
//   ServerError      refused (password, permissions), not a benchstore database, a schema newer
//                    than this program, or the work cannot be done (see each function).
// Messages are one line and never hold a password.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "benchstore/api.hpp"
#include "benchstore/sync.hpp"

namespace benchstore {

struct CentralOptions {
    std::string conninfo;  // as SyncOptions::conninfo
    std::chrono::seconds statement_timeout{300};
    DryRun dry_run = DryRun::no;  // report what would be done; change nothing
    ShowProgress show_progress = ShowProgress::no;
    // Conversion: blocks of the old table copied per transaction (8 KiB each; about 70 device rows).
    std::int64_t chunk_blocks = 2048;
    // How long one partition change waits for its table locks before it gives up (and says so).
    std::chrono::milliseconds lock_timeout{10'000};
    // When set and true, a conversion stops after its current chunk (resumable).
    const std::atomic<bool>* stop = nullptr;
};

struct CentralPartition {
    std::string name;
    std::optional<std::string> from, to;  // "2025-07-28 00:00:00"; none for the default partition
    bool is_default = false;
    std::int64_t rows = 0;                // estimate (pg_class.reltuples); exact for the default partition
    std::int64_t bytes = 0;               // with indexes
};

struct CentralTable {
    std::string table;
    bool partitioned = false;
    std::vector<CentralPartition> partitions;
    // A conversion in progress: blocks copied of the blocks to copy (0/0 when none).
    std::int64_t converted_blocks = 0, blocks_to_convert = 0;
    bool converting = false;
};

// The measurement tables and their partitions. Changes nothing.
BENCHSTORE_API std::vector<CentralTable> central_tables(const CentralOptions& options);

// "90d", "12h", "2w", "30m", "3600s" (a whole number and a unit) -> seconds. InvalidArgument for
// anything else, zero or negative ages included.
BENCHSTORE_API std::chrono::seconds parse_age(const std::string& text);

struct RetentionStep {
    enum class Kind { drop_partition, keep_straddling, delete_from_default };
    Kind kind = Kind::drop_partition;
    std::string table, partition;
    std::optional<std::string> from, to;
    std::int64_t rows = 0;  // dropped (estimate) or deleted; would be, in a dry run
};

// What retention does with the per-minute rollups of device rows (device_measurements_minutes,
// schema version 6): they are what is kept of device rows once their partitions are dropped, so by
// default none is deleted; with rollups_older_than, the minutes that ended before now minus that age
// are deleted.
struct RollupRetention {
    bool present = false;               // the database has the rollup table
    std::int64_t older_than_cut = 0;    // rollup rows (benchmark and minute) of minutes before the rows' cut
    std::optional<std::string> cut;     // minutes that ended before it are deleted; none: every minute kept
    std::int64_t deleted = 0;           // would be, in a dry run
};

struct RetentionResult {
    std::string cut;  // rows with time before it are old: now (UTC) minus the age
    std::vector<RetentionStep> steps;
    RollupRetention rollups;
    double seconds = 0;
};

// Drops the measurement rows older than older_than, a whole weekly partition at a time: each
// partition that ends at or before the cut is dropped (one short transaction each); the partition
// that holds the cut is kept whole (its older rows go on a later run), so no row newer than the cut
// is ever touched; rows of the default partition older than the cut are deleted. Benchmarks rows
// are kept, and so are the per-minute rollups unless rollups_older_than is given (see
// RollupRetention; InvalidArgument when it is shorter than older_than). ServerError when a
// measurement table is not partitioned (convert it first) or a lock is not granted within
// lock_timeout (what was dropped so far stays dropped; run again).
BENCHSTORE_API RetentionResult apply_retention(const CentralOptions& options, std::chrono::seconds older_than,
                                               std::optional<std::chrono::seconds> rollups_older_than = std::nullopt);

struct ConversionStep {
    std::string table;
    enum class State { already_partitioned, converted, would_convert, stopped } state = State::converted;
    std::int64_t rows_copied = 0;     // by this run (a dry run: the table's estimated rows)
    std::int64_t blocks = 0;          // of the old table (a dry run: its size)
    bool resumed = false;             // carried on from an earlier, interrupted run
    std::int64_t rows_settled = 0;    // rows moved from the default partition into weekly ones
    double seconds = 0;
};

// Converts each unpartitioned measurement table to a partitioned one (see
// docs/central-maintenance.md): a partitioned twin is created, a trigger copies every row inserted
// from then on into it, the existing rows are copied in chunks of chunk_blocks (one transaction
// each, progress recorded in benchstore_partition_conversions, so an interrupted run, killed or
// stopped, carries on where it stopped), and at the end the twin takes the table's place under a
// short exclusive lock. Syncs go on meanwhile; UPDATE and DELETE on the table are refused until it
// ends. ServerError, before anything is changed, when the table cannot be converted (a view or
// foreign key refers to it, ...), naming why; or when another conversion of it is running.
BENCHSTORE_API std::vector<ConversionStep> convert_to_partitions(const CentralOptions& options);

struct UpkeepResult {
    std::string table;
    bool partitioned = false;  // false: skipped
    int partitions_created = 0;
    std::int64_t rows_settled = 0;
};

// What sync does before it sends, for a cron job: creates this week's and next week's partitions
// and moves rows waiting in the default partition into partitions of their own. Unpartitioned
// tables are skipped.
BENCHSTORE_API std::vector<UpkeepResult> maintain_partitions(const CentralOptions& options);

// Report lines for the functions above (the tool prints them).
BENCHSTORE_API std::vector<std::string> format_central_tables(const std::vector<CentralTable>& tables);
BENCHSTORE_API std::vector<std::string> format_retention(const RetentionResult& result, DryRun dry_run);
BENCHSTORE_API std::vector<std::string> format_conversion(const std::vector<ConversionStep>& steps);
BENCHSTORE_API std::vector<std::string> format_upkeep(const std::vector<UpkeepResult>& results);

} // namespace benchstore
