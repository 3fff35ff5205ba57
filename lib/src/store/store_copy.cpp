#include "benchstore/store.hpp"

#include <SQLiteCpp/Statement.h>

#include "benchstore/error.hpp"
#include "core/atomic_file.hpp"
#include "store/sqlite_store.hpp"
#include "store/store_info.hpp"

namespace benchstore {

StoreCopyResult copy_store(const std::filesystem::path& from, const std::filesystem::path& to)
{
    std::error_code ec;
    if (std::filesystem::equivalent(from, to, ec)) throw InvalidArgument(to.string() + ": is the store itself");
    if (std::filesystem::exists(std::filesystem::symlink_status(to, ec)))
        throw OutputError(to.string() + ": already exists; not replaced");
    auto db = store::open_store(from, store::OpenMode::read_only);
    const std::filesystem::path folder = to.parent_path().empty() ? std::filesystem::path(".") : to.parent_path();
    // VACUUM INTO writes into an empty file: the hidden temporary beside the final name, fsynced and
    // renamed into place only when complete, never over an existing file.
    remove_abandoned_temporaries(folder);
    AtomicFile out(folder / to.filename());
    StoreCopyResult result;
    try {
        db.exec("BEGIN");  // one snapshot for the counts and the copy
        result.source_id = store::read_source_id(db).value_or("");
        result.benchmarks = static_cast<std::uint64_t>(db.execAndGet("SELECT count(*) FROM benchmarks").getInt64());
        db.exec("COMMIT");
        // VACUUM INTO reads one consistent snapshot of the WAL store, however busy its writers are.
        db.exec("PRAGMA query_only = OFF");  // it writes only the new file; the store is never written
        SQLite::Statement vacuum(db, "VACUUM INTO ?");
        vacuum.bind(1, out.temp_path().string());
        vacuum.exec();
    } catch (const SQLite::Exception& e) {
        throw StoreError(from.string() + ": cannot copy store: " + e.what());
    }
    out.sync();
    out.publish();
    sync_directory(folder);
    result.bytes = std::filesystem::file_size(to, ec);
    return result;
}

} // namespace benchstore
