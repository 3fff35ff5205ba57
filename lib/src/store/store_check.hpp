#pragma once
// Checking a store file for damaged pages before recording into it, at a bounded cost. Internal to
// the library (the runner calls it once per run, before any module starts).
//
// Files up to full_check_limit bytes get SQLite's PRAGMA quick_check (every page of every table
// and index, without the index-content cross-check of integrity_check): about a second per few
// hundred MiB. Bigger files get a sample whose cost does not grow with the file: the schema, the
// first and last sample_rows rows of every table (the newest pages are where a torn write lands)
// and sample_paths random root-to-leaf paths through each table's b-tree. SQLite validates every
// page it reads, so a damaged page on any path read is reported.
#include <cstdint>
#include <filesystem>

namespace benchstore::store {

struct PageCheckLimits {
    std::uintmax_t full_check_limit = std::uintmax_t{256} << 20;  // 256 MiB
    int sample_rows = 1000;
    int sample_paths = 256;
};

// Throws StoreError naming the file and the first problem found, with what to do about it, when
// the store is damaged. A missing file is fine (the runner creates it). Never writes.
void check_store_pages(const std::filesystem::path& path, const PageCheckLimits& limits = {});

} // namespace benchstore::store
