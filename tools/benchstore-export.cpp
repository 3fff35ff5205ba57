// benchstore-export: writes the seed's four CSV files from a benchstore SQLite file.
// Thin: options -> ExportOptions -> export_csv -> exit status (0 ok, 1 error, 2 bad usage; cli/cli.hpp
// prints the errors).
#include <iostream>
#include <string>
#include <vector>

#include <cxxopts.hpp>

#include "benchstore/export.hpp"
#include "benchstore/store.hpp"
#include "cli/cli.hpp"
#include "cli/selection_options.hpp"

namespace {

using benchstore::cli::UsageError;

const benchstore::cli::Program program{
    "benchstore-export", "benchstore-export --db FILE [--out DIR] [selection...] | --db FILE --copy-to FILE; see benchstore-export --help", {}, {}, {}};

void print_file(const std::filesystem::path& path, std::uint64_t rows)
{
    std::cout << path.string() << " (" << rows << (rows == 1 ? " row" : " rows") << ")\n";
}

int run(int argc, char** argv)
{
    cxxopts::Options cli(program.name, "Write the benchmarks, device measurements, model measurements and summary "
                                       "CSV files from a benchstore SQLite file (opened read-only).");
    cli.add_options()
        ("db", "store file to read", cxxopts::value<std::string>()->default_value("benchmarks.db"), "FILE")
        ("out", "folder for the CSV files (created if missing)",
         cxxopts::value<std::string>()->default_value("benchmark_results"), "DIR");
    benchstore::cli::add_selection_options(cli);
    cli.add_options()
        ("copy-to", "instead of CSV files, write a consistent single-file copy of the store to FILE "
                    "(safe while a runner writes; the way to carry a store out; never replaces FILE)",
         cxxopts::value<std::string>(), "FILE");
    const auto parsed = benchstore::cli::parse(program, cli, argc, argv);
    if (!parsed) return benchstore::cli::exit_success;
    const auto& args = *parsed;

    if (args.count("copy-to")) {
        std::vector<std::string> others{"out"};
        for (const auto& name : benchstore::cli::selection_option_names()) others.push_back(name);
        for (const auto& other : others)
            if (args.count(other)) throw UsageError("--copy-to copies the whole store; it takes no --" + other);
        const std::filesystem::path to = args["copy-to"].as<std::string>();
        const auto copy = benchstore::copy_store(args["db"].as<std::string>(), to);
        std::cout << to.string() << " (" << copy.benchmarks << (copy.benchmarks == 1 ? " benchmark" : " benchmarks")
                  << ", " << copy.bytes << " bytes, source id " << copy.source_id << ")\n";
        return benchstore::cli::exit_success;
    }

    benchstore::ExportOptions options;
    options.show_progress = benchstore::ShowProgress::on_terminal;  // shown only on a terminal
    options.db_path = args["db"].as<std::string>();
    options.output_dir = args["out"].as<std::string>();
    options.selection = benchstore::cli::read_selection(args);

    const auto result = benchstore::export_csv(options);
    if (result.benchmark_rows == 0)
        std::cout << "no benchmarks matched the selection: wrote the four files with headers only\n";
    print_file(result.benchmarks_csv, result.benchmark_rows);
    print_file(result.device_measurements_csv, result.device_measurement_rows);
    print_file(result.model_measurements_csv, result.model_measurement_rows);
    print_file(result.summary_csv, result.summary_rows);
    return benchstore::cli::exit_success;
}

} // namespace

int main(int argc, char** argv)
{
    benchstore::remove_export_temporaries_on_signals();
    return benchstore::cli::run_main(program, [&] { return run(argc, argv); });
}
