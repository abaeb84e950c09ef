// Replica health end to end: a real primary and replica, the primary killed; the link state in monitor's JSON,
// Nagios verdict (checked by the monitoring-plugins parser), Prometheus metrics (promtool) and ping.
#include "monitoring_tools.h"
#include "process.h"
#include "redis/client.h"
#include "redis/connection.h"
#include "redis_server.h"
#include "spawned_process.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using redops::test::RedisServer;
using redops::test::run_redops;
using json = nlohmann::json;

namespace {

std::string replication_info(const RedisServer& server)
{
    redops::redis::StandaloneClient client(server.options());
    return client.call(redops::redis::cmd("INFO", "replication")).as_string("INFO");
}

bool link_is(const RedisServer& replica, const std::string& state)
{
    return replication_info(replica).find("master_link_status:" + state) != std::string::npos;
}

// The parser's "status=… items=… unknown_values=… threshold_status=…" line.
std::string parsed_summary(const std::string& line)
{
    auto r = redops::test::nagios_parse("line", line);
    INFO(line << "\nparser: " << r.out << r.err);
    REQUIRE(r.exit_code == 0);
    return r.out.substr(r.out.find("status="));
}

} // namespace

TEST_CASE("a replica is healthy while its link is up and CRITICAL with metrics saying so once its primary dies",
          "[cli][monitor][replica]")
{
    RedisServer primary;
    RedisServer replica;
    redops::redis::StandaloneClient(replica.options())
        .call(redops::redis::cmd("REPLICAOF", "127.0.0.1", std::to_string(primary.port())));
    REQUIRE(redops::test::eventually([&] { return link_is(replica, "up"); }, std::chrono::seconds(10)));
    const std::string master = "127.0.0.1:" + std::to_string(primary.port());

    auto up = run_redops({"--url", replica.url(), "monitor", "--check", "--warn-lag", "~:30"});
    INFO(up.out << up.err);
    CHECK(up.exit_code == 0);
    CHECK(up.out.find("'master_link_up'=1;;1:;0;1") != std::string::npos);
    CHECK(parsed_summary(up.out).rfind("status=OK items=", 0) == 0);
    auto up_ping = run_redops({"--url", replica.url(), "ping", "-o", "json"});
    CHECK(up_ping.exit_code == 0);
    CHECK(json::parse(up_ping.out)["nodes"][0]["master_link_status"] == "up");

    // The primary's side: its replica's lag in seconds and bytes, held to thresholds (~:-1 alerts on any lag).
    auto lag = run_redops({"--url", primary.url(), "monitor", "--check", "--crit-lag-bytes", "~:-1"});
    INFO(lag.out);
    CHECK(lag.exit_code == 2);
    CHECK(lag.out.find("B;;~:-1;0;") != std::string::npos);
    CHECK(lag.out.find("'replication_lag_bytes'=") != std::string::npos);
    CHECK(lag.out.find("'replication_lag'=") != std::string::npos);
    CHECK(parsed_summary(lag.out).find("threshold_status=CRITICAL") != std::string::npos);

    primary.stop();
    REQUIRE(redops::test::eventually([&] { return link_is(replica, "down"); }, std::chrono::seconds(10)));

    auto check = run_redops({"--url", replica.url(), "monitor", "--check", "--warn-lag", "~:30"});
    INFO(check.out << check.err);
    CHECK(check.exit_code == 2);
    CHECK(check.out.rfind("REDIS CRITICAL - replica of " + master + ": master link down", 0) == 0);
    CHECK(check.out.find("'master_link_up'=0;;1:;0;1") != std::string::npos);
    // Memory (no maxmemory) and the lag (link down) are unknown: "U", which the guidelines allow and the Perl
    // library skips; latency, evictions and the link parse, and the link's own threshold says CRITICAL.
    CHECK(parsed_summary(check.out) == "status=CRITICAL items=3 unknown_values=2 threshold_status=CRITICAL\n");

    auto sample = run_redops({"--url", replica.url(), "-o", "json", "monitor", "--once"});
    INFO(sample.out << sample.err);
    CHECK(sample.exit_code == 1); // Redis answered; the answer is "not healthy"
    json doc = json::parse(sample.out);
    CHECK(doc["ok"] == false);
    CHECK(doc["healthy"] == false);
    CHECK(doc["master_link_status"] == "down");
    CHECK(doc["master"] == master);
    CHECK(doc["used_memory_bytes"].get<long long>() > 0);
    CHECK(doc["error"].get<std::string>().find("master link down") != std::string::npos);
    auto text = run_redops({"--url", replica.url(), "monitor", "--once"});
    CHECK(text.out.find(" unhealthy latency_ms=") != std::string::npos);
    CHECK(text.err.find("unhealthy — degraded mode: replica of " + master) != std::string::npos);

    auto metrics = run_redops({"--url", replica.url(), "monitor", "--once", "--format", "prometheus"});
    INFO(metrics.out);
    CHECK(metrics.out.find("\nredis_up 1\n") != std::string::npos);
    CHECK(metrics.out.find("redis_master_link_up{master_host=\"127.0.0.1\",master_port=\"" +
                           std::to_string(primary.port()) + "\"} 0\n") != std::string::npos);
    CHECK(metrics.out.find("\nredops_healthy 0\n") != std::string::npos);
    redops::test::check_with_promtool(metrics.out);

    auto ping = run_redops({"--url", replica.url(), "ping"});
    CHECK(ping.exit_code == 1);
    CHECK(ping.out.find("(master_link down)") != std::string::npos);
    auto ping_nagios = run_redops({"--url", replica.url(), "ping", "--format", "nagios"});
    INFO(ping_nagios.out);
    CHECK(ping_nagios.exit_code == 2);
    CHECK(ping_nagios.out.find("master_link:down (master " + master + ")") != std::string::npos);
    CHECK(parsed_summary(ping_nagios.out) == "status=CRITICAL items=2 unknown_values=0 threshold_status=CRITICAL\n");
}
