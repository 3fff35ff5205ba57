#include "store/selection.hpp"

#include "benchstore/error.hpp"
#include "core/json.hpp"
#include "benchstore/timestamp.hpp"
#include "store/query.hpp"

namespace benchstore::store {
namespace {

void add(SelectionSql& sql, const std::string& condition, std::string param)
{
    if (!sql.condition.empty()) sql.condition += " AND ";
    sql.condition += condition;
    sql.params.push_back(std::move(param));
}

bool is_date_only(const std::string& text) { return text.size() == 10; }

std::string lower_ascii(std::string text)
{
    for (char& c : text)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return text;
}

} // namespace

SelectionSql compile_selection(const Selection& selection)
{
    SelectionSql sql;
    if (selection.benchmark_ids) {
        json::Value ids = json::Value::array();
        for (const auto& id : *selection.benchmark_ids) ids.push_back(lower_ascii(id));
        sql.ids_json = json::text(ids);
        add(sql, "b.benchmark_id IN (SELECT value FROM json_each(?))", sql.ids_json);
    }
    if (!selection.run_id.empty()) add(sql, "b.run_id = ?", selection.run_id);
    if (!selection.repository.empty()) add(sql, "b.repository = ?", selection.repository);
    if (!selection.branch.empty()) add(sql, "b.branch = ?", selection.branch);
    if (!selection.commit_id.empty()) add(sql, "b.commit_id = ?", selection.commit_id);
    if (!selection.host.empty()) add(sql, "b.host = ?", selection.host);
    // created_at is always "YYYY-MM-DDTHH:MM:SS.ffffff", so text order is time order.
    if (!selection.since.empty())
        add(sql, "b.created_at >= ?", format_timestamp(parse_timestamp(selection.since)));
    if (!selection.until.empty()) {
        const Timestamp until = parse_timestamp(selection.until);
        if (is_date_only(selection.until))
            add(sql, "b.created_at < ?", format_timestamp(until + std::chrono::days(1)));
        else
            add(sql, "b.created_at <= ?", format_timestamp(until));
    }
    if (!selection.status.empty()) {
        if (selection.status != "running" && selection.status != "completed" && selection.status != "failed")
            throw InvalidArgument("unknown status '" + selection.status + "' (expected running, completed or failed)");
        add(sql, "b.status = ?", selection.status);
    }
    if (sql.condition.empty()) sql.condition = "1";
    return sql;
}

void require_known_ids(SQLite::Database& db, const SelectionSql& selection)
{
    if (selection.ids_json.empty()) return;
    Query unknown(db,
                  "SELECT value FROM json_each(?) WHERE value NOT IN (SELECT benchmark_id FROM benchmarks) "
                  "ORDER BY key LIMIT 1",
                  {selection.ids_json});
    if (unknown.step())
        throw InvalidArgument("unknown benchmark id '" + std::string(unknown.text(unknown.column("value"))) + "' in " +
                              db.getFilename());
}

std::vector<std::string> repeat_params(const SelectionSql& selection, int count)
{
    std::vector<std::string> params;
    for (int i = 0; i < count; ++i) params.insert(params.end(), selection.params.begin(), selection.params.end());
    return params;
}

} // namespace benchstore::store
