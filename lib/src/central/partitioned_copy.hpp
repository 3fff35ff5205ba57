#pragma once
// A partitioned twin of an unpartitioned measurement table, and the swap that puts it in the
// table's place: what converting an existing database does over minutes, and what a new database
// does at once while its tables are still empty. Internal.
//
// The twin has the same columns, defaults, CHECK constraints and foreign keys, is partitioned by
// RANGE (time) with a default partition, and has every index of the table under a temporary name:
// a primary key or unique index gets "time" added to its columns (PostgreSQL requires a unique key
// of a partitioned table to hold the partition key; a row's time never changes, so the same row
// sent twice still meets itself), other indexes are copied as they are (BRIN on time, storage
// parameters included). The swap gives the twin the table's name, index names, owner, grants,
// serial sequences and benchstore's per-minute rollup trigger, and drops the table.
#include <string>
#include <vector>

#include "sync/pg_connection.hpp"

namespace benchstore::central {

using sync_::PgConnection;

// Why table cannot be converted (a view or foreign key that refers to it, a trigger of its own, no
// "time" column, a unique index on expressions, ...): one line per reason; empty when it can be.
std::vector<std::string> conversion_obstacles(PgConnection& conn, const std::string& table);

// Creates twin (plus twin's default partition, named <table>_default) in the caller's transaction.
void create_partitioned_twin(PgConnection& conn, const std::string& table, const std::string& twin);

// Puts twin in table's place, in the caller's transaction (which should hold ACCESS EXCLUSIVE on
// table: the caller decides how long to wait for it).
void swap_in_twin(PgConnection& conn, const std::string& table, const std::string& twin);

// Partitions the empty measurement tables of a database that the running migration created,
// inside the migration's transaction. Nothing else needs to happen: sync creates the weekly
// partitions ahead of the rows it sends.
void partition_new_tables(PgConnection& conn);

} // namespace benchstore::central
