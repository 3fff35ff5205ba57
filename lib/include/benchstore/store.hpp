#pragma once
// Facts about the local SQLite store that callers outside the library may need.
#include <cstdint>
#include <filesystem>
#include <string>

#include "benchstore/api.hpp"

namespace benchstore {

// The schema version this program writes (PRAGMA user_version after migration).
BENCHSTORE_API int latest_store_version();

struct StoreCopyResult {
    std::string source_id;         // the same as the store's: the copy syncs as the same machine's file
    std::uint64_t benchmarks = 0;  // benchmarks in the copy
    std::uintmax_t bytes = 0;      // size of the copy
};

// Writes a consistent single-file copy of the store at `from` to `to`, the way to carry a store out
// (a USB stick for a machine with a network): unlike cp, it is safe while a runner is writing, since
// it copies one snapshot (SQLite's VACUUM INTO) with no -wal file to forget. The copy appears under
// its name complete or not at all (a hidden temporary, fsynced, then renamed) and never replaces an
// existing file. The store is only read. Throws StoreError for a missing or unreadable store,
// InvalidArgument when `to` is the store itself, OutputError when `to` exists or cannot be written.
BENCHSTORE_API StoreCopyResult copy_store(const std::filesystem::path& from, const std::filesystem::path& to);

} // namespace benchstore
