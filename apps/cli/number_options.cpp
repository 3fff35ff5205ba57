#include "cli/number_options.hpp"

#include <charconv>
#include <cmath>

#include "cli/cli.hpp"

namespace benchstore::cli {

std::optional<double> finite_number(const std::string& text)
{
    double value = 0;
    const char* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || error != std::errc() || stop != end || !std::isfinite(value)) return std::nullopt;
    return value;
}

double number_option(const std::string& option, const std::string& text)
{
    const auto value = finite_number(text);
    if (!value) throw UsageError(option + " must be a number, got '" + text + "'");
    return *value;
}

std::uint64_t whole_number_option(const std::string& option, const std::string& text, std::uint64_t min,
                                  std::uint64_t max)
{
    std::uint64_t value = 0;
    const char* end = text.data() + text.size();
    const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
    const bool parsed = digits && std::from_chars(text.data(), end, value).ec == std::errc();
    if (!parsed || value < min || value > max)
        throw UsageError(option + " must be a whole number " +
                         (max == static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
                              ? "of at least " + std::to_string(min)
                              : "from " + std::to_string(min) + " to " + std::to_string(max)) +
                         ", got '" + text + "'");
    return value;
}

} // namespace benchstore::cli
