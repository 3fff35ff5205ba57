#include "compare/side_selection.hpp"

#include "benchstore/error.hpp"
#include "core/json.hpp"
#include "store/query.hpp"
#include "store/selection.hpp"

namespace benchstore::compare_ {
namespace {

// The one distinct value of column that starts with prefix; "HEAD" for a commit means the commit of
// the newest benchmark.
std::string resolve_prefix(SQLite::Database& db, const std::string& where, std::vector<std::string> params,
                           const char* column, const char* what, const std::string& prefix, bool excluding)
{
    std::string sql;
    if (std::string(column) == "commit_id" && prefix == "HEAD") {
        sql = "SELECT b.commit_id AS value FROM benchmarks b WHERE " + where + " ORDER BY b.id DESC LIMIT 1";
    } else {
        sql = std::string("SELECT DISTINCT b.") + column + " AS value FROM benchmarks b WHERE " + where +
              " AND substr(b." + column + ", 1, length(?)) = ? LIMIT 3";
        params.insert(params.end(), {prefix, prefix});
    }
    store::Query q(db, sql, params);
    const auto value = q.column("value");
    std::vector<std::string> found;
    while (q.step()) found.emplace_back(q.text(value));
    if (found.empty())
        throw InvalidArgument(std::string("no benchmarks for ") + what + " '" + prefix + "' in " + db.getFilename() +
                              (excluding ? " besides the other side's" : ""));
    if (found.size() > 1)
        throw InvalidArgument(std::string(what) + " prefix '" + prefix + "' is ambiguous: it matches '" + found[0] +
                              "' and '" + found[1] + "'" + (found.size() > 2 ? " and more" : ""));
    return found.front();
}

} // namespace

SideSpec parse_side_spec(const std::string& spec)
{
    const auto colon = spec.find(':');
    const std::string kind = spec.substr(0, colon);
    const std::string value = colon == std::string::npos ? "" : spec.substr(colon + 1);
    if (colon == std::string::npos || value.empty() || (kind != "commit" && kind != "run" && kind != "branch"))
        throw InvalidArgument("side '" + spec + "' is not commit:SHA, run:ID or branch:NAME");
    SideSpec s;
    s.kind = kind == "commit" ? SideSpec::Kind::commit : kind == "run" ? SideSpec::Kind::run : SideSpec::Kind::branch;
    s.value = value;
    return s;
}

std::string json_id_list(const std::vector<std::int64_t>& ids)
{
    std::string out = "[";
    for (const auto id : ids) {
        if (out.size() > 1) out.push_back(',');
        out += std::to_string(id);
    }
    out.push_back(']');
    return out;
}

std::vector<std::int64_t> select_side(SQLite::Database& db, const SideSpec& spec, const Selection& filter,
                                      std::size_t last, const std::vector<std::int64_t>& exclude)
{
    const store::SelectionSql sel = store::compile_selection(filter);
    store::require_known_ids(db, sel);
    // Placeholders in text order: the filter's, the exclusion list, then the side's own.
    const std::string where = "(" + sel.condition + ") AND b.id NOT IN (SELECT value FROM json_each(?))";
    std::vector<std::string> params = sel.params;
    params.push_back(json_id_list(exclude));

    std::string side_condition;
    switch (spec.kind) {
    case SideSpec::Kind::commit:
        side_condition = "b.commit_id = ?";
        params.push_back(resolve_prefix(db, where, params, "commit_id", "commit", spec.value, !exclude.empty()));
        break;
    case SideSpec::Kind::run:
        side_condition = "b.run_id = ?";
        params.push_back(resolve_prefix(db, where, params, "run_id", "run", spec.value, !exclude.empty()));
        break;
    case SideSpec::Kind::branch: {
        // A benchmark without a run id (recorded through the API, not benchstore-run) is its own run.
        std::vector<std::string> run_params = params;
        run_params.push_back(spec.value);
        store::Query runs(db,
                          "SELECT coalesce(b.run_id, b.benchmark_id) AS run_key, max(b.id) AS newest FROM benchmarks b "
                          "WHERE " + where + " AND b.branch = ? GROUP BY run_key ORDER BY newest DESC LIMIT " +
                              std::to_string(last),
                          run_params);
        const auto key = runs.column("run_key");
        json::Value keys = json::Value::array();
        while (runs.step()) keys.push_back(std::string(runs.text(key)));
        if (keys.empty())  // as resolve_prefix: a side that selects nothing is an error, never an empty side
            throw InvalidArgument("no benchmarks for branch '" + spec.value + "' in " + db.getFilename() +
                                  (exclude.empty() ? "" : " besides the other side's"));
        side_condition = "b.branch = ? AND coalesce(b.run_id, b.benchmark_id) IN (SELECT value FROM json_each(?))";
        params.push_back(spec.value);
        params.push_back(json::text(keys));
        break;
    }
    }
    store::Query q(db, "SELECT b.id AS benchmark_ref FROM benchmarks b WHERE " + where + " AND " + side_condition +
                           " ORDER BY b.id",
                   params);
    const auto ref = q.column("benchmark_ref");
    std::vector<std::int64_t> out;
    while (q.step()) out.push_back(q.integer(ref));
    return out;
}

} // namespace benchstore::compare_
