#pragma once
// What compare asks of the benchmarks a side may take: those a Selection picks, less the other side's
// (the head side is chosen first, then the base side among the rest). The side's rules (a prefix that
// matches one value, HEAD, a branch's newest runs) and its messages stay in compare/side_selection;
// the SQL is here. Internal to the library. Throws StoreError.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "store/selection.hpp"

namespace benchstore::store {

class SideCandidates {
public:
    // The column a commit or run side names.
    enum class Key { commit_id, run_id };

    // The benchmarks sel picks, less the local row ids in exclude.
    SideCandidates(SQLite::Database& db, const SelectionSql& sel, const std::vector<std::int64_t>& exclude);

    // Up to three distinct values of key that start with prefix (two tell an ambiguous prefix).
    std::vector<std::string> values_starting_with(Key key, const std::string& prefix);
    // The commit of the newest benchmark (highest id); nullopt when there is none.
    std::optional<std::string> newest_commit();
    // The run keys of branch's newest `last` runs, newest first. A run key is the run id, or the
    // benchmark id of a benchmark without one (recorded through the API, not benchstore-run).
    std::vector<std::string> newest_runs(const std::string& branch, std::size_t last);

    // The local row ids, oldest first, of the benchmarks whose key is value;
    std::vector<std::int64_t> refs_with(Key key, const std::string& value);
    // of branch's benchmarks in the runs listed.
    std::vector<std::int64_t> refs_of_runs(const std::string& branch, const std::vector<std::string>& run_keys);

private:
    std::vector<std::int64_t> refs(const std::string& side_condition, const std::vector<std::string>& side_params);

    SQLite::Database& m_db;
    std::string m_where;                // sel's condition and the exclusion
    std::vector<std::string> m_params;  // its parameters, in text order
};

} // namespace benchstore::store
