// Monitor samples from INFO text, rates between samples, and the Prometheus / Nagios renderings of a sample.
#include "cli/monitor_format.h"
#include "cli/monitor_sampler.h"
#include "cli/monitor_view.h"
#include "redis/connection.h"
#include "repo/health_sample.h"

#include <catch2/catch.hpp>

using redops::repo::HealthSample;

namespace {

const char* const k_info =
    "# Server\r\nredis_version:7.2.4\r\nredis_mode:standalone\r\nuptime_in_seconds:120\r\n"
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

TEST_CASE("prometheus text uses redis_exporter names and types and HELP and TYPE before every family",
          "[monitor][prometheus]")
{
    HealthSample s = parsed();
    s.master_host = "10.0.0.5";
    s.master_port = "6379";
    s.dbs = {{0, 12, 3}, {2, 1, 0}};
    std::string text = redops::cli::prometheus_text(s);
    CHECK(text.rfind("# HELP redis_up ", 0) == 0);
    CHECK(text.find("# TYPE redis_up gauge\nredis_up 1\n") != std::string::npos);
    CHECK(text.find("# TYPE redis_evicted_keys_total counter\nredis_evicted_keys_total 10\n") != std::string::npos);
    CHECK(text.find("# TYPE redis_commands_processed_total counter\nredis_commands_processed_total 500\n") !=
          std::string::npos);
    CHECK(text.find("# TYPE redis_uptime_in_seconds gauge\nredis_uptime_in_seconds 120\n") != std::string::npos);
    CHECK(text.find("\nredis_memory_used_bytes 1000\n") != std::string::npos);
    CHECK(text.find("\nredis_memory_max_bytes 4000\n") != std::string::npos);
    CHECK(text.find("\nredis_db_keys{db=\"db0\"} 12\nredis_db_keys{db=\"db2\"} 1\n") != std::string::npos);
    CHECK(text.find("\nredis_db_keys_expiring{db=\"db0\"} 3\n") != std::string::npos);
    CHECK(text.find("\nredis_master_link_up{master_host=\"10.0.0.5\",master_port=\"6379\"} 1\n") != std::string::npos);
    CHECK(
        text.find("redis_instance_info{role=\"slave\",redis_version=\"7.2.4\",maxmemory_policy=\"allkeys-lru\"} 1\n") !=
        std::string::npos);
    CHECK(text.find("\nredops_healthy 1\n") != std::string::npos);
    CHECK(text.find("redops_up") == std::string::npos);

    HealthSample down;
    down.error = "connection refused";
    CHECK(redops::cli::prometheus_text(down) ==
          "# HELP redis_up 1 when Redis answered PING and INFO\n# TYPE redis_up gauge\nredis_up 0\n"
          "# HELP redops_healthy 1 when the sample is healthy: Redis answered and no replica has lost its master link\n"
          "# TYPE redops_healthy gauge\nredops_healthy 0\n");
}

TEST_CASE("check verdicts: range thresholds map to Nagios states with perfdata", "[monitor][check]")
{
    using redops::cli::check_verdict;
    using redops::cli::CheckThresholds;
    auto r = [](const char* text) { return redops::output::parse_nagios_range(text); };
    HealthSample s = parsed();
    s.latency_ms = 5;
    CHECK(check_verdict(s, {}).exit_code == 0);
    CHECK(check_verdict(s, {}).line.rfind("REDIS OK - ", 0) == 0);
    CHECK(check_verdict(s, CheckThresholds{.warn_latency_ms = r("1")}).exit_code == 1);
    CHECK(check_verdict(s, CheckThresholds{.warn_latency_ms = r("1"), .crit_latency_ms = r("4")}).exit_code == 2);
    CHECK(check_verdict(s, CheckThresholds{.warn_latency_ms = r("@4:6")}).exit_code == 1);
    CHECK(check_verdict(s, CheckThresholds{.crit_latency_ms = r("10:")}).exit_code == 2);
    CHECK(check_verdict(s, CheckThresholds{.warn_memory_pct = r("20")}).exit_code == 1);
    CHECK(check_verdict(s, CheckThresholds{.warn_memory_pct = r("30")}).exit_code == 0);
    CHECK(check_verdict(s, CheckThresholds{.crit_memory_pct = r("24")}).exit_code == 2);
    s.evictions_per_s = 3;
    CHECK(check_verdict(s, CheckThresholds{.crit_evictions_per_s = r("2")}).exit_code == 2);
    CHECK(check_verdict(s, CheckThresholds{.crit_lag_s = r("2")}).exit_code == 2); // the replica's 3 s
    CHECK(check_verdict(s, CheckThresholds{.warn_lag_s = r("~:5")}).exit_code == 0);
    auto warn = check_verdict(s, CheckThresholds{.warn_memory_pct = r("20")});
    CHECK(warn.line.rfind("REDIS WARNING - memory 25.0% > 20%", 0) == 0);
    CHECK(warn.line.find("| 'latency'=5ms;;;0; 'memory'=25%;20;;0;100 'evictions'=3;;;0; 'master_link_up'=1;;1:;0;1 "
                         "'replication_lag'=3s;;;0;") != std::string::npos);
    HealthSample down;
    down.error = "refused";
    CHECK(check_verdict(down, {}).exit_code == 2);
    CHECK(check_verdict(down, {}).line == "REDIS CRITICAL - refused | 'latency'=U;;;0;");

    HealthSample cut_off = parsed();
    redops::repo::apply_info(cut_off, redops::redis::parse_info("master_link_status:down\r\n"));
    auto critical = check_verdict(cut_off, {});
    CHECK(critical.exit_code == 2);
    CHECK(critical.line.rfind("REDIS CRITICAL - replica: master link down", 0) == 0);
    CHECK(critical.line.find("'master_link_up'=0;;1:;0;1") != std::string::npos);
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
    CHECK(redops::cli::check_verdict(s, {}).line.find(" 'memory'=U;;;0;100 ") != std::string::npos);
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
    replica.master_link_status = "up";

    HealthSample total = redops::repo::aggregate_nodes({a, b, replica}, 5);
    CHECK(total.healthy);
    CHECK(total.reachable);
    CHECK(total.role == "cluster");
    CHECK(total.nodes.size() == 3);
    CHECK(total.latency_ms == 2.5);
    CHECK(total.used_memory == 1000 + 3800 + 1000);
    CHECK(total.maxmemory == 12'000);
    CHECK(total.evicted_keys == 30);
    CHECK(total.connected_clients == 15);
    CHECK(total.master_link_status == "up");
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
    SECTION("a replica whose master link is down makes the cluster unhealthy but its figures stay")
    {
        replica.master_link_status = "down";
        replica.healthy = false;
        replica.error = "replica of 127.0.0.1:7000: master link down";
        HealthSample degraded = redops::repo::aggregate_nodes({a, b, replica}, 5);
        CHECK(degraded.reachable);
        CHECK_FALSE(degraded.healthy);
        CHECK(degraded.master_link_status == "down");
        CHECK(degraded.error.find("127.0.0.1:7002") != std::string::npos);
        CHECK(degraded.used_memory == 1000 + 3800 + 1000);
    }
    SECTION("a node that says cluster_state fail makes it unhealthy")
    {
        b.cluster_state = "fail";
        HealthSample failing = redops::repo::aggregate_nodes({a, b}, 5);
        CHECK_FALSE(failing.healthy);
        CHECK(failing.cluster_state == "fail");
    }
}

TEST_CASE("a replica whose master link is down is reachable but unhealthy and says since when", "[monitor][sample]")
{
    HealthSample s;
    redops::repo::apply_info(s,
                             redops::redis::parse_info(
                                 "role:slave\r\nmaster_host:10.0.0.5\r\nmaster_port:6379\r\nmaster_link_status:down\r\n"
                                 "master_last_io_seconds_ago:-1\r\nmaster_link_down_since_seconds:42\r\n"));
    CHECK(s.reachable);
    CHECK_FALSE(s.healthy);
    CHECK(s.error == "replica of 10.0.0.5:6379: master link down for 42s");
    CHECK_FALSE(s.replication_lag_s);
    HealthSample up;
    redops::repo::apply_info(up, redops::redis::parse_info("role:slave\r\nmaster_link_status:up\r\n"
                                                           "master_link_down_since_seconds:0\r\n"));
    CHECK(up.healthy);
    CHECK(up.error.empty());
    CHECK_FALSE(up.master_link_down_s);
}

TEST_CASE("a primary's sample takes keys per db and its replicas' worst lag in seconds and bytes", "[monitor][sample]")
{
    HealthSample s;
    redops::repo::apply_info(
        s, redops::redis::parse_info(
               "role:master\r\nconnected_slaves:2\r\n"
               "slave0:ip=10.0.0.6,port=6379,state=online,offset=900,lag=1\r\n"
               "slave1:ip=10.0.0.7,port=6379,state=online,offset=1000,lag=4\r\n"
               "master_repl_offset:1000\r\ntotal_net_input_bytes:77\r\ntotal_net_output_bytes:88\r\n"
               "\r\n# Keyspace\r\ndb0:keys=12,expires=3,avg_ttl=0\r\ndb5:keys=1,expires=0,avg_ttl=0\r\n"
               "dbx:keys=9\r\n"));
    CHECK(s.healthy);
    CHECK(s.connected_replicas == 2);
    CHECK(s.replication_lag_s == 4);
    CHECK(s.replication_lag_bytes == 100);
    CHECK(s.net_input_bytes == 77);
    CHECK(s.net_output_bytes == 88);
    REQUIRE(s.dbs.size() == 2);
    CHECK(s.dbs[0].db == 0);
    CHECK(s.dbs[0].keys == 12);
    CHECK(s.dbs[0].expires == 3);
    CHECK(s.dbs[1].db == 5);
}

TEST_CASE("monitor events are one per line: recovery and a new primary are two events", "[monitor][events]")
{
    redops::cli::SeenState seen;
    HealthSample first = parsed();
    first.address = "10.0.0.1:6379";
    CHECK(redops::cli::transitions(first, seen).empty());
    HealthSample down;
    down.time_ms = 1'001'000;
    down.error = "connection refused";
    auto lost = redops::cli::transitions(down, seen);
    REQUIRE(lost.size() == 1);
    CHECK(lost[0].find("unhealthy — degraded mode: connection refused") != std::string::npos);
    HealthSample back = parsed(1'002'000);
    back.address = "10.0.0.2:6379";
    auto events = redops::cli::transitions(back, seen);
    REQUIRE(events.size() == 2);
    CHECK(events[0].find("redops: monitor: recovered") != std::string::npos);
    CHECK(events[1].find("redops: monitor: primary is now 10.0.0.2:6379 (was 10.0.0.1:6379)") != std::string::npos);
    for (const auto& e : events) {
        CHECK(e.find('\n') == std::string::npos);
    }
}
