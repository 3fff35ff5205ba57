#pragma once
// The selection options (which benchmarks of a store a tool looks at), written once for every tool
// that reads a store: benchstore-export, benchstore-report, and benchstore-compare's filters. One
// place keeps their names, placeholders and help the same everywhere (tests/cli_help_test.cpp).
#include <string>
#include <vector>

#include <cxxopts.hpp>

#include "benchstore/selection.hpp"

namespace benchstore::cli {

// "benchmark", "run-id", "repository", "branch", "commit", "host", "since", "until", "status":
// every selection option, in the order --help lists them.
const std::vector<std::string>& selection_option_names();

// Adds the named selection options to cli (default: all of them), in the order of
// selection_option_names(), each with its shared help text and placeholder (ID, NAME, SHA, TIME,
// STATUS). A tool that takes a subset names it. Throws std::invalid_argument for a name that is not a
// selection option (a programming error).
void add_selection_options(cxxopts::Options& cli, const std::vector<std::string>& names = selection_option_names());

// The Selection the parsed options ask for. An option that was not given, or not added, leaves its
// criterion open. An empty value is refused (UsageError): it would select everything, as an unset
// variable in a script does. Other values are not checked here: the library rejects a bad time or
// status (benchstore::InvalidArgument). Otherwise throws only what cxxopts throws for a value of the
// wrong type.
benchstore::Selection read_selection(const cxxopts::ParseResult& args);

// A comparison side as benchstore-compare's BASE and HEAD and benchstore-report's --compare take it:
// commit:SHA, run:ID or branch:NAME with a value. Else UsageError "WHAT 'SPEC' is not commit:SHA,
// run:ID or branch:NAME" (what: "side", "--compare side"). Whether it selects anything is the
// library's to say.
void require_side(const std::string& what, const std::string& spec);

} // namespace benchstore::cli
