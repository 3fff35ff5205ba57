#pragma once
// The fleet that the central reading tests share (tests/central_read_test.cpp,
// tests/central_read_errors_test.cpp): hosts recording a base and a head commit into stores, synced
// to a database of the shared server, and the compare and report programs run against it.
#include <filesystem>
#include <string>
#include <vector>

#include "benchstore/compare.hpp"
#include "support/export_fixture.hpp"
#include "support/sync_fixture.hpp"
#include "support/temp_dir.hpp"

namespace benchstore::test {

struct HostRows {
    std::string host;
    double base_latency = 100;  // the base commit's latency median, ms
    double head_factor = 1.0;   // head's latency = base's * factor (1.3: a planted 30% regression)
};

// One benchmark per identity (model a/b/c with a batch) and commit on host: 10 model rows of
// latency_ms and tokens_per_sec, and 20 device samples. Commits BASE0001 then HEAD0002, one run each.
void record_host(const std::filesystem::path& db, const HostRows& h, unsigned seed);

// A new database of the shared server: its conninfo.
std::string new_database();

void sync_into(const std::filesystem::path& db, const std::string& conninfo);

// tools/<tool> args, in dir; its output goes to the test log.
CommandResult run_tool(const TempDir& dir, const std::string& tool, const std::string& args);

// Three hosts in one store (as merged files hold them) and the same rows synced to a server.
struct Fleet {
    TempDir dir{"central-read"};
    std::vector<std::filesystem::path> stores;
    std::string conninfo = new_database();

    explicit Fleet(const std::vector<HostRows>& hosts);
};

CompareOptions options(const std::string& base, const std::string& head);

} // namespace benchstore::test
