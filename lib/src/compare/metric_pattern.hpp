#pragma once
// A user-given pattern over metric names (compare's --higher-is-better, --threshold REGEX=PCT, and
// the default higher-is-better pattern): case-insensitive, searched anywhere in the name. RE2
// matches in time linear in the name whatever the pattern; std::regex backtracks, and a pattern
// such as (a*)*b ran for hours on one 40-character name. RE2's syntax is Perl's without
// backreferences and lookaround (https://github.com/google/re2/wiki/Syntax).
#include <memory>
#include <string>

namespace re2 {
class RE2;
}

namespace benchstore::compare_ {

class MetricPattern {
public:
    // Throws InvalidArgument "WHAT 'PATTERN' is not a valid regular expression: REASON".
    MetricPattern(const std::string& pattern, const std::string& what);
    ~MetricPattern();
    MetricPattern(MetricPattern&&) noexcept;
    MetricPattern& operator=(MetricPattern&&) noexcept;

    // Whether the pattern matches somewhere in name. Thread-safe.
    bool found_in(const std::string& name) const;

private:
    std::unique_ptr<re2::RE2> m_re;
};

} // namespace benchstore::compare_
