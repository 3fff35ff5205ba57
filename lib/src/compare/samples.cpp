#include "compare/samples.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "benchstore/error.hpp"

namespace benchstore::compare_ {
namespace {

void add_unique(std::vector<std::string>& list, std::string_view value)
{
    if (value.empty()) return;
    if (std::find(list.begin(), list.end(), value) == list.end()) list.emplace_back(value);
}

// host_info as JSON with its keys sorted (nlohmann::json keeps objects in a sorted map), so the store's
// text and the server's jsonb text of one fingerprint are one key; text that is not JSON stays as it is.
std::string canonical_fingerprint(std::string_view host_info)
{
    if (host_info.empty()) return {};
    const auto parsed = nlohmann::json::parse(host_info, nullptr, false);
    return parsed.is_discarded() ? std::string(host_info) : parsed.dump();
}

} // namespace

Host host_of(std::string_view name, std::string_view host_info)
{
    Host h;
    h.name = name;
    const std::string fingerprint = canonical_fingerprint(host_info);
    h.key = h.name + '\x1f' + fingerprint;
    h.description = fingerprint.empty() ? h.name : h.name + " " + fingerprint;
    return h;
}

void IdentitySamples::add(const std::string& metric, Side side, double value)
{
    auto [it, inserted] = values.try_emplace(metric);
    if (inserted && metric.rfind("device.", 0) != 0) metrics.push_back(metric);
    it->second[side].push_back(value);
}

void SampleCollector::start_side(Side side)
{
    m_side = side;
    m_identity_of.clear();
}

void SampleCollector::benchmark(const BenchmarkFacts& facts)
{
    CompareSide& s = m_samples.sides[m_side];
    ++s.benchmarks;
    add_unique(s.runs, facts.run_id);
    add_unique(s.commits, facts.commit_id);
    if (facts.host.empty()) ++m_samples.without_host;
    Host host = host_of(facts.host, facts.host_info);
    add_unique(s.hosts, host.description);
    add_unique(m_samples.host_keys[m_side], host.key);
    if (std::none_of(m_samples.hosts.begin(), m_samples.hosts.end(), [&](const Host& h) { return h.key == host.key; }))
        m_samples.hosts.push_back(host);

    const std::string key = host.key + '\x1e' + std::string(facts.module) + '\x1f' + std::string(facts.metadata);
    auto [it, inserted] = m_index.emplace(key, m_samples.identities.size());
    if (inserted) {
        IdentitySamples identity;
        identity.host_key = host.key;
        identity.module = facts.module;
        identity.metadata = facts.metadata;
        m_samples.identities.push_back(std::move(identity));
    }
    ++m_samples.identities[it->second].benchmarks[m_side];
    m_identity_of.emplace(facts.ref, it->second);
}

IdentitySamples& SampleCollector::of(std::string_view ref)
{
    const auto it = m_identity_of.find(std::string(ref));
    if (it == m_identity_of.end())
        throw StoreError("measurement row for benchmark " + std::string(ref) + ", which the side did not select");
    return m_samples.identities[it->second];
}

void SampleCollector::value(std::string_view ref, const std::string& metric, double value)
{
    of(ref).add(metric, m_side, value);
}

void SampleCollector::device(std::string_view ref, const std::array<std::optional<double>, 4>& figures)
{
    auto& identity = of(ref);
    for (std::size_t i = 0; i < figures.size(); ++i)
        if (figures[i]) identity.add(device_metrics[i], m_side, *figures[i]);
}

// Device figures go after every model metric.
void SampleCollector::finish()
{
    for (auto& identity : m_samples.identities)
        for (const char* metric : device_metrics)
            if (identity.values.count(metric) &&
                std::find(identity.metrics.begin(), identity.metrics.end(), metric) == identity.metrics.end())
                identity.metrics.emplace_back(metric);
}

std::string identity_text(const std::string& module, const std::string& metadata)
{
    return module.empty() ? metadata : module + " " + metadata;
}

} // namespace benchstore::compare_
