#pragma once
// Helpers for the sync tests: building store files quickly with raw SQL, running the
// benchstore-sync executable, and the one oracle every fault test ends with.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "benchstore/sync.hpp"
#include "support/child_process.hpp"

namespace benchstore::test {

struct StoreShape {
    int benchmarks = 5;
    int device_rows = 100;   // per benchmark
    int model_rows = 2;      // per benchmark
    bool complete = true;    // mark each benchmark completed (a status change row)
    std::string branch = "main";
    std::string gpu_name = "NVIDIA A100";
};

// Creates or extends a store file with shape's rows (one transaction). Returns the new benchmark ids.
std::vector<std::string> add_rows(const std::filesystem::path& db, const StoreShape& shape, unsigned seed);

// Result of running a program: exit status (or 128 + signal) and what it wrote.
struct RunResult {
    int status = -1;
    std::string out;
    std::string err;
};

// Runs benchstore-sync with these arguments and waits for it.
RunResult run_sync(const std::vector<std::string>& args);

// Runs another program this project builds (relative to the build folder: "tools/benchstore-central")
// with these arguments and waits for it.
RunResult run_program(const std::string& program, const std::vector<std::string>& args);

// Starts it without waiting; returns its pid (output as spawn_sync's).
int spawn_program(const std::string& program, const std::vector<std::string>& args,
                  const std::filesystem::path& log = {});

// Starts benchstore-sync without waiting; returns its pid (stdout/stderr to /dev/null, or to
// log when given).
int spawn_sync(const std::vector<std::string>& args, const std::filesystem::path& log = {});

// Waits for pid; returns its exit status, or 128 + signal (the sync suites' name for wait_child).
inline int wait_for(int pid) { return wait_child(pid); }

// The oracle: every row of every table in the given store files is on the server exactly once with
// identical values, and the server holds no other rows (rows present in several files, a copy,
// count once), and the per-minute rollup agrees with the raw rows (rollup_difference). excluded_benchmarks are benchmark ids
// whose rows are expected to be missing (rejected). Returns "" when all is well, else a
// description of the first differences.
// ServerRows::from_benchstore leaves out the server's rows that no store sent (local_id NULL: the
// rows of an adopted database that Hugging Face's own tool wrote).
enum class ServerRows { all, from_benchstore };
std::string compare_with_server(const std::vector<std::filesystem::path>& stores, const std::string& conninfo,
                                const std::vector<std::string>& excluded_benchmarks = {},
                                ServerRows server_rows = ServerRows::all);

// The per-minute rollup (device_measurements_minutes, schema version 6) against the raw device rows
// on the server: per benchmark and minute, its samples, and per column its count, min and max equal
// count/min/max over the raw rows, and its sum their sum (to 1e-9 relative: the same doubles added in
// another order may differ in their last bits). RollupMinutes::with_rows compares only the minutes
// that still hold raw rows (after retention, which keeps the rollups of what it drops). Returns ""
// when they agree, else what differs. compare_with_server includes it (every minute).
enum class RollupMinutes { all, with_rows };
std::string rollup_difference(const std::string& conninfo, RollupMinutes minutes = RollupMinutes::all);

// A fresh database on shared_postgres() as a benchstore whose schema had the first `migrations`
// migrations left it (they are applied as they are, so its measurement tables are unpartitioned);
// returns its name.
std::string database_with_migrations(std::size_t migrations);

// Sync options for one store file and server.
SyncOptions sync_options(const std::filesystem::path& db, const std::string& conninfo);

// True when needle occurs in text.
bool contains(const std::string& text, const std::string& needle);

// Number of lines (newline characters) in text: a one-line error has 1.
std::size_t line_count(const std::string& text);

// Rows of a server table (count(*)).
std::int64_t server_count(const std::string& conninfo, const std::string& table);

} // namespace benchstore::test
