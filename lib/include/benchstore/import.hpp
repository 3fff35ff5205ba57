#pragma once
// Importing results written by other benchmark tools into a benchstore store (benchstore-import).
//
// Each file is imported in one transaction together with its row in the store's import ledger (keyed
// by the SHA-256 of its bytes): a file is either imported whole or not at all, and importing the same
// bytes again adds nothing. JSON is streamed (nlohmann-json's SAX interface): memory does not grow
// with the size of the file. docs/import.md maps each format's fields onto the store.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "benchstore/api.hpp"

namespace benchstore {

enum class ImportFormat {
    detect,            // from the content
    google_benchmark,  // --benchmark_out=FILE --benchmark_out_format=json (Google Benchmark 1.7)
    pytest_benchmark,  // pytest --benchmark-json=FILE (pytest-benchmark 3.2)
    hf_benchmark_v2,   // Hugging Face transformers benchmark_v2 save_results files
    store,             // another benchstore store: merged, every row keeping its identity
};

// "google-benchmark", "pytest-benchmark", "hf-benchmark-v2", "store" (and "detect").
BENCHSTORE_API std::string format_name(ImportFormat format);
// The format of a name as format_name writes it. Throws InvalidArgument for any other name.
BENCHSTORE_API ImportFormat parse_import_format(const std::string& name);

struct ImportOptions {
    std::filesystem::path db_path = "benchmarks.db";  // created if missing
    ImportFormat format = ImportFormat::detect;
    // Win over what the file says. Repository, branch and commit are required: from here or the file.
    std::optional<std::string> repository;
    std::optional<std::string> branch;
    std::optional<std::string> commit_id;
    std::optional<std::string> commit_message;
};

struct ImportResult {
    std::filesystem::path file;
    ImportFormat format = ImportFormat::detect;
    bool already_imported = false;  // the same bytes were imported before (a store: it had nothing new)
    std::string previous_file;      // ... under this name (files only)
    std::string run_id;             // benchmarks.run_id of what it created (or created before)
    std::size_t benchmarks = 0;
    std::size_t failed = 0;         // of them, recorded as failed
    std::size_t model_rows = 0;     // a store: besides these, its status changes and runs are merged
    std::size_t device_rows = 0;
    std::vector<std::string> warnings;  // one line each, e.g. a debug-build Google Benchmark library
};

// Imports one file; a store is merged (see docs/import.md for the rule). Throws InvalidArgument (one line naming the file and the position or field) for
// input that is not what its format says, a format that cannot be detected, or a required value
// (repository, branch, commit) that neither the options nor the file give; StoreError when the store
// cannot be written. Nothing of the file is stored when it throws.
BENCHSTORE_API ImportResult import_file(const ImportOptions& options, const std::filesystem::path& file);

// The format of a file's content, nullopt when it is none of the formats. Throws InvalidArgument when
// the file cannot be read.
BENCHSTORE_API std::optional<ImportFormat> detect_format(const std::filesystem::path& file);

struct ImportPathsResult {
    std::vector<ImportResult> imported;        // including files imported before (already_imported)
    std::vector<std::filesystem::path> skipped;  // files in a directory argument that are no known format
};

// Imports each path: a file as import_file does, a directory by importing every file in it (sorted by
// name, not recursing) whose format is recognised, listing the others as skipped. Stops at the first
// file that fails (throws as import_file); the files before it stay imported. on_result, when given, is
// called after each file.
BENCHSTORE_API ImportPathsResult import_paths(const ImportOptions& options,
                                              const std::vector<std::filesystem::path>& paths,
                                              const std::function<void(const ImportResult&)>& on_result = {});

} // namespace benchstore
