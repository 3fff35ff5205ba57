#pragma once
// Making real damaged store files for the tests that must refuse them: a store with enough rows to
// span many pages, then one b-tree leaf page overwritten on disk as a failing disk or a torn copy would.
#include <filesystem>
#include <string>

namespace benchstore::test {

// Creates a store at path with one benchmark and `device_rows` device measurements, closed cleanly
// (WAL checkpointed into the main file).
void make_store_with_rows(const std::filesystem::path& path, int device_rows);

// Overwrites a leaf page in the middle of table's b-tree with garbage, in the main file. Returns the
// page number. The store must be closed (no -wal content).
long long damage_a_leaf_page(const std::filesystem::path& path, const std::string& table);

} // namespace benchstore::test
