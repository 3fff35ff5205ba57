-- benchstore central schema: the progress of converting an unpartitioned measurement table to one
-- partitioned by week of time (benchstore-central partition --convert; docs/central-maintenance.md).
-- One row per table; a conversion that was killed carries on from next_block.
-- A database this version of benchstore creates has its measurement tables partitioned from the
-- start (lib/src/central/partitioned_copy.cpp, right after the migrations); older and adopted
-- databases stay as they are until converted.
CREATE TABLE benchstore_partition_conversions (
    table_name  text PRIMARY KEY,
    twin_name   text   NOT NULL,            -- the partitioned table the rows are copied into
    boundary_id bigint NOT NULL,            -- rows with a greater measurement_id reach the twin by trigger
    blocks      bigint NOT NULL,            -- the table's size when the copy began: what the chunks cover
    next_block  bigint NOT NULL DEFAULT 0,  -- blocks before it are copied
    rows_copied bigint NOT NULL DEFAULT 0,
    filenode    text   NOT NULL,            -- a table rewritten meanwhile (VACUUM FULL) cannot be carried on
    started_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
