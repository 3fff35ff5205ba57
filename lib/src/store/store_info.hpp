#pragma once
// The store_info table's reader. The store file's source id is a random UUID made when the file was
// created: sync tells machines' files apart by it, and a copy (store_copy) keeps it.
#include <optional>
#include <string>

#include <SQLiteCpp/Database.h>

namespace benchstore::store {

// The source id as stored; empty when the table has none. Throws StoreError when it cannot be read.
std::optional<std::string> read_source_id(SQLite::Database& db);

} // namespace benchstore::store
