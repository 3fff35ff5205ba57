#pragma once
// Test helpers for the CSV export: a small hand-made store with fixed ids and times (so exported
// files can be compared with golden files), an RFC 4180 reader, and running a command line.
#include <filesystem>
#include <string>
#include <vector>

#include "benchstore/export.hpp"
#include "support/temp_dir.hpp"

namespace benchstore::test {

// Ids of the hand-made store's benchmarks, oldest first.
extern const std::vector<std::string> golden_benchmark_ids;

// Creates the hand-made store at path: odd characters in commit messages, metadata and metric
// names, benchmarks with several / one / no model rows and several / one / no device rows, NULL
// GPU values, two repositories and run ids. Written with raw SQL so every id and time is fixed.
void make_golden_store(const std::filesystem::path& path);

using CsvRows = std::vector<std::vector<std::string>>;

// Reads a whole CSV file (RFC 4180, quoted fields may hold commas, quotes and newlines).
CsvRows read_csv(const std::filesystem::path& path);

std::string read_file(const std::filesystem::path& path);

struct CommandResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Runs command through /bin/sh, capturing stdout and stderr in files under scratch.
CommandResult run_command(const std::string& command, const std::filesystem::path& scratch);

// Single-quotes text for /bin/sh.
std::string shell_quote(const std::string& text);

// Export options for the store dir/b.db into dir/out, with a fixed file time (2026-01-02 03:04:05).
ExportOptions options_for(const TempDir& dir, const std::string& out = "out");

// Runs tests/export_check.py: pandas reads the exported files back and checks them against the
// store. Returns its exit status (0 = every check held).
int run_pandas_check(const std::filesystem::path& db, const ExportResult& r);

} // namespace benchstore::test
