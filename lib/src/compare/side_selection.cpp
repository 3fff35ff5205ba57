#include "compare/side_selection.hpp"

#include "benchstore/error.hpp"
#include "store/selection.hpp"
#include "store/side_candidates.hpp"

namespace benchstore::compare_ {
namespace {

// The one value of key that starts with prefix; "HEAD" for a commit means the commit of the newest
// benchmark.
std::string resolve_prefix(SQLite::Database& db, store::SideCandidates& candidates, store::SideCandidates::Key key,
                           const char* what, const std::string& prefix, bool excluding)
{
    std::vector<std::string> found;
    if (key == store::SideCandidates::Key::commit_id && prefix == "HEAD") {
        if (auto newest = candidates.newest_commit()) found.push_back(std::move(*newest));
    } else {
        found = candidates.values_starting_with(key, prefix);
    }
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

std::vector<std::int64_t> select_side(SQLite::Database& db, const SideSpec& spec, const Selection& filter,
                                      std::size_t last, const std::vector<std::int64_t>& exclude)
{
    const store::SelectionSql sel = store::compile_selection(filter);
    store::require_known_ids(db, sel);
    store::SideCandidates candidates(db, sel, exclude);
    using Key = store::SideCandidates::Key;
    switch (spec.kind) {
    case SideSpec::Kind::commit:
        return candidates.refs_with(Key::commit_id,
                                    resolve_prefix(db, candidates, Key::commit_id, "commit", spec.value, !exclude.empty()));
    case SideSpec::Kind::run:
        return candidates.refs_with(Key::run_id,
                                    resolve_prefix(db, candidates, Key::run_id, "run", spec.value, !exclude.empty()));
    case SideSpec::Kind::branch: {
        const auto runs = candidates.newest_runs(spec.value, last);
        if (runs.empty())  // as resolve_prefix: a side that selects nothing is an error, never an empty side
            throw InvalidArgument("no benchmarks for branch '" + spec.value + "' in " + db.getFilename() +
                                  (exclude.empty() ? "" : " besides the other side's"));
        return candidates.refs_of_runs(spec.value, runs);
    }
    }
    return {};
}

} // namespace benchstore::compare_
