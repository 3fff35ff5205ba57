#include "store/side_candidates.hpp"

#include "core/json.hpp"
#include "store/listed_benchmarks.hpp"
#include "store/query.hpp"

namespace benchstore::store {
namespace {

const char* column_of(SideCandidates::Key key) { return key == SideCandidates::Key::commit_id ? "commit_id" : "run_id"; }

std::vector<std::string> values(Query& q)
{
    const auto value = q.column("value");
    std::vector<std::string> out;
    while (q.step()) out.emplace_back(q.text(value));
    return out;
}

} // namespace

SideCandidates::SideCandidates(SQLite::Database& db, const SelectionSql& sel, const std::vector<std::int64_t>& exclude)
    : m_db(db), m_where("(" + sel.condition + ") AND b.id NOT IN (SELECT value FROM json_each(?))"), m_params(sel.params)
{
    // Placeholders in text order: the filter's, the exclusion list, then each query's own.
    m_params.push_back(BenchmarkRefs(exclude).json());
}

std::vector<std::string> SideCandidates::values_starting_with(Key key, const std::string& prefix)
{
    const std::string column = column_of(key);
    std::vector<std::string> params = m_params;
    params.insert(params.end(), {prefix, prefix});
    Query q(m_db,
            "SELECT DISTINCT b." + column + " AS value FROM benchmarks b WHERE " + m_where + " AND substr(b." + column +
                ", 1, length(?)) = ? LIMIT 3",
            params);
    return values(q);
}

std::optional<std::string> SideCandidates::newest_commit()
{
    Query q(m_db, "SELECT b.commit_id AS value FROM benchmarks b WHERE " + m_where + " ORDER BY b.id DESC LIMIT 1",
            m_params);
    auto found = values(q);
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
}

std::vector<std::string> SideCandidates::newest_runs(const std::string& branch, std::size_t last)
{
    std::vector<std::string> params = m_params;
    params.push_back(branch);
    Query q(m_db,
            "SELECT coalesce(b.run_id, b.benchmark_id) AS run_key, max(b.id) AS newest FROM benchmarks b "
            "WHERE " + m_where + " AND b.branch = ? GROUP BY run_key ORDER BY newest DESC LIMIT " + std::to_string(last),
            params);
    const auto key = q.column("run_key");
    std::vector<std::string> out;
    while (q.step()) out.emplace_back(q.text(key));
    return out;
}

std::vector<std::int64_t> SideCandidates::refs_with(Key key, const std::string& value)
{
    return refs(std::string("b.") + column_of(key) + " = ?", {value});
}

std::vector<std::int64_t> SideCandidates::refs_of_runs(const std::string& branch, const std::vector<std::string>& run_keys)
{
    return refs("b.branch = ? AND coalesce(b.run_id, b.benchmark_id) IN (SELECT value FROM json_each(?))",
                {branch, json::text(json::Value(run_keys))});
}

std::vector<std::int64_t> SideCandidates::refs(const std::string& side_condition,
                                               const std::vector<std::string>& side_params)
{
    std::vector<std::string> params = m_params;
    params.insert(params.end(), side_params.begin(), side_params.end());
    Query q(m_db, "SELECT b.id AS benchmark_ref FROM benchmarks b WHERE " + m_where + " AND " + side_condition +
                      " ORDER BY b.id",
            params);
    const auto ref = q.column("benchmark_ref");
    std::vector<std::int64_t> out;
    while (q.step()) out.push_back(q.integer(ref));
    return out;
}

} // namespace benchstore::store
