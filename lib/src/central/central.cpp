// The public face of central maintenance (benchstore/central.hpp): one connection per call, the
// server's schema brought up to date as sync does, then the work of partitions.cpp, retention.cpp
// and conversion.cpp, table by table.
#include "benchstore/central.hpp"

#include <cctype>
#include <cstdio>

#include "benchstore/error.hpp"
#include "central/conversion.hpp"
#include "central/partitions.hpp"
#include "central/retention.hpp"
#include "core/progress_line.hpp"
#include "sync/pg_connection.hpp"
#include "sync/pg_schema.hpp"

namespace benchstore {
namespace {

using Clock = std::chrono::steady_clock;
using sync_::PgConnection;

// Connects; refuses a database benchstore-sync never created; migrates it unless this is a dry run.
PgConnection open_central(const CentralOptions& options)
{
    if (options.statement_timeout < std::chrono::seconds(1) || options.statement_timeout > max_statement_timeout)
        throw InvalidArgument("statement timeout must be between 1 and " +
                              std::to_string(max_statement_timeout.count()) + " seconds");
    if (options.chunk_blocks < 1) throw InvalidArgument("chunk blocks must be at least 1");
    if (options.lock_timeout < std::chrono::milliseconds(1)) throw InvalidArgument("lock timeout must be positive");
    PgConnection conn(options.conninfo, options.statement_timeout);
    const int version = sync_::server_schema_version(conn);
    if (version == 0)
        throw ServerError("server " + conn.server() + " holds no benchstore schema (no benchstore_schema_version table): "
                          "benchstore-sync creates it with the first sync; nothing was changed");
    sync_::refuse_newer_schema(conn, version);
    if (options.dry_run == DryRun::no) sync_::migrate_server_schema(conn);
    return conn;
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

std::string rows_text(std::int64_t rows) { return group_thousands(rows); }

std::string bytes_text(std::int64_t bytes)
{
    char buf[32];
    if (bytes >= (1LL << 30)) std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(bytes) / (1LL << 30));
    else if (bytes >= (1LL << 20)) std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1LL << 20));
    else std::snprintf(buf, sizeof buf, "%lld KiB", static_cast<long long>(bytes / 1024));
    return buf;
}

std::string span_text(const std::optional<std::string>& from, const std::optional<std::string>& to)
{
    return (from ? from->substr(0, 10) : std::string("-inf")) + " .. " + (to ? to->substr(0, 10) : std::string("+inf"));
}

} // namespace

std::vector<CentralTable> central_tables(const CentralOptions& options)
{
    CentralOptions look = options;
    look.dry_run = DryRun::yes;
    auto conn = open_central(look);
    const bool has_conversions =
        conn.exec("SELECT to_regclass('benchstore_partition_conversions') IS NOT NULL AS present").text(0, "present") ==
        "t";
    std::vector<CentralTable> out;
    for (const auto& name : central::measurement_tables()) {
        CentralTable table;
        table.table = name;
        table.partitioned = central::is_partitioned(conn, name);
        if (table.partitioned) {
            for (const auto& p : central::partitions_of(conn, name)) {
                CentralPartition row{p.name, p.from, p.to, p.is_default, p.estimated_rows, p.bytes};
                if (p.is_default)
                    row.rows = conn.exec("SELECT count(*) AS n FROM " + central::ident(p.name)).integer(0, "n");
                table.partitions.push_back(std::move(row));
            }
        }
        if (has_conversions) {
            auto r = conn.exec("SELECT next_block, blocks FROM benchstore_partition_conversions "
                               "WHERE table_name = $1 AND finished_at IS NULL",
                               {name});
            if (r.rows() == 1) {
                table.converting = true;
                table.converted_blocks = r.integer(0, "next_block");
                table.blocks_to_convert = r.integer(0, "blocks");
            }
        }
        out.push_back(std::move(table));
    }
    return out;
}

std::chrono::seconds parse_age(const std::string& text)
{
    const auto bad = [&] {
        return InvalidArgument("age '" + text + "' is not a whole number followed by s, m, h, d or w (90d, 12h, 2w)");
    };
    std::size_t digits = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
    if (digits == 0 || digits + 1 != text.size() || digits > 12) throw bad();
    const long long n = std::stoll(text.substr(0, digits));
    long long unit = 0;
    switch (text.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    case 'w': unit = 7 * 86400; break;
    default: throw bad();
    }
    if (n == 0) throw InvalidArgument("age '" + text + "' is zero: retention would drop everything");
    if (n > 200LL * 366 * 86400 / unit) throw InvalidArgument("age '" + text + "' is more than 200 years");
    return std::chrono::seconds(n * unit);
}

RetentionResult apply_retention(const CentralOptions& options, std::chrono::seconds older_than,
                                std::optional<std::chrono::seconds> rollups_older_than)
{
    if (older_than <= std::chrono::seconds(0)) throw InvalidArgument("retention age must be positive");
    if (rollups_older_than && *rollups_older_than < older_than)
        throw InvalidArgument("the per-minute rollups' age must be at least the rows' age: they are what is kept of "
                              "the rows retention drops");
    const auto start = Clock::now();
    auto conn = open_central(options);
    RetentionResult result;
    const auto cut_of = [&](std::chrono::seconds age) {
        return conn.exec("SELECT to_char(now() AT TIME ZONE 'UTC' - make_interval(secs => $1::bigint), "
                         "'YYYY-MM-DD HH24:MI:SS.US') AS cut",
                         {std::to_string(age.count())})
            .text(0, "cut");
    };
    result.cut = cut_of(older_than);
    std::optional<std::string> rollup_cut;
    if (rollups_older_than) rollup_cut = cut_of(*rollups_older_than);
    // Check every table before changing any.
    for (const auto& table : central::measurement_tables()) central::require_partitioned(conn, table);
    for (const auto& table : central::measurement_tables())
        for (auto& step : central::retain_table(conn, table, result.cut, options)) result.steps.push_back(std::move(step));
    result.rollups = central::retain_rollups(conn, result.cut, rollup_cut, options);
    result.seconds = seconds_since(start);
    return result;
}

std::vector<ConversionStep> convert_to_partitions(const CentralOptions& options)
{
    auto conn = open_central(options);
    ProgressLine progress(stdout, options.show_progress == ShowProgress::on_terminal ? ProgressLine::Terminal::detect
                                                                                      : ProgressLine::Terminal::no);
    std::vector<ConversionStep> steps;
    for (const auto& table : central::measurement_tables()) {
        steps.push_back(central::convert_table(conn, table, options, progress));
        if (steps.back().state == ConversionStep::State::stopped) break;
    }
    return steps;
}

std::vector<UpkeepResult> maintain_partitions(const CentralOptions& options)
{
    auto conn = open_central(options);
    std::vector<UpkeepResult> out;
    for (const auto& table : central::measurement_tables()) {
        UpkeepResult r;
        r.table = table;
        r.partitioned = central::is_partitioned(conn, table);
        if (r.partitioned) {
            r.partitions_created = central::ensure_upcoming_partitions(conn, table, table, options.lock_timeout);
            r.rows_settled = central::settle_default_partition(conn, table, table, options.lock_timeout);
        }
        out.push_back(r);
    }
    return out;
}

std::vector<std::string> format_central_tables(const std::vector<CentralTable>& tables)
{
    std::vector<std::string> lines;
    char buf[256];
    for (const auto& t : tables) {
        if (!t.partitioned) {
            lines.push_back(t.table + ": not partitioned" +
                            (t.converting ? ", converting: block " + group_thousands(t.converted_blocks) + " of " +
                                                group_thousands(t.blocks_to_convert) + " copied (run partition --convert "
                                                "to carry on)"
                                          : std::string(" (benchstore-central partition --convert converts it)")));
            continue;
        }
        lines.push_back(t.table + ": partitioned by week of time, " + std::to_string(t.partitions.size()) +
                        " partitions");
        for (const auto& p : t.partitions) {
            const std::string span = p.is_default ? std::string("default") : span_text(p.from, p.to);
            std::string rows = p.is_default ? std::string() : std::string("~");
            rows.append(rows_text(p.rows));
            std::snprintf(buf, sizeof buf, "  %-40s %-24s %14s rows %12s", p.name.c_str(), span.c_str(), rows.c_str(),
                          bytes_text(p.bytes).c_str());
            lines.emplace_back(buf);
            if (p.is_default && p.rows > 0)
                lines.push_back("  (rows in the default partition belong to no weekly partition: times before 1970 or "
                                "after next week, or partition upkeep could not get its locks; "
                                "benchstore-central partition moves those it can)");
        }
    }
    return lines;
}

std::vector<std::string> format_retention(const RetentionResult& result, DryRun dry_run)
{
    const bool dry = dry_run == DryRun::yes;
    std::vector<std::string> lines{std::string(dry ? "would drop" : "dropped") + " measurement rows older than " +
                                   result.cut + " UTC"};
    std::int64_t dropped = 0;
    for (const auto& s : result.steps) {
        const std::string span = span_text(s.from, s.to);
        switch (s.kind) {
        case RetentionStep::Kind::drop_partition:
            dropped += s.rows;
            lines.push_back(std::string("  ") + (dry ? "would drop " : "dropped ") + s.partition + " (" + span + ", ~" +
                            rows_text(s.rows) + " rows)");
            break;
        case RetentionStep::Kind::keep_straddling:
            lines.push_back("  kept " + s.partition + " (" + span +
                            "): it also holds rows newer than the cut; its older rows go once the whole week is older");
            break;
        case RetentionStep::Kind::delete_from_default:
            dropped += s.rows;
            lines.push_back(std::string("  ") + (dry ? "would delete " : "deleted ") + rows_text(s.rows) + " rows from " +
                            s.partition);
            break;
        }
    }
    if (result.steps.empty()) lines.push_back("  nothing is that old");
    const auto& r = result.rollups;
    if (r.present && !r.cut)
        lines.push_back("  kept the per-minute rollups (device_measurements_minutes): " +
                        rows_text(r.older_than_cut) + " benchmark-minutes older than the cut stay "
                        "(--rollups-older-than AGE deletes them)");
    if (r.present && r.cut)
        lines.push_back(std::string("  ") + (dry ? "would delete " : "deleted ") + rows_text(r.deleted) +
                        " per-minute rollups (device_measurements_minutes) of minutes before " + *r.cut + " UTC");
    char buf[128];
    std::snprintf(buf, sizeof buf, "  ~%s rows, %.3f s%s", rows_text(dropped).c_str(), result.seconds,
                  dry ? " (dry run: nothing changed)" : "");
    lines.emplace_back(buf);
    return lines;
}

std::vector<std::string> format_conversion(const std::vector<ConversionStep>& steps)
{
    std::vector<std::string> lines;
    char buf[256];
    for (const auto& s : steps) {
        switch (s.state) {
        case ConversionStep::State::already_partitioned:
            lines.push_back(s.table + ": already partitioned");
            break;
        case ConversionStep::State::would_convert:
            lines.push_back(s.table + ": would convert, ~" + rows_text(s.rows_copied) + " rows in " +
                            group_thousands(s.blocks) + " blocks" +
                            (s.resumed ? " still to copy (carrying on an interrupted conversion)" : ""));
            break;
        case ConversionStep::State::stopped:
        case ConversionStep::State::converted:
            std::snprintf(buf, sizeof buf, "%s: %s, %s rows copied%s, %s moved from the default partition, %.3f s",
                          s.table.c_str(),
                          s.state == ConversionStep::State::converted ? "converted" : "stopped (run again to carry on)",
                          rows_text(s.rows_copied).c_str(), s.resumed ? " by this run (carried on)" : "",
                          rows_text(s.rows_settled).c_str(), s.seconds);
            lines.emplace_back(buf);
            break;
        }
    }
    return lines;
}

std::vector<std::string> format_upkeep(const std::vector<UpkeepResult>& results)
{
    std::vector<std::string> lines;
    for (const auto& r : results)
        lines.push_back(r.table + ": " +
                        (r.partitioned ? std::to_string(r.partitions_created) + " partitions created, " +
                                             rows_text(r.rows_settled) + " rows moved out of the default partition"
                                       : std::string("not partitioned, skipped")));
    return lines;
}

} // namespace benchstore
