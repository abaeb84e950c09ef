// monitor --listen end to end with curl: /metrics and /healthz, promtool on a live scrape, concurrent scrapes
// sharing one sample, an outage during a scrape (redis_up 0, HTTP 200, no hang), the census in the background,
// and SIGTERM.
#include "fault_proxy.h"
#include "monitoring_tools.h"
#include "process.h"
#include "redis/client.h"
#include "redis_server.h"
#include "spawned_process.h"

#include <catch2/catch.hpp>

#include <csignal>
#include <future>
#include <regex>

using redops::test::FaultProxy;
using redops::test::ProxyMode;
using redops::test::RedisServer;
using redops::test::SpawnedProcess;
using namespace std::chrono_literals;

namespace {

struct Http {
    int status = 0;
    std::string body;
};

// curl, the real client a sidecar or Prometheus stands for: the body, then the status code on the last line.
Http get(int port, const std::string& path)
{
    auto r = redops::test::run_process(
        {"curl", "-sS", "-m", "10", "-w", "\n%{http_code}", "http://127.0.0.1:" + std::to_string(port) + path});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto last = r.out.rfind('\n');
    REQUIRE(last != std::string::npos);
    return {std::stoi(r.out.substr(last + 1)), r.out.substr(0, last)};
}

// The port from "serving http://127.0.0.1:PORT/metrics" on stderr.
int served_port(const SpawnedProcess& exporter)
{
    static const std::regex k_serving(R"(serving http://127\.0\.0\.1:(\d+)/metrics)");
    // The match refers into the text it searched: keep the text alive (and the port copied) past the search.
    int port = 0;
    bool up = redops::test::eventually(
        [&] {
            std::string err = exporter.err();
            std::smatch m;
            if (!std::regex_search(err, m, k_serving)) {
                return false;
            }
            port = std::stoi(m[1].str());
            return true;
        },
        10s);
    INFO(exporter.err());
    REQUIRE(up);
    return port;
}

bool has_line(const std::string& text, const std::string& line)
{
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

} // namespace

TEST_CASE("monitor --listen serves metrics that promtool accepts and shares one sample among concurrent scrapes",
          "[cli][monitor][listen]")
{
    RedisServer server;
    redops::redis::StandaloneClient seeder(server.options());
    seeder.call(redops::redis::cmd("SET", "lock:job-1", "owner"));         // a lock held without expiry
    seeder.call(redops::redis::cmd("SADD", "user:sessions:u1", "gone-1")); // a stale index entry
    FaultProxy proxy(server.port());
    SpawnedProcess exporter({REDOPS_BINARY, "--url", proxy.url(), "--timeout", "1s", "--connect-timeout", "500ms",
                             "monitor", "--listen", "127.0.0.1:0", "--keys", "--interval", "50ms"});
    const int port = served_port(exporter);

    auto health = get(port, "/healthz");
    CHECK(health.status == 200);
    CHECK(health.body == "ok\n");
    CHECK(get(port, "/nothing").status == 404);

    // The census runs on its own between scrapes: its counts appear without a scrape driving it.
    REQUIRE(
        redops::test::eventually([&] { return get(port, "/metrics").body.find("redops_keys{") != std::string::npos; },
                                 10s));
    auto metrics = get(port, "/metrics");
    CHECK(metrics.status == 200);
    CHECK(has_line(metrics.body, "redis_up 1"));
    CHECK(has_line(metrics.body, "redops_keys{kind=\"lock\"} 1"));
    CHECK(has_line(metrics.body, "redis_db_keys{db=\"db0\"} 2"));
    // The layer figures of the same census, in the scrape.
    CHECK(has_line(metrics.body, "redops_locks_held 1"));
    CHECK(has_line(metrics.body, "redops_keys_without_ttl{kind=\"lock\"} 1"));
    CHECK(has_line(metrics.body, "redops_keys_without_ttl{kind=\"user_index\"} 1"));
    CHECK(has_line(metrics.body, "redops_stale_index_entries 1"));
    CHECK(has_line(metrics.body, "redops_tokens_in_safety_buffer 0"));
    CHECK(has_line(metrics.body, "redops_keys_partial 0"));
    CHECK(metrics.body.find("redops_lock_ttl_consumed_max_seconds") == std::string::npos); // no lock has a TTL
    CHECK(metrics.body.find("\nredops_keys_age_seconds ") != std::string::npos);
    redops::test::check_with_promtool(metrics.body);

    // Replies dripped slowly: a sample takes hundreds of ms, and scrapes arriving meanwhile wait for it.
    proxy.set_drip(1024, 40ms); // INFO's ~5 KiB in ~200 ms, well within --timeout
    proxy.set_mode(ProxyMode::drip);
    const long long infos_before = proxy.count("INFO");
    std::vector<std::future<Http>> scrapes;
    for (int i = 0; i < 6; ++i) {
        scrapes.push_back(std::async(std::launch::async, [port] { return get(port, "/metrics"); }));
    }
    for (auto& scrape : scrapes) {
        Http h = scrape.get();
        CHECK(h.status == 200);
        CHECK(has_line(h.body, "redis_up 1"));
    }
    const long long samples = proxy.count("INFO") - infos_before;
    INFO("INFO calls for 6 concurrent scrapes: " << samples);
    CHECK(samples >= 1);
    CHECK(samples < 6);
    proxy.set_mode(ProxyMode::pass);

    // Redis stops answering in the middle: the scrape still answers 200 within the timeouts, saying redis_up 0.
    proxy.set_mode(ProxyMode::stall);
    auto started = std::chrono::steady_clock::now();
    auto outage = get(port, "/metrics");
    CHECK(outage.status == 200);
    CHECK(has_line(outage.body, "redis_up 0"));
    CHECK(std::chrono::steady_clock::now() - started < 8s);
    redops::test::check_with_promtool(outage.body);
    proxy.set_mode(ProxyMode::pass);
    REQUIRE(redops::test::eventually([&] { return has_line(get(port, "/metrics").body, "redis_up 1"); }, 10s));

    exporter.signal(SIGTERM);
    auto code = exporter.wait(5s);
    REQUIRE(code.has_value());
    CHECK(*code == 0);
    CHECK(exporter.err().find("redops: monitor: stopped") != std::string::npos);
}

TEST_CASE("monitor --listen refuses a bad address and a port in use", "[cli][monitor][listen]")
{
    auto bad = redops::test::run_redops({"monitor", "--listen", "127.0.0.1:http"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("--listen") != std::string::npos);
    RedisServer server; // its port is taken
    auto taken = redops::test::run_redops(
        {"--url", server.url(), "monitor", "--listen", std::to_string(server.port())});
    CHECK(taken.exit_code == 4);
    CHECK(taken.err.find("cannot listen on 127.0.0.1:" + std::to_string(server.port())) != std::string::npos);
}
