#include "cli/monitor_sampler.h"

#include "cli/error_words.h"
#include "common/clock.h"
#include "common/error.h"
#include "config/duration.h"
#include "config/settings.h"
#include "output/time_format.h"
#include "repo/health_repository.h"

#include <fmt/format.h>

#include <chrono>

namespace redops::cli {

namespace {

bool is_setup_error(const Error& e)
{
    return e.kind() == ErrorKind::usage || e.kind() == ErrorKind::config;
}

} // namespace

std::optional<repo::KeyCensus> make_key_census(const MonitorOptions& o, const config::Settings& settings,
                                               bool whole_pass)
{
    if (!o.keys && !o.keys_exact) {
        return std::nullopt;
    }
    std::vector<config::KeyTemplate> templates;
    for (const auto& kind : config::key_kinds()) {
        templates.push_back(config::key_template_setting(settings.keys, kind.name).value);
    }
    std::optional<std::chrono::milliseconds> budget;
    if (whole_pass || o.keys_exact) {
        budget = o.keys_budget;
    }
    repo::CensusSettings census;
    census.scan_count = settings.defaults.scan_count.value;
    census.lock_ttl_ms = settings.defaults.lock_ttl.value.count();
    census.token_safety_buffer_ms = settings.defaults.token_safety_buffer_s.value * 1000;
    census.session_template = settings.keys.session.value;
    return repo::KeyCensus(repo::KeyClassifier(std::move(templates)), std::move(census), budget);
}

repo::HealthSample Sampler::take()
{
    const bool reused = m_client != nullptr;
    const std::optional<repo::HealthSample> previous = m_previous;
    repo::HealthSample sample = take_once();
    if (reused && !sample.reachable) {
        // The server may just have closed a connection idle for longer than its `timeout` (an --interval
        // longer than that): one sample on a fresh connection before saying unhealthy.
        m_client.reset();
        m_previous = previous;
        sample = take_once();
    }
    return sample;
}

repo::HealthSample Sampler::take_once()
{
    try {
        follow_sentinels();
        if (!m_client) {
            m_client = m_ctx.client_factory().make();
        }
        repo::HealthSample sample = repo::HealthRepository(*m_client).sample();
        if (m_client->topology() == "sentinel" && sample.role != "master") {
            // Demoted since we connected: ask the sentinels again.
            m_client = m_ctx.client_factory().make();
            m_previous.reset();
            sample = repo::HealthRepository(*m_client).sample();
        }
        if (!sample.reachable) {
            m_client.reset(); // a cluster with a node down: read the topology afresh next time
        }
        if (m_previous) {
            repo::apply_rates(sample, *m_previous);
        }
        m_previous = sample;
        if (m_census && m_client) {
            sample.keys = m_census->step(*m_client);
        } else if (m_census) {
            m_census->restart(); // a node did not answer: its cursor may mean nothing next time
        }
        return sample;
    } catch (const Error& e) {
        if (is_setup_error(e)) {
            throw; // not a Redis outage: it will not heal by sampling again
        }
        if (m_census) {
            m_census->restart();
        }
        m_client.reset();
        repo::HealthSample failed;
        failed.time_ms = now_ms();
        failed.error = in_user_words(e);
        return failed;
    }
}

// After a failover the old primary keeps answering as master until the sentinels demote it, seconds later;
// what the sentinels name is the primary the services use, so sample that one from the first moment.
void Sampler::follow_sentinels()
{
    const redis::ClientFactory& factory = m_ctx.client_factory();
    if (!m_client || !factory.uses_sentinel()) {
        return;
    }
    auto named = factory.sentinel_named_primary();
    if (named && named->describe() != m_client->nodes().front().options.endpoint.describe()) {
        m_client.reset();
        m_previous.reset(); // no rates across two different servers
    }
}

std::vector<std::string> transitions(const repo::HealthSample& s, SeenState& seen)
{
    std::vector<std::string> events;
    const std::string time = output::rfc3339_utc_ms(s.time_ms);
    std::optional<bool>& was_healthy = seen.healthy;
    if (s.healthy && was_healthy.has_value() && !*was_healthy) {
        events.push_back(fmt::format("{} redops: monitor: recovered", time));
    }
    if (s.reachable && !seen.address.empty() && !s.address.empty() && s.address != seen.address) {
        // Only a sentinel failover moves the primary under a running monitor.
        events.push_back(fmt::format("{} redops: monitor: primary is now {} (was {})", time, s.address, seen.address));
    }
    if (s.reachable) {
        seen.address = s.address;
    }
    if (!s.healthy && was_healthy.value_or(true)) {
        events.push_back(fmt::format("{} redops: monitor: unhealthy — degraded mode: {}", time, s.error));
    }
    was_healthy = s.healthy;
    return events;
}

} // namespace redops::cli
