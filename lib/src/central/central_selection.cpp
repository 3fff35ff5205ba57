#include "central/central_selection.hpp"

#include "benchstore/error.hpp"
#include "benchstore/timestamp.hpp"

namespace benchstore::central {
namespace {

std::string lower_ascii(std::string text)
{
    for (char& c : text)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return text;
}

std::vector<std::string> lower_ids(const Selection& selection)
{
    std::vector<std::string> ids;
    for (const auto& id : *selection.benchmark_ids) ids.push_back(lower_ascii(id));
    return ids;
}

} // namespace

std::string selection_condition(const Selection& selection, const CentralShape& shape, Params& params)
{
    std::string sql;
    const auto add = [&](const std::string& condition) { sql += (sql.empty() ? "" : " AND ") + condition; };
    const auto equal = [&](const std::string& expression, const std::string& value) {
        if (!value.empty()) add(expression + " = " + params.add(value));
    };
    if (selection.benchmark_ids) add(shape.benchmark_id + " = ANY(" + params.add_array(lower_ids(selection), "text") + ")");
    equal(shape.run_id, selection.run_id);
    equal(shape.repository, selection.repository);
    equal(shape.branch, selection.branch);
    equal(shape.commit_id, selection.commit_id);
    equal(shape.host, selection.host);
    // Bounds as the store's (a date alone as `until` is the whole day), compared as timestamps.
    if (!selection.since.empty())
        add("b.created_at >= " + params.add(format_timestamp(parse_timestamp(selection.since))) + "::timestamp");
    if (!selection.until.empty()) {
        const Timestamp until = parse_timestamp(selection.until);
        if (selection.until.size() == 10)
            add("b.created_at < " + params.add(format_timestamp(until + std::chrono::days(1))) + "::timestamp");
        else
            add("b.created_at <= " + params.add(format_timestamp(until)) + "::timestamp");
    }
    if (!selection.status.empty()) {
        if (selection.status != "running" && selection.status != "completed" && selection.status != "failed")
            throw InvalidArgument("unknown status '" + selection.status + "' (expected running, completed or failed)");
        equal(shape.status, selection.status);
    }
    return sql.empty() ? "true" : sql;
}

void require_known_ids(pg::PgConnection& conn, const Selection& selection)
{
    if (!selection.benchmark_ids) return;
    Params params;
    const std::string ids = params.add_array(lower_ids(selection), "text");
    const auto r = conn.exec("SELECT t.id AS id FROM unnest(" + ids + ") WITH ORDINALITY AS t(id, n) WHERE NOT EXISTS "
                             "(SELECT 1 FROM benchmarks b WHERE b.benchmark_id::text = t.id) ORDER BY t.n LIMIT 1",
                             params.values());
    if (r.rows() > 0)
        throw InvalidArgument("unknown benchmark id '" + r.text(0, "id") + "' on " + conn.server());
}

} // namespace benchstore::central
