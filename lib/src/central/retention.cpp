#include "central/retention.hpp"

#include "benchstore/error.hpp"
#include "central/partitions.hpp"

namespace benchstore::central {
namespace {

using sync_::PgStatementError;
using sync_::PgTransaction;

// Bounds and the cut are all "YYYY-MM-DD HH:MM:SS[.ffffff]" with four-digit years: as text they
// sort as the times do.
bool at_or_before(const std::string& bound, const std::string& cut) { return bound <= cut; }

// Drops one partition, if it is still the partition it was when planned (another retention run may
// have dropped it meanwhile). The ACCESS EXCLUSIVE lock DROP needs on the parent waits at most
// lock_timeout, so syncs and dashboards queued behind it wait no longer than that.
void drop_partition(PgConnection& conn, const std::string& table, const RetentionStep& step,
                    const CentralOptions& options)
{
    try {
        PgTransaction tx(conn);
        conn.exec("SET LOCAL lock_timeout = " + std::to_string(options.lock_timeout.count()));
        lock_partitions_of(conn, table);
        bool still_there = false;
        for (const auto& p : partitions_of(conn, table))
            still_there = still_there || (p.name == step.partition && p.to == step.to);
        if (!still_there) return;
        conn.exec("DROP TABLE " + ident(step.partition));
        tx.commit();
    } catch (const PgStatementError& e) {
        if (e.sqlstate() != "55P03") throw;
        throw ServerError("retention: the lock to drop " + step.partition + " was not granted within " +
                          std::to_string(options.lock_timeout.count()) +
                          " ms (a long query or transaction holds " + table +
                          "); the partitions before it are dropped; run again");
    }
}

} // namespace

void require_partitioned(PgConnection& conn, const std::string& table)
{
    if (!is_partitioned(conn, table))
        throw ServerError(table + " is not partitioned: retention drops whole partitions; convert the database first "
                          "(benchstore-central partition --convert); nothing was dropped");
}

RollupRetention retain_rollups(PgConnection& conn, const std::string& cut, const std::optional<std::string>& rollup_cut,
                               const CentralOptions& options)
{
    RollupRetention out;
    out.present = conn.exec("SELECT to_regclass('device_measurements_minutes') IS NOT NULL AS present")
                      .text(0, "present") == "t";
    if (!out.present) return out;
    out.older_than_cut =
        conn.exec("SELECT count(*) AS n FROM device_measurements_minutes WHERE minute < $1::timestamp", {cut})
            .integer(0, "n");
    out.cut = rollup_cut;
    if (!rollup_cut) return out;
    // A minute goes once all of it is older than the cut: its rows are, as retention's rows are.
    const std::string older = " FROM device_measurements_minutes WHERE minute <= $1::timestamp - interval '1 minute'";
    out.deleted = options.dry_run == DryRun::yes
                      ? conn.exec("SELECT count(*) AS n" + older, {*rollup_cut}).integer(0, "n")
                      : conn.exec("DELETE" + older, {*rollup_cut}).affected();
    return out;
}

std::vector<RetentionStep> retain_table(PgConnection& conn, const std::string& table, const std::string& cut,
                                        const CentralOptions& options)
{
    require_partitioned(conn, table);
    std::vector<RetentionStep> steps;
    for (const auto& p : partitions_of(conn, table)) {
        RetentionStep step;
        step.table = table;
        step.partition = p.name;
        step.from = p.from;
        step.to = p.to;
        if (p.is_default) {
            step.kind = RetentionStep::Kind::delete_from_default;
            step.rows =
                conn.exec("SELECT count(*) AS n FROM " + ident(p.name) + " WHERE \"time\" < $1::timestamp", {cut})
                    .integer(0, "n");
            if (step.rows > 0) steps.push_back(step);
            continue;
        }
        step.rows = p.estimated_rows;
        if (p.to && at_or_before(*p.to, cut)) {
            step.kind = RetentionStep::Kind::drop_partition;
            steps.push_back(step);
        } else if (!p.from || !at_or_before(cut, *p.from)) {
            step.kind = RetentionStep::Kind::keep_straddling;
            steps.push_back(step);
        }
    }
    if (options.dry_run == DryRun::yes) return steps;
    for (auto& step : steps) {
        if (step.kind == RetentionStep::Kind::drop_partition) drop_partition(conn, table, step, options);
        if (step.kind == RetentionStep::Kind::delete_from_default)
            step.rows = conn.exec("DELETE FROM " + ident(step.partition) + " WHERE \"time\" < $1::timestamp", {cut})
                            .affected();
    }
    return steps;
}

} // namespace benchstore::central
