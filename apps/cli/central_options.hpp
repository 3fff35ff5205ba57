#pragma once
// The options that point a reading tool (benchstore-compare, benchstore-report) at the central
// PostgreSQL instead of a store file: --dsn CONNINFO and --statement-timeout SECONDS, with
// benchstore-sync's meaning (connection string rules, libpq environment, per-statement deadline).
#include <chrono>
#include <string>

#include <cxxopts.hpp>

namespace benchstore::cli {

struct CentralOptions {
    bool central = false;  // --dsn was given
    std::string conninfo;  // may be empty: libpq's environment alone, dbname=metrics
    std::chrono::seconds statement_timeout{300};
};

// Adds --dsn and --statement-timeout.
void add_central_options(cxxopts::Options& cli);

// What the options ask for. UsageError when --db is given with --dsn, or for a statement timeout
// that is not a whole number of seconds in 1..max_statement_timeout.
CentralOptions read_central_options(const cxxopts::ParseResult& args);

} // namespace benchstore::cli
