// Monitor samples from INFO text, rates between samples, and the Prometheus / Nagios renderings of a sample.
#include "cli/monitor_format.h"
#include "cli/monitor_view.h"
#include "redis/connection.h"
#include "repo/health_sample.h"

#include <catch2/catch.hpp>

using redops::repo::HealthSample;

namespace {

const char* const k_info = "# Server\r\nredis_version:7.2.4\r\nredis_mode:standalone\r\nuptime_in_seconds:120\r\n"
                           "\r\n# Clients\r\nconnected_clients:5\r\nblocked_clients:1\r\n"
                           "\r\n# Memory\r\nused_memory:1000\r\nused_memory_peak:1500\r\nmaxmemory:4000\r\n"
                           "maxmemory_policy:allkeys-lru\r\nmem_fragmentation_ratio:1.25\r\n"
                           "\r\n# Persistence\r\nrdb_last_bgsave_status:ok\r\naof_enabled:0\r\n"
                           "\r\n# Stats\r\ntotal_commands_processed:500\r\ninstantaneous_ops_per_sec:42\r\n"
                           "rejected_connections:2\r\nexpired_keys:7\r\nevicted_keys:10\r\n"
                           "keyspace_hits:30\r\nkeyspace_misses:10\r\n"
                           "\r\n# Replication\r\nrole:slave\r\nmaster_link_status:up\r\nmaster_last_io_seconds_ago:3\r\n";

HealthSample parsed(long long time_ms = 1'000'000)
{
    HealthSample s;
    s.time_ms = time_ms;
    s.healthy = true;
    redops::repo::apply_info(s, redops::redis::parse_info(k_info));
    return s;
}

} // namespace

TEST_CASE("a sample takes every figure from one INFO reply", "[monitor][sample]")
{
    HealthSample s = parsed();
    CHECK(s.version == "7.2.4");
    CHECK(s.role == "slave");
    CHECK(s.uptime_s == 120);
    CHECK(s.used_memory == 1000);
    CHECK(s.used_memory_peak == 1500);
    CHECK(s.maxmemory == 4000);
    CHECK(s.maxmemory_policy == "allkeys-lru");
    CHECK(s.mem_fragmentation_ratio == Approx(1.25));
    CHECK(s.evicted_keys == 10);
    CHECK(s.expired_keys == 7);
    CHECK(s.connected_clients == 5);
    CHECK(s.blocked_clients == 1);
    CHECK(s.rejected_connections == 2);
    CHECK(s.ops_per_sec == 42);
    REQUIRE(s.hit_ratio.has_value());
    CHECK(*s.hit_ratio == Approx(0.75));
    CHECK(s.master_link_status == "up");
    CHECK(s.replication_lag_s == 3);
    CHECK(s.rdb_last_bgsave_status == "ok");
    CHECK_FALSE(s.aof_enabled);
    CHECK(redops::repo::memory_percent(s) == Approx(25.0));
}

TEST_CASE("no lookups means no hit ratio and no maxmemory no percent and link down no lag", "[monitor][sample]")
{
    HealthSample s;
    redops::repo::apply_info(s, redops::redis::parse_info("keyspace_hits:0\r\nkeyspace_misses:0\r\nmaxmemory:0\r\n"
                                                          "master_last_io_seconds_ago:-1\r\n"));
    CHECK_FALSE(s.hit_ratio.has_value());
    CHECK_FALSE(redops::repo::memory_percent(s).has_value());
    CHECK_FALSE(s.replication_lag_s.has_value());
}

TEST_CASE("rates come from the difference between two samples", "[monitor][sample]")
{
    HealthSample before = parsed(1'000'000);
    HealthSample after = parsed(1'002'000);
    after.evicted_keys = 30;
    after.expired_keys = 9;
    after.total_commands_processed = 700;
    after.uptime_s = 122;
    redops::repo::apply_rates(after, before);
    CHECK(after.evictions_per_s == Approx(10.0));
    CHECK(after.expirations_per_s == Approx(1.0));
    CHECK(after.commands_per_s == Approx(100.0));

    HealthSample restarted = parsed(1'004'000);
    restarted.uptime_s = 1;
    restarted.evicted_keys = 0;
    redops::repo::apply_rates(restarted, after);
    CHECK_FALSE(restarted.evictions_per_s.has_value());
}

TEST_CASE("prometheus text has HELP and TYPE before every metric", "[monitor][prometheus]")
{
    std::string text = redops::cli::prometheus_text(parsed());
    CHECK(text.find("# HELP redops_up ") != std::string::npos);
    CHECK(text.find("# TYPE redops_up gauge\nredops_up 1\n") != std::string::npos);
    CHECK(text.find("# TYPE redops_evicted_keys_total counter\nredops_evicted_keys_total 10\n") != std::string::npos);
    CHECK(text.find("redops_memory_used_bytes 1000\n") != std::string::npos);
    CHECK(text.find("redops_info{role=\"slave\",version=\"7.2.4\"} 1\n") != std::string::npos);

    HealthSample down;
    down.error = "connection refused";
    CHECK(redops::cli::prometheus_text(down) == "# HELP redops_up 1 when Redis answered PING and INFO\n"
                                                "# TYPE redops_up gauge\nredops_up 0\n");
}

TEST_CASE("check verdicts: thresholds map to Nagios states", "[monitor][check]")
{
    using redops::cli::check_verdict;
    using redops::cli::CheckThresholds;
    HealthSample s = parsed();
    s.latency_ms = 5;
    CHECK(check_verdict(s, {}).exit_code == 0);
    CHECK(check_verdict(s, {}).line.rfind("REDIS OK - ", 0) == 0);
    CHECK(check_verdict(s, CheckThresholds{.warn_latency_ms = 1}).exit_code == 1);
    CHECK(check_verdict(s, CheckThresholds{.warn_latency_ms = 1, .crit_latency_ms = 4}).exit_code == 2);
    CHECK(check_verdict(s, CheckThresholds{.warn_memory_pct = 20}).exit_code == 1);
    CHECK(check_verdict(s, CheckThresholds{.warn_memory_pct = 30}).exit_code == 0);
    CHECK(check_verdict(s, CheckThresholds{.crit_memory_pct = 24}).exit_code == 2);
    s.evictions_per_s = 3;
    CHECK(check_verdict(s, CheckThresholds{.crit_evictions_per_s = 2}).exit_code == 2);
    auto warn = check_verdict(s, CheckThresholds{.warn_memory_pct = 20});
    CHECK(warn.line.rfind("REDIS WARNING - memory 25.0% > 20%", 0) == 0);
    CHECK(warn.line.find("| latency=5.000ms;;;0 memory=25.00%;20;;0;100") != std::string::npos);
    HealthSample down;
    down.error = "refused";
    CHECK(check_verdict(down, {}).exit_code == 2);
}

TEST_CASE("sparkline scales between the lowest and highest value with failures as a cross", "[monitor][view]")
{
    CHECK(redops::cli::sparkline({}).empty());
    CHECK(redops::cli::sparkline({1, 8, -1, 4.5}) == "▁█×▅");
    CHECK(redops::cli::sparkline({2, 2}) == "▁▁");
}

TEST_CASE("check perfdata marks memory unknown without maxmemory", "[monitor][check]")
{
    HealthSample s = parsed();
    s.maxmemory = 0;
    CHECK(redops::cli::check_verdict(s, {}).line.find(" memory=U;;;0;100 ") != std::string::npos);
}

TEST_CASE("a cluster sample sums its nodes and takes the worst latency and fullest node", "[monitor][sample][cluster]")
{
    HealthSample a = parsed();
    a.role = "master";
    a.address = "127.0.0.1:7000";
    a.latency_ms = 0.5;
    a.cluster_state = "ok";
    HealthSample b = a;
    b.address = "127.0.0.1:7001";
    b.latency_ms = 2.5;
    b.used_memory = 3800; // 95 % of its 4000
    b.master_link_status.clear();
    HealthSample replica = a;
    replica.role = "slave";
    replica.address = "127.0.0.1:7002";
    replica.master_link_status = "down";

    HealthSample total = redops::repo::aggregate_nodes({a, b, replica}, 5);
    CHECK(total.healthy);
    CHECK(total.role == "cluster");
    CHECK(total.nodes.size() == 3);
    CHECK(total.latency_ms == 2.5);
    CHECK(total.used_memory == 1000 + 3800 + 1000);
    CHECK(total.maxmemory == 12'000);
    CHECK(total.evicted_keys == 30);
    CHECK(total.connected_clients == 15);
    CHECK(total.master_link_status == "down");
    CHECK(*total.hit_ratio == Approx(0.75));
    CHECK(*redops::repo::memory_percent(total) == Approx(95.0));

    SECTION("a primary that does not answer makes the cluster unhealthy, a replica does not")
    {
        HealthSample down;
        down.role = "replica";
        down.address = "127.0.0.1:7003";
        down.error = "connection refused";
        CHECK(redops::repo::aggregate_nodes({a, b, down}, 5).healthy);
        down.role = "master";
        HealthSample broken = redops::repo::aggregate_nodes({a, b, down}, 5);
        CHECK_FALSE(broken.healthy);
        CHECK(broken.error.find("127.0.0.1:7003") != std::string::npos);
        CHECK(broken.latency_ms == 2.5);
    }
    SECTION("a node that says cluster_state fail makes it unhealthy")
    {
        b.cluster_state = "fail";
        HealthSample failing = redops::repo::aggregate_nodes({a, b}, 5);
        CHECK_FALSE(failing.healthy);
        CHECK(failing.cluster_state == "fail");
    }
}
