#pragma once
// Turns a compare side spec (commit:SHA, run:ID, branch:NAME) into the benchmarks it selects.
// Internal to compare.
#include <cstdint>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "benchstore/selection.hpp"

namespace benchstore::compare_ {

struct SideSpec {
    enum class Kind { commit, run, branch } kind = Kind::commit;
    std::string value;
};

// Parses "commit:SHA", "run:ID" or "branch:NAME". Throws InvalidArgument naming the spec.
SideSpec parse_side_spec(const std::string& spec);

// The local row ids (benchmarks.id) the side selects under filter, oldest first, leaving out
// those in exclude. A branch side takes its newest `last` runs among the benchmarks not excluded.
// Throws InvalidArgument when a commit or run prefix matches nothing or more than one, and
// StoreError when the store cannot be read.
std::vector<std::int64_t> select_side(SQLite::Database& db, const SideSpec& spec, const Selection& filter,
                                      std::size_t last, const std::vector<std::int64_t>& exclude);

} // namespace benchstore::compare_
