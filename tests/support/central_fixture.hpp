#pragma once
// What the benchstore-central tests share (tests/central_partitions_test.cpp,
// tests/central_conversion_test.cpp): the program, sync's arguments, an unpartitioned database,
// counts and Hugging Face's dashboard SQL on the shared server.
#include <filesystem>
#include <string>
#include <vector>

namespace benchstore::test {

// The program, relative to the build folder (run_program).
inline const std::string central_program = "tools/benchstore-central";

std::vector<std::string> sync_args(const std::filesystem::path& db, const std::string& conninfo, int batch = 100);

// A database as an earlier benchstore made it: every migration, measurement tables unpartitioned.
std::string unpartitioned_database();

std::string read_text(const std::filesystem::path& path);

// SELECT count(*) FROM from_where, on the shared server's database name.
std::string count(const std::string& name, const std::string& from_where);

// Hugging Face's dashboard SQL (docs: ../shared/notes/hf-postgres-compat.md), with branch main, GPU
// NVIDIA A100 and 10 commits, each result as one text.
std::vector<std::string> dashboard_results(const std::string& name);

} // namespace benchstore::test
