// Results from the central PostgreSQL that benchstore-sync fills: the report's streams and compare's
// samples, read in one REPEATABLE READ, READ ONLY transaction (one snapshot for the source's life).
// The work stays on the server: counts, per-benchmark device figures and sorting are SQL; what comes
// to the client is what the page draws or the test ranks, streamed through a cursor in batches.
// Every statement has the connection's statement_timeout and client-side deadline (pg/connection.hpp).
// Plain SELECTs over the tables' names, so partitioned measurement tables read the same.
#include <algorithm>
#include <memory>
#include <optional>
#include <tuple>
#include <unordered_map>

#include "benchstore/error.hpp"
#include "central/central_query.hpp"
#include "central/central_selection.hpp"
#include "central/central_shape.hpp"
#include "core/json.hpp"
#include "results/results_source.hpp"

namespace benchstore::results {
namespace {

using central::Params;
using compare_::SideSpec;
using report::BenchmarkInfo;
using report::DeviceVisitor;
using report::Overview;
using report::TrendPoint;

// Flat metadata objects as the store writes them: compact JSON, here with keys sorted (the server's
// jsonb keeps no order); anything else as the server wrote it.
std::string compact_metadata(const std::string& text)
{
    const auto parsed = json::Value::parse(text, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return text;
    std::vector<std::pair<std::string, json::Value>> items;
    for (const auto& item : parsed.items()) items.emplace_back(item.key(), item.value());
    std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    json::Value sorted = json::Value::object();
    for (auto& [key, value] : items) sorted[key] = std::move(value);
    return json::text(sorted);
}

// A benchmarks row read by name, with its text kept for the views of a BenchmarkInfo.
struct BenchmarkText {
    std::string benchmark_id, repository, branch, commit_id, commit_message, host, module, label, created_at, status,
        status_reason;
    std::uint64_t device_rows = 0, model_rows = 0;
    bool from_original_tool = false;  // its measurement rows have no local id

    // counts: benchmark id -> its device and model rows (RowCounts)
    BenchmarkText(const pg::PgResult& r, int i,
                  const std::unordered_map<std::string, std::pair<std::uint64_t, std::uint64_t>>& counts)
        : benchmark_id(r.text(i, "benchmark_id")), repository(r.text(i, "repository")), branch(r.text(i, "branch")),
          commit_id(r.text(i, "commit_id")), commit_message(r.text(i, "commit_message")), host(r.text(i, "host")),
          module(r.text(i, "module")), label(r.text(i, "metadata_label")), created_at(r.text(i, "created_at")),
          status(r.text(i, "status")), status_reason(r.text(i, "status_reason")),
          from_original_tool(r.text(i, "from_original_tool") == "t")
    {
        if (const auto it = counts.find(benchmark_id); it != counts.end())
            std::tie(device_rows, model_rows) = it->second;
    }

    BenchmarkInfo info() const
    {
        return {benchmark_id, repository, branch, commit_id, commit_message, host, module, label, created_at,
                status, status_reason, device_rows, model_rows};
    }
};

class CentralSource final : public ResultsSource {
public:
    CentralSource(const std::string& conninfo, std::chrono::seconds statement_timeout, const Selection& selection)
        : m_selection(selection), m_conn(conninfo, statement_timeout, pg::PgConnection::OnTimeout::drop_only)
    {
        m_conn.set_timeout_note("");
        m_conn.exec("SET DateStyle = 'ISO, MDY'");  // timestamps as text: see central::iso_time_text
        m_snapshot.emplace(m_conn);
        m_conn.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        m_shape = central::read_central_shape(m_conn);
        Params check;
        central::selection_condition(selection, m_shape, check);  // validates before anything is read
        central::require_known_ids(m_conn, selection);
    }

    std::string name() const override { return m_conn.server(); }

    Overview overview() override
    {
        Overview o;
        o.repositories = distinct(m_shape.repository);
        o.branches = distinct(m_shape.branch);
        o.hosts = distinct(m_shape.host);
        for (auto& h : o.hosts)
            if (h.empty()) h = compare_::unknown_host;
        Params p;
        const std::string where = condition(p);
        const auto r = m_conn.exec(
            "SELECT count(DISTINCT " + m_shape.commit_id + ") AS commits, coalesce(" +
                central::iso_time("min(b.created_at)") + ", '') AS first_created, coalesce(" +
                central::iso_time("max(b.created_at)") + ", '') AS last_created, count(*) AS benchmarks, "
                "count(*) FILTER (WHERE " + m_shape.status + " = 'completed') AS completed, "
                "count(*) FILTER (WHERE " + m_shape.status + " = 'failed') AS failed, "
                "count(*) FILTER (WHERE " + m_shape.status + " = 'running') AS running, "
                "count(*) FILTER (WHERE " + m_shape.from_original_tool + ") AS original FROM benchmarks b WHERE " + where,
            p.values());
        const auto count = [&](const char* name) { return static_cast<std::uint64_t>(r.integer(0, name)); };
        o.commits = count("commits");
        o.first_created = r.text(0, "first_created");
        o.last_created = r.text(0, "last_created");
        o.benchmarks = count("benchmarks");
        o.completed = count("completed");
        o.failed = count("failed");
        o.running = count("running");
        o.from_original_tool = count("original");
        for (const auto& [id, rows] : row_counts()) {
            o.device_rows += rows.first;
            o.model_rows += rows.second;
        }
        return o;
    }

    void for_each_benchmark(const std::function<void(const BenchmarkInfo&)>& visit) override
    {
        const auto& counts = row_counts();  // first: one cursor at a time
        Params p;
        const std::string where = condition(p);
        central::for_each_row(m_conn,
                              "SELECT " + benchmark_list() + " FROM benchmarks b WHERE " + where +
                                  " ORDER BY b.created_at, b.benchmark_id",
                              p, [&](const pg::PgResult& r, int i) { visit(BenchmarkText(r, i, counts).info()); });
    }

    void for_each_trend_point(const std::function<void(const TrendPoint&)>& visit) override
    {
        Params p;
        const std::string where = condition(p);
        // Sorted on the server, byte order (COLLATE "C") as the store sorts; only numbers are drawn.
        // The benchmark's columns are worked out once per benchmark, not once per value.
        central::for_each_row(
            m_conn,
            "SELECT j.key AS metric, b.host, b.module, b.metadata_label, b.commit_id, m.time::text AS time, "
            "j.value::text AS value FROM (SELECT b.benchmark_id, " + m_shape.host + " COLLATE \"C\" AS host, " +
                m_shape.module + " COLLATE \"C\" AS module, " + metadata_label() + " COLLATE \"C\" AS metadata_label, " +
                m_shape.commit_id + " AS commit_id FROM benchmarks b WHERE " + where + ") b JOIN model_measurements m ON "
                "m.benchmark_id = b.benchmark_id CROSS JOIN LATERAL jsonb_each(m.measurements::jsonb) j WHERE "
                "jsonb_typeof(j.value) = 'number' ORDER BY j.key COLLATE \"C\", b.host, b.module, b.metadata_label, "
                "m.time, m.measurement_id",
            p, [&](const pg::PgResult& r, int i) {
                const std::string metric = r.text(i, "metric"), host = r.text(i, "host"), module = r.text(i, "module"),
                                  metadata = r.text(i, "metadata_label"), commit = r.text(i, "commit_id"),
                                  time = central::iso_time_text(r.text(i, "time"));
                visit({metric, host, module, metadata, commit, time, *central::number(r, i, "value")});
            });
    }

    void for_each_device_series(DeviceVisitor& visitor, std::uint32_t max_series, std::uint32_t max_points) override
    {
        // The newest max_series benchmarks with device rows, walked oldest first: their rows (a page's
        // worth) first, then all their samples through one cursor, in that order.
        Params p;
        const std::string where = condition(p);
        const std::string limit = p.add(std::to_string(max_series));
        const auto newest = m_conn.exec("SELECT * FROM (SELECT " + benchmark_list() + ", b.created_at AS created, "
                                        "b.benchmark_id AS id FROM benchmarks b WHERE (" + where + ") AND EXISTS "
                                        "(SELECT 1 FROM device_measurements d WHERE d.benchmark_id = b.benchmark_id) "
                                        "ORDER BY b.created_at DESC, b.benchmark_id DESC LIMIT " + limit +
                                            "::bigint) newest ORDER BY created, id",
                                        p.values());
        if (newest.rows() == 0) return;
        std::vector<BenchmarkText> benchmarks;
        std::vector<std::string> ids;
        for (int i = 0; i < newest.rows(); ++i) {
            benchmarks.emplace_back(newest, i, row_counts());
            ids.push_back(benchmarks.back().benchmark_id);
        }
        // The page reduces each line to the lowest and highest sample of max_points / 2 equal-count
        // buckets (series_reduction.hpp) when a series has more than max_points samples. That is
        // done here, per benchmark, in SQL, in one pass: the samples numbered in recording order
        // (synced rows by the store's local ids, which the (benchmark_id, local_id) key's index walks
        // in order; the original tool's by their serial id), each bucket's extremes as window
        // aggregates, and only the samples that hold one come over (ties too: the page keeps the
        // first), with their positions, besides the series' first sample (the time axis starts there).
        const std::uint32_t buckets = std::max<std::uint32_t>(max_points / 2, 1);
        std::string extremes, holds;
        for (const std::string line : {"cpu_util", "mem_megabytes", "gpu_util", "gpu_mem_megabytes"}) {
            extremes += ", min(" + line + ") OVER bucket AS " + line + "_lo, max(" + line + ") OVER bucket AS " + line + "_hi";
            holds += " OR " + line + " = " + line + "_lo OR " + line + " = " + line + "_hi";
        }
        for (const auto& benchmark : benchmarks) {
            visitor.begin(benchmark.info());
            const std::uint64_t total = benchmark.device_rows;
            const std::string order = benchmark.from_original_tool ? "d.measurement_id" : "d.local_id";
            const std::string bucket = total <= max_points ? std::string("i")
                                                           : "least(" + std::to_string(buckets - 1) + ", i * " +
                                                                 std::to_string(buckets) + " / " + std::to_string(total) + ")";
            const auto r = m_conn.exec(
                "SELECT i AS position, cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes, time::text AS time FROM "
                "(SELECT *" + extremes + " FROM (SELECT *, " + bucket + " AS b FROM (SELECT d.cpu_util, "
                "d.mem_megabytes, d.gpu_util, d.gpu_mem_megabytes, d.time, row_number() OVER (ORDER BY " + order +
                    ") - 1 AS i FROM device_measurements d WHERE d.benchmark_id = $1::" + m_shape.id_type +
                    ") numbered) bucketed WINDOW bucket AS (PARTITION BY b)) extremes WHERE i = 0" + holds +
                    " ORDER BY i",
                {benchmark.benchmark_id});
            for (int i = 0; i < r.rows(); ++i) {
                const std::string time = central::iso_time_text(r.text(i, "time"));
                visitor.sample({central::number(r, i, "cpu_util"), central::number(r, i, "mem_megabytes"),
                                central::number(r, i, "gpu_util"), central::number(r, i, "gpu_mem_megabytes"), time,
                                static_cast<std::uint64_t>(r.integer(i, "position"))});
            }
            visitor.end();
        }
    }

    void load_comparison(const SideSpec& base, const SideSpec& head, std::size_t last,
                         compare_::Samples& samples) override
    {
        std::array<std::vector<std::string>, 2> ids;
        ids[compare_::head_side] = select_side(head, last, {});
        ids[compare_::base_side] = select_side(base, last, ids[compare_::head_side]);
        compare_::SampleCollector collector(samples);
        for (const compare_::Side side : {compare_::base_side, compare_::head_side}) {
            collector.start_side(side);
            read_side(ids[side], collector, samples);
        }
        collector.finish();
    }

private:
    std::string condition(Params& params) const { return central::selection_condition(m_selection, m_shape, params); }

    std::vector<std::string> distinct(const std::string& expression)
    {
        Params p;
        const std::string where = condition(p);
        const auto r = m_conn.exec("SELECT DISTINCT (" + expression + ") COLLATE \"C\" AS value FROM benchmarks b WHERE " +
                                       where + " ORDER BY value",
                                   p.values());
        std::vector<std::string> out;
        for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, "value"));
        return out;
    }

    // Per selected benchmark, its device and model rows: counted once, on the server, for the
    // overview, the table and the device charts (one entry per benchmark, not per row).
    const std::unordered_map<std::string, std::pair<std::uint64_t, std::uint64_t>>& row_counts()
    {
        if (m_counts) return *m_counts;
        m_counts.emplace();
        // Each count walks its benchmark's part of the (benchmark_id, local_id) key: an index-only scan,
        // no hashing of the rows.
        Params p;
        const std::string where = condition(p);
        central::for_each_row(m_conn,
                              "SELECT b.benchmark_id::text AS benchmark_id, (SELECT count(*) FROM device_measurements x "
                              "WHERE x.benchmark_id = b.benchmark_id) AS device_rows, (SELECT count(*) FROM "
                              "model_measurements x WHERE x.benchmark_id = b.benchmark_id) AS model_rows FROM "
                              "benchmarks b WHERE " + where,
                              p, [&](const pg::PgResult& r, int i) {
                                  (*m_counts)[r.text(i, "benchmark_id")] = {
                                      static_cast<std::uint64_t>(r.integer(i, "device_rows")),
                                      static_cast<std::uint64_t>(r.integer(i, "model_rows"))};
                              });
        return *m_counts;
    }

    // metadata as "key=value, key=value", keys in byte order; the text itself when not an object.
    std::string metadata_label() const
    {
        const std::string& m = m_shape.metadata;
        return "(CASE WHEN jsonb_typeof(" + m + ") = 'object' THEN coalesce((SELECT string_agg(e.key || '=' || "
               "coalesce(e.value #>> '{}', 'null'), ', ' ORDER BY e.key COLLATE \"C\") FROM jsonb_each(" + m +
               ") e), '') ELSE " + m + "::text END)";
    }

    std::string benchmark_list() const
    {
        const CentralShape& s = m_shape;
        return s.benchmark_id + " AS benchmark_id, " + s.repository + " AS repository, " + s.branch + " AS branch, " +
               s.commit_id + " AS commit_id, " + s.commit_message + " AS commit_message, " + s.metadata +
               "::text AS metadata, " + metadata_label() + " AS metadata_label, " + s.created_at + " AS created_at, " +
               s.host + " AS host, " + s.run_id + " AS run_id, " + s.module + " AS module, " + s.status +
               " AS status, " + s.status_reason + " AS status_reason, " + s.host_info + " AS host_info, " +
               s.from_original_tool + " AS from_original_tool";
    }

    // The one value of expression (commit or run id) that starts with prefix among the rows where
    // holds; "HEAD" for a commit means the newest benchmark's.
    std::string resolve_prefix(const std::string& where, const Params& params, const std::string& expression,
                               const char* what, const std::string& prefix, bool excluding)
    {
        Params p = params;
        std::string sql;
        if (std::string(what) == "commit" && prefix == "HEAD") {
            sql = "SELECT " + expression + " AS value FROM benchmarks b WHERE " + where +
                  " ORDER BY b.created_at DESC, b.benchmark_id DESC LIMIT 1";
        } else {
            const std::string value = p.add(prefix);
            sql = "SELECT DISTINCT " + expression + " AS value FROM benchmarks b WHERE " + where + " AND left(" +
                  expression + ", length(" + value + ")) = " + value + " LIMIT 3";
        }
        const auto r = m_conn.exec(sql, p.values());
        if (r.rows() == 0)
            throw InvalidArgument(std::string("no benchmarks for ") + what + " '" + prefix + "' on " + m_conn.server() +
                                  (excluding ? " besides the other side's" : ""));
        if (r.rows() > 1)
            throw InvalidArgument(std::string(what) + " prefix '" + prefix + "' is ambiguous: it matches '" +
                                  r.text(0, "value") + "' and '" + r.text(1, "value") + "'" +
                                  (r.rows() > 2 ? " and more" : ""));
        return r.text(0, "value");
    }

    // The benchmark ids the side selects, oldest first, leaving out exclude (as store's select_side).
    std::vector<std::string> select_side(const SideSpec& spec, std::size_t last, const std::vector<std::string>& exclude)
    {
        Params p;
        std::string where = "(" + condition(p) + ")";
        if (!exclude.empty()) where += " AND NOT (" + m_shape.benchmark_id + " = ANY(" + p.add_array(exclude, "text") + "))";
        // A benchmark without a run id (recorded through the API, or by the original tool) is its own run.
        const std::string run_key = "coalesce(nullif(" + m_shape.run_id + ", ''), " + m_shape.benchmark_id + ")";
        std::string side;
        switch (spec.kind) {
        case SideSpec::Kind::commit:
            side = m_shape.commit_id + " = " +
                   p.add(resolve_prefix(where, p, m_shape.commit_id, "commit", spec.value, !exclude.empty()));
            break;
        case SideSpec::Kind::run:
            side = m_shape.run_id + " = " +
                   p.add(resolve_prefix(where, p, m_shape.run_id, "run", spec.value, !exclude.empty()));
            break;
        case SideSpec::Kind::branch: {
            Params runs_params = p;
            const std::string branch = runs_params.add(spec.value);
            const auto runs = m_conn.exec("SELECT " + run_key + " AS run_key, max(b.created_at) AS newest FROM "
                                          "benchmarks b WHERE " + where + " AND " + m_shape.branch + " = " + branch +
                                          " GROUP BY 1 ORDER BY newest DESC LIMIT " + std::to_string(last),
                                          runs_params.values());
            if (runs.rows() == 0)
                throw InvalidArgument("no benchmarks for branch '" + spec.value + "' on " + m_conn.server() +
                                      (exclude.empty() ? "" : " besides the other side's"));
            std::vector<std::string> keys;
            for (int i = 0; i < runs.rows(); ++i) keys.push_back(runs.text(i, "run_key"));
            side = m_shape.branch + " = " + p.add(spec.value) + " AND " + run_key + " = ANY(" +
                   p.add_array(keys, "text") + ")";
            break;
        }
        }
        const auto r = m_conn.exec("SELECT " + m_shape.benchmark_id + " AS benchmark_id FROM benchmarks b WHERE " +
                                       where + " AND " + side + " ORDER BY b.created_at, b.benchmark_id",
                                   p.values());
        std::vector<std::string> ids;
        for (int i = 0; i < r.rows(); ++i) ids.push_back(r.text(i, "benchmark_id"));
        return ids;
    }

    // The side's benchmarks, their model values (numbers; others counted) and their device figures,
    // aggregated per benchmark on the server.
    void read_side(const std::vector<std::string>& ids, compare_::SampleCollector& collector,
                   compare_::Samples& samples)
    {
        Params p;
        const std::string in = p.add_array(ids, m_shape.id_type.c_str());
        central::for_each_row(m_conn,
                              "SELECT " + m_shape.benchmark_id + " AS benchmark_id, " + m_shape.run_id + " AS run_id, " +
                                  m_shape.commit_id + " AS commit_id, " + m_shape.host + " AS host, " +
                                  m_shape.host_info + " AS host_info, " + m_shape.module + " AS module, " +
                                  m_shape.metadata + "::text AS metadata FROM benchmarks b WHERE b.benchmark_id = ANY(" +
                                  in + ") ORDER BY b.created_at, b.benchmark_id",
                              p, [&](const pg::PgResult& r, int i) {
                                  const std::string id = r.text(i, "benchmark_id"), run = r.text(i, "run_id"),
                                                    commit = r.text(i, "commit_id"), host = r.text(i, "host"),
                                                    info = r.text(i, "host_info"), module = r.text(i, "module"),
                                                    metadata = compact_metadata(r.text(i, "metadata"));
                                  collector.benchmark({id, run, commit, host, info, module, metadata});
                              });
        central::for_each_row(m_conn,
                              "SELECT m.benchmark_id::text AS benchmark_id, j.key AS metric, jsonb_typeof(j.value) AS "
                              "type, j.value::text AS value FROM model_measurements m CROSS JOIN LATERAL "
                              "jsonb_each(m.measurements::jsonb) j WHERE m.benchmark_id = ANY(" + in +
                                  ") ORDER BY m.measurement_id",
                              p, [&](const pg::PgResult& r, int i) {
                                  if (r.text(i, "type") != "number") {
                                      ++samples.skipped_values;
                                      return;
                                  }
                                  collector.value(r.text(i, "benchmark_id"), r.text(i, "metric"),
                                                  *central::number(r, i, "value"));
                              });
        central::for_each_row(m_conn,
                              "SELECT d.benchmark_id::text AS benchmark_id, max(d.mem_megabytes) AS peak_rss, "
                              "avg(d.cpu_util) AS cpu_mean, avg(d.gpu_util) AS gpu_mean, max(d.gpu_mem_megabytes) AS "
                              "peak_gpu_mem FROM device_measurements d WHERE d.benchmark_id = ANY(" + in +
                                  ") GROUP BY d.benchmark_id",
                              p, [&](const pg::PgResult& r, int i) {
                                  collector.device(r.text(i, "benchmark_id"),
                                                   {central::number(r, i, "peak_rss"), central::number(r, i, "cpu_mean"),
                                                    central::number(r, i, "gpu_mean"),
                                                    central::number(r, i, "peak_gpu_mem")});
                              });
    }

    using CentralShape = central::CentralShape;

    Selection m_selection;
    pg::PgConnection m_conn;
    std::optional<pg::PgTransaction> m_snapshot;  // rolled back at the end: nothing is written
    CentralShape m_shape;
    std::optional<std::unordered_map<std::string, std::pair<std::uint64_t, std::uint64_t>>> m_counts;
};

} // namespace

std::unique_ptr<ResultsSource> open_central_results(const std::string& conninfo, std::chrono::seconds statement_timeout,
                                                    const Selection& selection)
{
    return std::make_unique<CentralSource>(conninfo, statement_timeout, selection);
}

} // namespace benchstore::results
