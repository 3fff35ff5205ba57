#include "compare/metric_pattern.hpp"

#include <re2/re2.h>

#include "benchstore/error.hpp"

namespace benchstore::compare_ {

MetricPattern::MetricPattern(const std::string& pattern, const std::string& what)
{
    RE2::Options options;
    options.set_case_sensitive(false);
    options.set_log_errors(false);  // the error is ours to report, in one line
    m_re = std::make_unique<RE2>(pattern, options);
    if (!m_re->ok())
        throw InvalidArgument(what + " '" + pattern + "' is not a valid regular expression: " + m_re->error());
}

MetricPattern::~MetricPattern() = default;
MetricPattern::MetricPattern(MetricPattern&&) noexcept = default;
MetricPattern& MetricPattern::operator=(MetricPattern&&) noexcept = default;

bool MetricPattern::found_in(const std::string& name) const { return RE2::PartialMatch(name, *m_re); }

} // namespace benchstore::compare_
