#include "import/json_stream.hpp"

#include <deque>
#include <fstream>
#include <memory>

#include "benchstore/error.hpp"

namespace benchstore::import {
namespace {

// nlohmann's messages start "[json.exception.parse_error.101] parse error at line 3, column 5: ...".
std::string without_exception_prefix(const std::string& message)
{
    std::string text = message;
    if (!text.empty() && text.front() == '[') {
        const auto end = text.find("] ");
        if (end != std::string::npos) text = text.substr(end + 2);
    }
    return text;
}

class Builder final : public nlohmann::json_sax<Json> {
public:
    Builder(const std::filesystem::path& file, StreamHandler& handler) : m_file(file), m_handler(handler) {}

    Json take_root() { return std::move(m_root); }

    bool null() override { return add(Json(nullptr)); }
    bool boolean(bool v) override { return add(Json(v)); }
    bool number_integer(number_integer_t v) override { return add(Json(v)); }
    bool number_unsigned(number_unsigned_t v) override { return add(Json(v)); }
    bool number_float(number_float_t v, const string_t&) override { return add(Json(v)); }
    bool string(string_t& v) override { return add(Json(std::move(v))); }
    bool binary(binary_t& v) override { return add(Json::binary(std::move(v))); }
    bool start_object(std::size_t) override { return open(Json::object()); }
    bool start_array(std::size_t) override { return open(Json::array()); }
    bool end_object() override { return close(); }
    bool end_array() override { return close(); }

    bool key(string_t& k) override
    {
        m_frames.back().pending_key = std::move(k);
        return true;
    }

    bool parse_error(std::size_t position, const std::string& last_token, const nlohmann::detail::exception& e) override
    {
        std::string message = without_exception_prefix(e.what());
        if (last_token.empty() || e.id == 101) message += " (at byte " + std::to_string(position) + ")";
        throw InvalidArgument(m_file.string() + ": invalid JSON: " + message);
    }

private:
    struct Frame {
        Json value;
        bool streamed = false;
        std::string pending_key;
        std::size_t count = 0;
    };

    PathStep step_in(Frame& f)
    {
        PathStep step;
        step.in_array = f.value.is_array();
        if (!step.in_array) step.key = f.pending_key;
        step.index = f.count++;
        return step;
    }

    bool add(Json&& v)
    {
        if (m_frames.empty()) {
            m_root = std::move(v);
            return true;
        }
        Frame& f = m_frames.back();
        if (f.streamed) {
            m_path.push_back(step_in(f));
            m_handler.member(m_path, std::move(v), m_open);
            m_path.pop_back();
        } else if (f.value.is_array()) {
            ++f.count;
            f.value.push_back(std::move(v));
        } else {
            ++f.count;
            f.value[f.pending_key] = std::move(v);
        }
        return true;
    }

    bool open(Json&& container)
    {
        if (!m_frames.empty()) m_path.push_back(step_in(m_frames.back()));
        Frame f;
        f.value = std::move(container);
        f.streamed = m_handler.streams(m_path);
        m_frames.push_back(std::move(f));
        m_open.push_back(&m_frames.back().value);  // a deque keeps the others where they are
        return true;
    }

    bool close()
    {
        Frame f = std::move(m_frames.back());
        m_frames.pop_back();
        m_open.pop_back();
        if (f.streamed) m_handler.closed(m_path, m_open);
        if (m_frames.empty()) {
            m_root = std::move(f.value);
            return true;
        }
        // Back in the parent: its count already holds this member, so add it without a new step.
        const PathStep step = m_path.back();
        m_path.pop_back();
        Frame& parent = m_frames.back();
        if (parent.streamed) {
            m_path.push_back(step);
            m_handler.member(m_path, std::move(f.value), m_open);
            m_path.pop_back();
        } else if (parent.value.is_array()) {
            parent.value.push_back(std::move(f.value));
        } else {
            parent.value[step.key] = std::move(f.value);
        }
        return true;
    }

    const std::filesystem::path& m_file;
    StreamHandler& m_handler;
    std::deque<Frame> m_frames;
    std::vector<const Json*> m_open;
    Path m_path;  // of the innermost open container
    Json m_root;
};

const char* kind_of(const Json& v)
{
    switch (v.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "an array";
    case Json::value_t::string: return "a string";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return "a number";
    default: return "another kind of value";
    }
}

} // namespace

std::string path_text(const Path& path)
{
    std::string out;
    for (const auto& step : path) {
        if (step.in_array) {
            out += '[' + std::to_string(step.index) + ']';
        } else {
            if (!out.empty()) out += '.';
            out += step.key;
        }
    }
    return out;
}

Json read_json_stream(const std::filesystem::path& file, StreamHandler& handler)
{
    std::ifstream in;
    // A larger buffer than the default few KiB: the parser reads a character at a time from it.
    auto buffer = std::make_unique<char[]>(1 << 20);
    in.rdbuf()->pubsetbuf(buffer.get(), 1 << 20);
    in.open(file, std::ios::binary);
    if (!in) throw InvalidArgument(file.string() + ": cannot be read");
    Builder builder(file, handler);
    Json::sax_parse(in, &builder);
    if (in.bad()) throw InvalidArgument(file.string() + ": read failed");
    return builder.take_root();
}

void wrong_field(const std::filesystem::path& file, const std::string& field, const std::string& expected,
                 const Json* found)
{
    throw InvalidArgument(file.string() + ": " + field + ": expected " + expected + ", found " +
                          (found == nullptr ? "nothing (missing)" : kind_of(*found)));
}

} // namespace benchstore::import
