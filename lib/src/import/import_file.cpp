// import_file and import_paths: detection, the ledger check, the one transaction per file, and the
// dispatch to the format's reader. See benchstore/import.hpp for the contract.
#include "benchstore/import.hpp"

#include <algorithm>
#include <fstream>

#include "benchstore/error.hpp"
#include "core/json.hpp"
#include "benchstore/timestamp.hpp"
#include "core/uuid.hpp"
#include "import/content_hash.hpp"
#include "import/formats.hpp"
#include "import/json_stream.hpp"
#include "store/store_merge.hpp"
#include "store/import_ledger.hpp"
#include "store/sqlite_store.hpp"
#include "store/transaction.hpp"

namespace benchstore {
namespace {

// Reads no further than the first key of the document and the first key of its first member: enough
// to tell the formats apart, however large the file.
class Detector final : public nlohmann::json_sax<nlohmann::json> {
public:
    std::string first_key, first_inner_key;
    bool root_is_object = false;

    // Anything but an object, a key or the first member's opening stops the parse: enough was seen.
    bool null() override { return false; }
    bool boolean(bool) override { return false; }
    bool number_integer(number_integer_t) override { return false; }
    bool number_unsigned(number_unsigned_t) override { return false; }
    bool number_float(number_float_t, const string_t&) override { return false; }
    bool string(string_t&) override { return false; }
    bool binary(binary_t&) override { return false; }
    bool start_array(std::size_t) override { return false; }
    bool end_object() override { return false; }
    bool end_array() override { return false; }
    bool start_object(std::size_t) override
    {
        root_is_object = root_is_object || m_depth == 0;
        return ++m_depth <= 2;
    }
    bool key(string_t& k) override
    {
        if (m_depth == 1) first_key = k;
        else first_inner_key = k;
        return m_depth == 1;  // the first inner key is the last thing needed
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

private:
    int m_depth = 0;
};

} // namespace

std::string format_name(ImportFormat format)
{
    switch (format) {
    case ImportFormat::detect: return "detect";
    case ImportFormat::google_benchmark: return "google-benchmark";
    case ImportFormat::pytest_benchmark: return "pytest-benchmark";
    case ImportFormat::hf_benchmark_v2: return "hf-benchmark-v2";
    case ImportFormat::store: return "store";
    }
    return "detect";
}

ImportFormat parse_import_format(const std::string& name)
{
    for (const auto f : {ImportFormat::detect, ImportFormat::google_benchmark, ImportFormat::pytest_benchmark,
                         ImportFormat::hf_benchmark_v2, ImportFormat::store})
        if (format_name(f) == name) return f;
    throw InvalidArgument("unknown format '" + name +
                          "' (expected detect, store, google-benchmark, pytest-benchmark or hf-benchmark-v2)");
}

std::optional<ImportFormat> detect_format(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in) throw InvalidArgument(file.string() + ": cannot be read");
    if (store::is_sqlite_file(file)) return ImportFormat::store;
    Detector d;
    nlohmann::json::sax_parse(in, &d);
    if (!d.root_is_object) return std::nullopt;
    if (d.first_key == "context" || (d.first_key == "benchmarks" && d.first_inner_key.empty()))
        return ImportFormat::google_benchmark;
    if (d.first_key == "machine_info" || d.first_key == "commit_info") return ImportFormat::pytest_benchmark;
    if (d.first_inner_key == "metadata" || d.first_inner_key == "measurements" || d.first_inner_key == "config")
        return ImportFormat::hf_benchmark_v2;
    return std::nullopt;
}

ImportResult import_file(const ImportOptions& options, const std::filesystem::path& file)
{
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) throw InvalidArgument(file.string() + ": is a directory");
    ImportResult result;
    result.file = file;
    result.format = options.format;
    if (result.format == ImportFormat::detect) {
        const auto detected = detect_format(file);
        if (!detected)
            throw InvalidArgument(file.string() + ": format not recognised (not a benchstore store, nor a Google "
                                  "Benchmark, pytest-benchmark or benchmark_v2 JSON file); give --format to read it as one");
        result.format = *detected;
    }
    if (result.format == ImportFormat::store) return store::merge_store(options, file);
    const std::string hash = import::sha256_of_file(file);
    auto db = store::open_store(options.db_path, store::OpenMode::read_write, store::Threads::one_at_a_time);
    try {
        store::Transaction tx(db, store::TransactionKind::write);
        store::ImportLedger ledger(db);
        if (const auto past = ledger.find(hash)) {
            result.already_imported = true;
            result.previous_file = past->file_name;
            result.run_id = past->run_id;
            return result;  // nothing written: the guard rolls back the empty transaction
        }
        result.run_id = make_uuid_v7();
        const auto ref = ledger.insert({hash, format_name(result.format), file.string(), format_timestamp(now_utc()),
                                        result.run_id});
        import::ImportContext context(db, options, file, ref, result.run_id, result);
        switch (result.format) {
        case ImportFormat::google_benchmark: import::read_google_benchmark(context); break;
        case ImportFormat::pytest_benchmark: import::read_pytest_benchmark(context); break;
        case ImportFormat::hf_benchmark_v2: import::read_hf_benchmark_v2(context); break;
        case ImportFormat::detect:
        case ImportFormat::store: break;
        }
        context.flush();
        ledger.finish(ref, context.file_time, json_object_of_strings(context.details));
        tx.commit();
    } catch (const SQLite::Exception& e) {
        throw StoreError(options.db_path.string() + ": importing " + file.string() + " failed: " + e.what());
    }
    return result;
}

ImportPathsResult import_paths(const ImportOptions& options, const std::vector<std::filesystem::path>& paths,
                               const std::function<void(const ImportResult&)>& on_result)
{
    ImportPathsResult out;
    auto one = [&](const std::filesystem::path& file) {
        out.imported.push_back(import_file(options, file));
        if (on_result) on_result(out.imported.back());
    };
    for (const auto& path : paths) {
        std::error_code ec;
        if (!std::filesystem::is_directory(path, ec)) {
            one(path);
            continue;
        }
        std::vector<std::filesystem::path> files;
        // The store being imported into may sit in the folder too: it is no input.
        for (const auto& entry : std::filesystem::directory_iterator(path))
            if (entry.is_regular_file() && !std::filesystem::equivalent(entry.path(), options.db_path, ec))
                files.push_back(entry.path());
        std::sort(files.begin(), files.end());
        for (const auto& file : files) {
            if (options.format == ImportFormat::detect && !detect_format(file)) {
                out.skipped.push_back(file);
                continue;
            }
            one(file);
        }
    }
    return out;
}

} // namespace benchstore
