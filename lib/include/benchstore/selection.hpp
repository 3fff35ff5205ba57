#pragma once
// Which benchmarks of a store a reader looks at: export, compare and the report select with it.
// A plain struct; every criterion that is set must hold (AND); the default selects all.
#include <optional>
#include <string>
#include <vector>

namespace benchstore {

struct Selection {
    // These benchmark UUIDs. Unset = any benchmark; an empty list selects none. An id that is not in
    // the store is an error (InvalidArgument).
    std::optional<std::vector<std::string>> benchmark_ids;
    std::string run_id;      // one benchstore-run invocation; empty = any
    std::string repository;  // exact match; empty = any
    std::string branch;      // exact match; empty = any
    std::string commit_id;   // exact match; empty = any
    std::string host;        // the host name the benchmark ran on, exact match; empty = any
    // created_at bounds, UTC, "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS[.ffffff]]" (parse_timestamp).
    // since is inclusive; until is inclusive, and a date alone means the whole of that day. Empty = open.
    std::string since;
    std::string until;
    std::string status;      // "running", "completed" or "failed"; empty = any
};

} // namespace benchstore
