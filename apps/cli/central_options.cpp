#include "cli/central_options.hpp"

#include "benchstore/sync.hpp"
#include "cli/cli.hpp"
#include "cli/number_options.hpp"

namespace benchstore::cli {

void add_central_options(cxxopts::Options& cli)
{
    cli.add_options()
        ("dsn", "read the central PostgreSQL that benchstore-sync fills instead of a store file: a libpq connection "
                "string or URI (\"\" for libpq's environment; default database metrics)",
         cxxopts::value<std::string>(), "CONNINFO")
        ("statement-timeout", "with --dsn: seconds any one server statement may take; the reply is awaited 5 s more, "
                              "then the connection is dropped (exit 3)",
         cxxopts::value<std::string>()->default_value("300"), "SECONDS");
}

CentralOptions read_central_options(const cxxopts::ParseResult& args)
{
    CentralOptions o;
    o.central = args.count("dsn") > 0;
    if (o.central && args.count("db")) throw UsageError("--db and --dsn name two sources: give one");
    if (o.central) o.conninfo = args["dsn"].as<std::string>();
    o.statement_timeout = std::chrono::seconds(whole_number_option(
        "--statement-timeout", args["statement-timeout"].as<std::string>(), 1,
        static_cast<std::uint64_t>(max_statement_timeout.count())));
    return o;
}

} // namespace benchstore::cli
