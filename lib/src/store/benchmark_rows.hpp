#pragma once
// A benchmarks row as every reader sees it, read by name from a Query whose SELECT includes
// benchmark_select_list (the benchmarks table under alias b). Export, compare, the report and the
// runner's ledger read benchmarks this way, so a new benchmarks column is added here once.
//
//     const SelectionSql sel = compile_selection(selection);
//     Query q(db, std::string("SELECT ") + benchmark_select_list + " FROM benchmarks b WHERE " +
//             sel.condition + " ORDER BY b.id", sel.params);
//     const BenchmarkColumns cols(q);
//     while (q.step()) { const BenchmarkRow row = cols.read(q); ... }
//
// Internal to the library. The views in a BenchmarkRow are valid until the query's next step().
#include <cstdint>
#include <string_view>

#include "store/query.hpp"

namespace benchstore::store {

// The SELECT list for one benchmarks row (alias b). Every column has an AS name: SQLite leaves the
// name of an un-aliased column unspecified. The local row id is called benchmark_ref, as the
// measurement tables name it.
inline constexpr const char* benchmark_select_list =
    "b.id AS benchmark_ref, b.benchmark_id AS benchmark_id, b.repository AS repository, b.branch AS branch, "
    "b.commit_id AS commit_id, b.commit_message AS commit_message, b.metadata AS metadata, "
    "b.created_at AS created_at, b.host AS host, b.run_id AS run_id, b.module AS module, b.status AS status, "
    "b.status_reason AS status_reason, b.finished_at AS finished_at";

struct BenchmarkRow {
    std::int64_t benchmark_ref = 0;  // local row id (benchmarks.id); measurement rows refer to it
    std::string_view benchmark_id;   // UUID v7, lower case
    std::string_view repository;
    std::string_view branch;
    std::string_view commit_id;
    std::string_view commit_message;
    std::string_view metadata;       // compact JSON object, string values
    std::string_view created_at;     // UTC, 2025-07-29T20:08:07.875408
    std::string_view host;           // host name of the machine that ran it
    std::string_view run_id;         // empty when not recorded by benchstore-run
    std::string_view module;         // empty when not recorded by benchstore-run
    std::string_view status;         // running | completed | failed
    std::string_view status_reason;  // empty unless failed
    std::string_view finished_at;    // empty while running
};

// The columns of benchmark_select_list resolved once on a query. Throws StoreError when the query
// lacks one of them.
class BenchmarkColumns {
public:
    explicit BenchmarkColumns(const Query& q);
    BenchmarkRow read(const Query& q) const;

private:
    Column m_ref, m_id, m_repository, m_branch, m_commit_id, m_commit_message, m_metadata, m_created_at, m_host,
        m_run_id, m_module, m_status, m_status_reason, m_finished_at;
};

} // namespace benchstore::store
