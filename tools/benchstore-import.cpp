// benchstore-import: brings results written by other benchmark tools (Google Benchmark, pytest-benchmark,
// Hugging Face benchmark_v2) into a store. Thin: options -> ImportOptions -> import_paths -> one line
// per file. Exit status: 0 imported (or imported before), 1 a file refused (nothing of it stored), 2 bad usage.
#include <iostream>
#include <string>
#include <vector>

#include <cxxopts.hpp>

#include "benchstore/error.hpp"
#include "benchstore/import.hpp"
#include "cli/cli.hpp"

namespace {

using benchstore::cli::UsageError;

const benchstore::cli::Program program{
    "benchstore-import",
    "benchstore-import [--db FILE] [--format F] [--repository NAME] [--branch NAME] [--commit SHA] "
    "[--message TEXT] FILE|DIR...; see benchstore-import --help",
    {}, {}, {}};

std::string describe(const benchstore::ImportResult& r)
{
    if (r.already_imported && r.format == benchstore::ImportFormat::store)
        return r.file.string() + ": merged before; nothing new in it";
    if (r.already_imported)
        return r.file.string() + ": already imported (as " + r.previous_file + ", run " + r.run_id + "); nothing added";
    std::string line = std::string(r.format == benchstore::ImportFormat::store ? "merged " : "imported ") +
                       r.file.string() + " (" + benchstore::format_name(r.format) + "): " +
                       std::to_string(r.benchmarks) + " benchmarks";
    if (r.failed > 0) line += " (" + std::to_string(r.failed) + " failed)";
    line += ", " + std::to_string(r.model_rows) + " model rows, " + std::to_string(r.device_rows) + " device rows";
    if (!r.run_id.empty()) line += ", run " + r.run_id;
    return line;
}

int run(int argc, char** argv)
{
    cxxopts::Options cli(program.name,
                         "Import another benchstore store (merged: every row keeps its identity, so syncing both "
                         "puts it on the server once), or benchmark results written by Google Benchmark (--benchmark_out_format=json), "
                         "pytest-benchmark (--benchmark-json) or Hugging Face benchmark_v2 into a benchstore store. "
                         "Each file is imported whole or not at all, and only once (by the SHA-256 of its content). "
                         "A directory imports every file in it whose format is recognised.\n"
                         "Exit status: 0 imported (or imported before), 1 a file was refused, 2 bad usage.");
    cli.positional_help("FILE|DIR...");
    cli.add_options()
        ("db", "store file to import into (created if missing)",
         cxxopts::value<std::string>()->default_value("benchmarks.db"), "FILE")
        ("format", "detect, store, google-benchmark, pytest-benchmark or hf-benchmark-v2",
         cxxopts::value<std::string>()->default_value("detect"), "F")
        ("repository", "repository of the results (wins over the file's)", cxxopts::value<std::string>(), "NAME")
        ("branch", "branch (wins over the file's)", cxxopts::value<std::string>(), "NAME")
        ("commit", "commit id (wins over the file's)", cxxopts::value<std::string>(), "SHA")
        ("message", "commit message (wins over the file's)", cxxopts::value<std::string>(), "TEXT")
        ("files", "FILE|DIR...", cxxopts::value<std::vector<std::string>>());
    cli.parse_positional({"files"});
    const auto parsed = benchstore::cli::parse(program, cli, argc, argv);
    if (!parsed) return benchstore::cli::exit_success;
    const auto& args = *parsed;
    if (!args.count("files")) throw UsageError("no FILE or DIR given");

    benchstore::ImportOptions o;
    o.db_path = args["db"].as<std::string>();
    try {
        o.format = benchstore::parse_import_format(args["format"].as<std::string>());
    } catch (const benchstore::InvalidArgument& e) {
        throw UsageError(e.what());
    }
    if (args.count("repository")) o.repository = args["repository"].as<std::string>();
    if (args.count("branch")) o.branch = args["branch"].as<std::string>();
    if (args.count("commit")) o.commit_id = args["commit"].as<std::string>();
    if (args.count("message")) o.commit_message = args["message"].as<std::string>();
    std::vector<std::filesystem::path> paths;
    for (const auto& f : args["files"].as<std::vector<std::string>>()) paths.emplace_back(f);

    const auto result = benchstore::import_paths(o, paths, [](const benchstore::ImportResult& r) {
        for (const auto& w : r.warnings) std::cerr << program.name << ": warning: " << w << "\n";
        std::cout << describe(r) << std::endl;
    });
    for (const auto& skipped : result.skipped)
        std::cout << "skipped " << skipped.string() << ": not a file of a format benchstore-import reads" << std::endl;
    return benchstore::cli::exit_success;
}

} // namespace

int main(int argc, char** argv)
{
    return benchstore::cli::run_main(program, [&] { return run(argc, argv); });
}
