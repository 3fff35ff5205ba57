-- benchstore central schema, version 4: the time indexes cover the rows sync appends.
-- A BRIN index answers only for block ranges it has summarised, and PostgreSQL summarises a range
-- only when asked: migration 2 created these indexes on empty tables, so every range appended since
-- matched every time range, and a one-day dashboard panel read the whole table. Sync now summarises
-- the ranges it appended right after each commit (lib/src/sync/brin_summary.cpp); autosummarize is
-- the safety net for rows that arrive otherwise, or when sync may not summarise (it must own the
-- index): autovacuum then summarises a range soon after rows start filling the next one.
-- The ranges already appended are summarised here, once (it reads the table).
ALTER INDEX device_measurements_time_brin SET (autosummarize = on);
ALTER INDEX model_measurements_time_brin SET (autosummarize = on);
SELECT brin_summarize_new_values('device_measurements_time_brin');
SELECT brin_summarize_new_values('model_measurements_time_brin');
