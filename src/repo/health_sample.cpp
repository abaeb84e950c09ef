#include "repo/health_sample.h"

#include "redis/connection.h"
#include "repo/health_repository.h"

#include <charconv>
#include <chrono>
#include <cstdlib>
#include <string_view>

namespace redops::repo {

namespace {

long long to_integer(const std::string& text)
{
    long long value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

double to_double(const std::string& text)
{
    // strtod, not from_chars: libstdc++ before 11 lacks the floating-point overload.
    return text.empty() ? 0.0 : std::strtod(text.c_str(), nullptr);
}

std::optional<double> rate(long long now, long long before, double seconds)
{
    if (now < before || seconds <= 0) {
        return std::nullopt;
    }
    return static_cast<double>(now - before) / seconds;
}

} // namespace

void apply_info(HealthSample& s, const std::vector<std::pair<std::string, std::string>>& info)
{
    auto has_lag = false;
    for (const auto& [name, value] : info) {
        if (name == "role") { s.role = value; }
        else if (name == "redis_version") { s.version = value; }
        else if (name == "uptime_in_seconds") { s.uptime_s = to_integer(value); }
        else if (name == "used_memory") { s.used_memory = to_integer(value); }
        else if (name == "used_memory_peak") { s.used_memory_peak = to_integer(value); }
        else if (name == "maxmemory") { s.maxmemory = to_integer(value); }
        else if (name == "maxmemory_policy") { s.maxmemory_policy = value; }
        else if (name == "mem_fragmentation_ratio") { s.mem_fragmentation_ratio = to_double(value); }
        else if (name == "evicted_keys") { s.evicted_keys = to_integer(value); }
        else if (name == "expired_keys") { s.expired_keys = to_integer(value); }
        else if (name == "connected_clients") { s.connected_clients = to_integer(value); }
        else if (name == "blocked_clients") { s.blocked_clients = to_integer(value); }
        else if (name == "rejected_connections") { s.rejected_connections = to_integer(value); }
        else if (name == "instantaneous_ops_per_sec") { s.ops_per_sec = to_integer(value); }
        else if (name == "total_commands_processed") { s.total_commands_processed = to_integer(value); }
        else if (name == "keyspace_hits") { s.keyspace_hits = to_integer(value); }
        else if (name == "keyspace_misses") { s.keyspace_misses = to_integer(value); }
        else if (name == "master_link_status") { s.master_link_status = value; }
        else if (name == "master_last_io_seconds_ago") { s.replication_lag_s = to_integer(value); has_lag = true; }
        else if (name == "rdb_last_bgsave_status") { s.rdb_last_bgsave_status = value; }
        else if (name == "aof_enabled") { s.aof_enabled = value == "1"; }
        else if (name == "aof_last_write_status") { s.aof_last_write_status = value; }
        else if (name == "cluster_state") { s.cluster_state = value; }
    }
    // A replica whose link is down reports -1 seconds: the lag is unknown, not negative.
    if (has_lag && *s.replication_lag_s < 0) {
        s.replication_lag_s.reset();
    }
    long long lookups = s.keyspace_hits + s.keyspace_misses;
    if (lookups > 0) {
        s.hit_ratio = static_cast<double>(s.keyspace_hits) / static_cast<double>(lookups);
    }
}

void apply_rates(HealthSample& current, const HealthSample& previous)
{
    if (!current.healthy || !previous.healthy || current.uptime_s < previous.uptime_s) {
        return;
    }
    double seconds = static_cast<double>(current.time_ms - previous.time_ms) / 1000.0;
    current.evictions_per_s = rate(current.evicted_keys, previous.evicted_keys, seconds);
    current.expirations_per_s = rate(current.expired_keys, previous.expired_keys, seconds);
    current.commands_per_s = rate(current.total_commands_processed, previous.total_commands_processed, seconds);
}

std::optional<double> memory_percent(const HealthSample& sample)
{
    if (sample.maxmemory <= 0) {
        return std::nullopt;
    }
    return 100.0 * static_cast<double>(sample.used_memory) / static_cast<double>(sample.maxmemory);
}

HealthSample HealthRepository::sample()
{
    using Clock = std::chrono::steady_clock;
    HealthSample s;
    s.time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
    auto start = Clock::now();
    m_client.call(redis::cmd("PING"));
    s.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    apply_info(s, redis::parse_info(m_client.call(redis::cmd("INFO")).as_string("INFO")));
    s.healthy = true;
    return s;
}

} // namespace redops::repo
