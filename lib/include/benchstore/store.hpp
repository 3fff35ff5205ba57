#pragma once
// Facts about the local SQLite store that callers outside the library may need.
#include <filesystem>
#include <string>

#include "benchstore/api.hpp"

namespace benchstore {

// The schema version this program writes (PRAGMA user_version after migration).
BENCHSTORE_API int latest_store_version();

// The store file's source id: a random UUID made when the file was created, which sync uses to tell
// machines' files apart. Throws StoreError when the file is missing or not a benchstore store.
BENCHSTORE_API std::string read_source_id(const std::filesystem::path& db_path);

} // namespace benchstore
