// mask_conninfo(): passwords out of any text that may quote a connection string. See
// benchstore/postgres.hpp for the contract.
#include <algorithm>
#include <cctype>
#include <string>

#include "benchstore/postgres.hpp"

namespace benchstore {

namespace {

bool is_uri_start(const std::string& lowered, std::size_t pos)
{
    return lowered.compare(pos, 13, "postgresql://") == 0 || lowered.compare(pos, 11, "postgres://") == 0;
}

// In every postgres[ql]:// URI of text (it runs to the next whitespace or quote), the password part
// of the userinfo: from the user name's ':' to the LAST '@' of the URI. libpq itself stops at the
// first '@' (or '/'), so a password holding an unencoded '@' or '/' would otherwise show its tail.
std::string mask_uri_userinfo(const std::string& text)
{
    std::string out;
    std::string lowered = text;
    std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
    std::size_t copied = 0;
    for (std::size_t pos = lowered.find("postgres"); pos != std::string::npos; pos = lowered.find("postgres", pos + 1)) {
        if (pos < copied || !is_uri_start(lowered, pos)) continue;
        const std::size_t begin = lowered.find("://", pos) + 3;
        std::size_t end = begin;
        while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) && text[end] != '"' &&
               text[end] != '\'')
            ++end;
        const std::size_t at = text.rfind('@', end == 0 ? 0 : end - 1);
        if (at == std::string::npos || at < begin) continue;
        const std::size_t colon = text.find(':', begin);
        const std::size_t from = colon != std::string::npos && colon < at ? colon + 1 : begin;
        out.append(text, copied, from - copied);
        out += "***";
        copied = at;
    }
    out.append(text, copied, std::string::npos);
    return out;
}

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// Where a quotation that holds the text ends: '"' (libpq's and the server's messages) or the
// typographic quotes around cxxopts' arguments. A value never runs past one.
std::size_t quotation_end(const std::string& text, std::size_t from)
{
    for (std::size_t i = from; i < text.size(); ++i) {
        if (text[i] == '"' || text[i] == '\n') return i;
        if (text.compare(i, 3, "\xe2\x80\x98") == 0 || text.compare(i, 3, "\xe2\x80\x99") == 0) return i;
    }
    return text.size();
}

// The end of an unquoted key=value value starting at v. libpq ends it at whitespace; a value with
// spaces (libpq refuses it, but the user typed it) runs up to the next " key=" when one follows
// before the end of the quotation, so no word of it shows.
std::size_t unquoted_value_end(const std::string& text, std::size_t v)
{
    const std::size_t limit = quotation_end(text, v);
    std::size_t e = v;
    while (e < limit && !is_space(text[e])) ++e;
    for (std::size_t w = e; w < limit; ++w) {
        if (!is_space(text[w])) continue;
        std::size_t k = w;
        while (k < limit && is_space(text[k])) ++k;
        const std::size_t word = k;
        while (k < limit && is_word_char(text[k])) ++k;
        if (k == word || std::isdigit(static_cast<unsigned char>(text[word]))) continue;
        while (k < limit && is_space(text[k])) ++k;
        if (k < limit && text[k] == '=') return w;
    }
    return e;
}

// Replaces the value after every password= / sslpassword= (any case) with "***", and nothing
// else: the text around it stays. In a URI query (after '?' or '&') the value runs to the next
// '&', whitespace or quote. Elsewhere (key=value) it is a quoted value up to its closing quote,
// or unquoted (see unquoted_value_end). Hand-written rather than std::regex, whose backtracking
// recurses once per character of the text.
std::string mask_password_values(const std::string& text)
{
    std::string lowered = text;
    std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string out;
    std::size_t copied = 0;
    for (std::size_t pos = lowered.find("password"); pos != std::string::npos; pos = lowered.find("password", pos + 1)) {
        if (pos < copied) continue;
        std::size_t key = pos;
        if (key >= 3 && lowered.compare(key - 3, 3, "ssl") == 0) key -= 3;
        const char before = key > 0 ? text[key - 1] : ' ';
        if (is_word_char(before)) continue;
        const bool in_query = before == '?' || before == '&';
        std::size_t v = pos + 8;
        if (!in_query)
            while (v < text.size() && is_space(text[v])) ++v;
        if (v >= text.size() || text[v] != '=') continue;
        ++v;
        if (!in_query)
            while (v < text.size() && is_space(text[v])) ++v;
        std::size_t e = v;
        if (in_query) {
            const std::size_t limit = quotation_end(text, v);
            while (e < limit && text[e] != '&' && !is_space(text[e]) && text[e] != '\'') ++e;
        } else if (v < text.size() && text[v] == '\'') {
            // Quoted: to the closing quote, whatever follows it; an unclosed one hides the rest.
            std::size_t q = v + 1;
            while (q < text.size() && text[q] != '\'') q += text[q] == '\\' ? 2 : 1;
            e = std::min(q + 1, text.size());
        } else {
            e = unquoted_value_end(text, v);
        }
        out.append(text, copied, v - copied);
        out += "***";
        copied = e;
    }
    out.append(text, copied, std::string::npos);
    return out;
}

} // namespace

std::string mask_conninfo(const std::string& text)
{
    // Password values first, so an '@' in a query password cannot pass for the userinfo's end.
    return mask_uri_userinfo(mask_password_values(text));
}

} // namespace benchstore
