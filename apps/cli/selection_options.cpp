#include "cli/selection_options.hpp"

#include <algorithm>
#include <stdexcept>

#include "cli/cli.hpp"

namespace benchstore::cli {

const std::vector<std::string>& selection_option_names()
{
    static const std::vector<std::string> names{"benchmark", "run-id", "repository", "branch",
                                                "commit",    "host",   "since",      "until",  "status"};
    return names;
}

void add_selection_options(cxxopts::Options& cli, const std::vector<std::string>& names)
{
    for (const auto& name : names)
        if (std::find(selection_option_names().begin(), selection_option_names().end(), name) ==
            selection_option_names().end())
            throw std::invalid_argument("'" + name + "' is not a selection option");
    const auto wanted = [&](const char* name) { return std::find(names.begin(), names.end(), name) != names.end(); };
    auto add = cli.add_options();
    if (wanted("benchmark"))
        add("benchmark", "only this benchmark id (repeatable)", cxxopts::value<std::vector<std::string>>(), "ID");
    if (wanted("run-id"))
        add("run-id", "only benchmarks of this benchstore-run invocation", cxxopts::value<std::string>(), "ID");
    if (wanted("repository")) add("repository", "only this repository", cxxopts::value<std::string>(), "NAME");
    if (wanted("branch")) add("branch", "only this branch", cxxopts::value<std::string>(), "NAME");
    if (wanted("commit")) add("commit", "only this commit id", cxxopts::value<std::string>(), "SHA");
    if (wanted("host")) add("host", "only benchmarks that ran on this host (its name)", cxxopts::value<std::string>(), "NAME");
    if (wanted("since"))
        add("since", "only benchmarks created at or after (UTC, YYYY-MM-DD[THH:MM[:SS[.ffffff]]])",
            cxxopts::value<std::string>(), "TIME");
    if (wanted("until"))
        add("until", "only benchmarks created at or before (UTC; a date alone includes that day)",
            cxxopts::value<std::string>(), "TIME");
    if (wanted("status"))
        add("status", "only benchmarks with this status: running, completed or failed", cxxopts::value<std::string>(),
            "STATUS");
}

namespace {

// An empty value selects nothing in particular, so it would select everything: --repository "$REPO"
// with REPO unset must not export every repository.
void refuse_empty(const char* name, const std::string& value)
{
    if (value.empty())
        throw UsageError(std::string("--") + name + " is empty: give a value, or leave the option out to select all");
}

} // namespace

benchstore::Selection read_selection(const cxxopts::ParseResult& args)
{
    const auto text = [&](const char* name) {
        if (!args.count(name)) return std::string();
        auto value = args[name].as<std::string>();
        refuse_empty(name, value);
        return value;
    };
    benchstore::Selection sel;
    if (args.count("benchmark")) {
        sel.benchmark_ids = args["benchmark"].as<std::vector<std::string>>();
        for (const auto& id : *sel.benchmark_ids) refuse_empty("benchmark", id);
    }
    sel.run_id = text("run-id");
    sel.repository = text("repository");
    sel.branch = text("branch");
    sel.commit_id = text("commit");
    sel.host = text("host");
    sel.since = text("since");
    sel.until = text("until");
    sel.status = text("status");
    return sel;
}

void require_side(const std::string& what, const std::string& spec)
{
    for (const std::string kind : {"commit:", "run:", "branch:"})
        if (spec.rfind(kind, 0) == 0 && spec.size() > kind.size()) return;
    throw UsageError(what + " '" + spec + "' is not commit:SHA, run:ID or branch:NAME");
}

} // namespace benchstore::cli
