#pragma once
// Sync's share of partition upkeep (central/partitions.hpp) on a database whose measurement tables
// are partitioned by week: before a table's rows go, the partitions for this week, next week and
// the weeks of the first and last row waiting to be sent are there; after, rows that landed in the
// default partition (a backlog spread over months, a clock set wrong) move into partitions of their
// own. Best effort: the default partition takes every row that finds no partition, so upkeep that
// fails (its locks not granted within two seconds, a sync role that does not own the tables) never
// fails the sync; benchstore-central partition does it later. Internal.
#include <cstdint>
#include <string>

#include <SQLiteCpp/Database.h>

#include "sync/pg_connection.hpp"
#include "sync/sync_tables.hpp"

namespace benchstore::sync_ {

void prepare_partitions(PgConnection& conn, SQLite::Database& db, const TableSpec& spec, const std::string& source_id,
                        std::int64_t target);

void settle_partitions(PgConnection& conn, const TableSpec& spec);

} // namespace benchstore::sync_
