#pragma once
// Merging another benchstore store into this one (benchstore-import of a .db file), the way to carry
// many machines' results out on one USB stick. Every row keeps its identity (the store that first wrote
// it and its id there: origins, origin, origin_id), so sync puts it on the server once whichever store
// sends it, and merging the same store, or an older copy of it, again adds nothing. Internal.
#include <filesystem>

#include "benchstore/import.hpp"

namespace benchstore::store {

// True when the file starts with SQLite's header.
bool is_sqlite_file(const std::filesystem::path& file);

// Copies what the store at `file` holds that options.db_path does not, in one transaction that reads
// one snapshot of `file` (a store a runner is writing is fine). Throws InvalidArgument for the store
// itself or a copy of it that was written separately, StoreError for an unreadable or newer store.
ImportResult merge_store(const ImportOptions& options, const std::filesystem::path& file);

} // namespace benchstore::store
