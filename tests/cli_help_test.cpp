#define BOOST_TEST_MODULE cli_help
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

#include "support/export_fixture.hpp"
#include "support/temp_dir.hpp"

using benchstore::test::CommandResult;
using benchstore::test::TempDir;
using benchstore::test::shell_quote;

namespace {

const std::string bin = BENCHSTORE_BINARY_DIR;
const std::vector<std::string> tools{bin + "/apps/benchstore-run", bin + "/tools/benchstore-export",
                                     bin + "/tools/benchstore-sync", bin + "/tools/benchstore-compare",
                                     bin + "/tools/benchstore-report", bin + "/tools/benchstore-import",
                                     bin + "/tools/benchstore-central"};

// The selection options (apps/cli/selection_options.hpp): a usage line may name them as one group,
// "[selection...]", as --help lists them all.
const std::set<std::string> selection_options{"benchmark", "run-id", "repository", "branch",
                                              "commit",    "host",   "since",      "until",  "status"};

CommandResult run(const std::string& exe, const std::string& args)
{
    static TempDir scratch("cli");
    return benchstore::test::run_command(shell_quote(exe) + " " + args, scratch.path());
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// "--db FILE", "--dry-run": each long option of a --help text with its placeholder, if any.
std::vector<std::pair<std::string, std::string>> options_of(const std::string& help)
{
    static const std::regex option(R"(^\s+(?:-\w, )?--([a-z-]+)(?: ([A-Z]+|arg))?)");
    std::vector<std::pair<std::string, std::string>> out;
    std::istringstream in(help);
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (std::regex_search(line, m, option)) out.emplace_back(m[1], m[2]);
    }
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli_help)

BOOST_AUTO_TEST_CASE(help_texts_speak_to_users_not_of_the_seed)
{
    for (const auto& exe : tools) {
        const auto r = run(exe, "--help");
        BOOST_TEST(r.exit_code == 0, exe);
        BOOST_TEST(lower(r.out).find("seed") == std::string::npos, exe << ":\n" << r.out);
    }
}

BOOST_AUTO_TEST_CASE(option_placeholders_are_the_same_in_every_tool)
{
    std::map<std::string, std::set<std::string>> placeholders;  // option -> placeholders across tools
    for (const auto& exe : tools) {
        const auto options = options_of(run(exe, "--help").out);
        BOOST_TEST(options.size() >= 4u, exe);
        for (const auto& [name, placeholder] : options) {
            BOOST_TEST(placeholder != "arg", exe << " --" << name << " has cxxopts' default placeholder");
            placeholders[name].insert(placeholder);
        }
    }
    BOOST_TEST(placeholders["db"] == std::set<std::string>{"FILE"});
    // --out is the one option whose value differs in kind: export writes a folder of CSV files, the
    // report one HTML file. It still takes no placeholder other than those two.
    BOOST_TEST((placeholders["out"] == std::set<std::string>{"DIR", "FILE"}));
    for (const auto& [name, set] : placeholders)
        if (name != "out") BOOST_TEST(set.size() == 1u, "--" << name);
}

BOOST_AUTO_TEST_CASE(usage_lines_list_every_option)
{
    for (const auto& exe : tools) {
        const auto help = run(exe, "--help").out;
        const auto bad = run(exe, "--no-such-option");
        BOOST_TEST(bad.exit_code == 2, exe);
        const auto usage = bad.err.find("usage: ");
        BOOST_TEST_REQUIRE(usage != std::string::npos, exe << ": " << bad.err);
        const bool selection_as_group = bad.err.find("[selection...]", usage) != std::string::npos;
        for (const auto& [name, placeholder] : options_of(help)) {
            if (name == "help" || name == "version") continue;  // the standard options every tool has
            if (selection_as_group && selection_options.count(name)) continue;
            const std::string expected = "--" + name + (placeholder.empty() ? "" : " " + placeholder);
            BOOST_TEST(bad.err.find(expected, usage) != std::string::npos, exe << " usage lacks " << expected);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
