#include "store/measurements_json.hpp"

#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "benchstore/error.hpp"
#include "core/json.hpp"

namespace benchstore::store {
namespace {

// nlohmann's lexer appends every character of a key or number to its token buffer with
// string_t::push_back. For std::string that is a call into libstdc++ for every character (libstdc++
// instantiates std::string itself, so the compiler does not inline it): about a sixth of the time spent
// reading a row. The reader's JSON type therefore uses the same std::basic_string with an allocator type
// of its own: an instantiation of this library's, whose push_back the compiler inlines.
template <class T>
struct LexerAllocator : std::allocator<T> {
    template <class U>
    struct rebind {
        using other = LexerAllocator<U>;
    };
    LexerAllocator() = default;
    template <class U>
    LexerAllocator(const LexerAllocator<U>&) noexcept
    {
    }
};
using LexerString = std::basic_string<char, std::char_traits<char>, LexerAllocator<char>>;
using ReaderJson = nlohmann::basic_json<std::map, std::vector, LexerString>;

// SAX events of one measurements object: accepts {"name": number, ...} and nothing else, appending
// each member to fields as it is read.
class MeasurementsHandler final : public nlohmann::json_sax<ReaderJson> {
public:
    explicit MeasurementsHandler(std::vector<MeasurementField>& fields) : m_fields(fields) {}

    bool start_object(std::size_t) override
    {
        if (m_opened) return false;  // a nested object
        m_opened = true;
        return true;
    }
    bool key(string_t& name) override
    {
        // The entries of the previous row are reused, so rows of the same shape allocate nothing here.
        if (m_used == m_fields.size()) m_fields.emplace_back();
        MeasurementField& field = m_fields[m_used++];
        field.name.assign(name.data(), name.size());
        m_awaiting_value = true;
        return true;
    }

    // The number of fields read.
    std::size_t used() const { return m_used; }
    bool end_object() override { return true; }
    // nlohmann reads a negative integer as number_integer, others as number_unsigned: so a 0 seen here
    // was written "-0" (the recorder writes -0.0 so), and keeps its sign.
    bool number_integer(number_integer_t value) override { return number(value == 0 ? -0.0 : static_cast<double>(value)); }
    bool number_unsigned(number_unsigned_t value) override { return number(static_cast<double>(value)); }
    bool number_float(number_float_t value, const string_t&) override { return number(value); }

    bool null() override { return false; }
    bool boolean(bool) override { return false; }
    bool string(string_t&) override { return false; }
    bool binary(binary_t&) override { return false; }
    bool start_array(std::size_t) override { return false; }
    bool end_array() override { return false; }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

private:
    bool number(double value)
    {
        if (!std::isfinite(value) || !m_awaiting_value) return false;  // "5": a number outside an object
        m_fields[m_used - 1].value = value;
        m_awaiting_value = false;
        return true;
    }

    std::vector<MeasurementField>& m_fields;
    std::size_t m_used = 0;
    bool m_opened = false;
    bool m_awaiting_value = false;  // a key was read, its number not yet
};

} // namespace

bool parse_measurements(std::string_view json, std::vector<MeasurementField>& fields)
{
    MeasurementsHandler handler(fields);
    // What ReaderJson::sax_parse(first, last, &handler) does for JSON text, called directly: sax_parse
    // also compiles the binary formats' readers, one of which does not build with another string type.
    // strict: nothing may follow the object. A top-level value other than an object fails in the handler.
    using Parser = nlohmann::detail::parser<ReaderJson, nlohmann::detail::iterator_input_adapter<const char*>>;
    const bool ok = Parser(nlohmann::detail::input_adapter(json.data(), json.data() + json.size()), nullptr,
                           /*allow_exceptions=*/true, /*skip_comments=*/false)
                        .sax_parse(&handler, /*strict=*/true);
    fields.resize(ok ? handler.used() : 0);
    return ok;
}

std::string malformed_measurements_reason(std::int64_t row_id)
{
    return "model_measurements row " + std::to_string(row_id) + " is not a JSON object of finite numbers";
}

void read_measurements(std::string_view json, std::int64_t row_id, const std::string& file,
                       std::vector<MeasurementField>& fields)
{
    if (!parse_measurements(json, fields)) throw StoreError(file + ": " + malformed_measurements_reason(row_id));
}

} // namespace benchstore::store
