// `redops monitor` end to end: outage and recovery, Prometheus exposition that parses, --check exit codes.
#include "process.h"
#include "redis/client.h"
#include "redis_server.h"

#include <catch2/catch.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

using redops::test::RedisServer;
using redops::test::run_redops;
using redops::test::RunOptions;
using json = nlohmann::json;

namespace {

std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

// Every sample line is `name{labels} value`, and every metric named in a sample has HELP and TYPE before it.
void check_exposition(const std::string& text, int min_samples)
{
    static const std::regex k_sample(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})? (-?[0-9.e+-]+|NaN)$)");
    static const std::regex k_meta(R"(^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$)");
    std::set<std::string> help;
    std::set<std::string> type;
    int samples = 0;
    for (const auto& line : lines_of(text)) {
        INFO(line);
        std::smatch m;
        if (std::regex_match(line, m, k_meta)) {
            (m[1] == "HELP" ? help : type).insert(m[2]);
            if (m[1] == "TYPE") {
                CHECK((m[3] == "gauge" || m[3] == "counter"));
            }
            continue;
        }
        REQUIRE(std::regex_match(line, m, k_sample));
        CHECK(m[1].str().rfind("redops_", 0) == 0);
        CHECK(help.count(m[1]) == 1);
        CHECK(type.count(m[1]) == 1);
        ++samples;
    }
    CHECK(samples >= min_samples);
}

} // namespace

TEST_CASE("monitor -o json: an outage is a sample then recovery and exit after --count", "[cli][monitor]")
{
    RedisServer server;
    auto run = std::async(std::launch::async, [&] {
        return run_redops({"--url", server.url(), "-o", "json", "monitor", "--interval", "300ms", "--count", "12"});
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    server.stop();
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    server.start();
    auto r = run.get();
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    auto lines = lines_of(r.out);
    REQUIRE(lines.size() == 12);
    std::vector<bool> healthy;
    for (const auto& line : lines) {
        json doc = json::parse(line);
        CHECK(doc["time"].get<std::string>().back() == 'Z');
        healthy.push_back(doc["healthy"].get<bool>());
        if (doc["healthy"] == true) {
            CHECK(doc["latency_ms"].is_number());
            CHECK(doc["role"] == "master");
            CHECK(doc["used_memory_bytes"].get<long long>() > 0);
        } else {
            CHECK_FALSE(doc["error"].get<std::string>().empty());
        }
    }
    CHECK(healthy.front());
    CHECK(healthy.back());
    CHECK(std::find(healthy.begin(), healthy.end(), false) != healthy.end());
    auto down = r.err.find("unhealthy — degraded mode");
    auto up = r.err.find("recovered");
    REQUIRE(down != std::string::npos);
    REQUIRE(up != std::string::npos);
    CHECK(down < up);
    CHECK(std::regex_search(r.err, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z redops: monitor: recovered)")));
}

TEST_CASE("monitor exits 3 when the last sample failed", "[cli][monitor]")
{
    auto r = run_redops({"--url", "redis://127.0.0.1:1", "monitor", "--interval", "50ms", "--count", "2"});
    CHECK(r.exit_code == 3);
    CHECK(lines_of(r.out).size() == 2);
    CHECK(r.out.find(" unhealthy error=") != std::string::npos);
    CHECK(r.err.find("unhealthy — degraded mode") != std::string::npos);
}

TEST_CASE("monitor --format prometheus parses and --once --output-file writes the file", "[cli][monitor]")
{
    RedisServer server;
    auto r = run_redops({"--url", server.url(), "monitor", "--once", "--format", "prometheus"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    check_exposition(r.out, 10);
    CHECK(r.out.find("\nredops_up 1\n") != std::string::npos);

    auto file = server.dir() / "redis.prom";
    auto written = run_redops({"--url", server.url(), "monitor", "--once", "--format", "prometheus",
                               "--output-file", file.string()});
    REQUIRE(written.exit_code == 0);
    CHECK(written.out.empty());
    std::ifstream in(file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    check_exposition(text, 10);
    for (const auto& entry : std::filesystem::directory_iterator(server.dir())) {
        CHECK(entry.path().filename().string().find(".tmp.") == std::string::npos);
    }

    auto down = run_redops({"--url", "redis://127.0.0.1:1", "monitor", "--once", "--format", "prometheus"});
    CHECK(down.exit_code == 3);
    check_exposition(down.out, 1);
    CHECK(down.out.find("redops_up 0") != std::string::npos);
}

TEST_CASE("monitor --check thresholds map to Nagios exit codes", "[cli][monitor]")
{
    RedisServer server;
    auto ok = run_redops({"--url", server.url(), "monitor", "--check"});
    INFO(ok.out << ok.err);
    CHECK(ok.exit_code == 0);
    CHECK(ok.out.rfind("REDIS OK - ", 0) == 0);
    CHECK(ok.out.find(" | latency=") != std::string::npos);
    CHECK(run_redops({"--url", server.url(), "monitor", "--check", "--warn-latency", "0"}).exit_code == 1);
    CHECK(run_redops({"--url", server.url(), "monitor", "--check", "--crit-latency", "0"}).exit_code == 2);

    // Fill memory under a low maxmemory: used memory rises to near the limit.
    redops::redis::StandaloneClient client(server.options());
    client.call(redops::redis::cmd("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"));
    client.call(redops::redis::cmd("CONFIG", "SET", "maxmemory", "4mb"));
    std::string value(10'000, 'x');
    std::vector<redops::redis::Command> writes;
    for (int i = 0; i < 1000; ++i) {
        writes.push_back(redops::redis::cmd("SET", "fill:" + std::to_string(i), value));
    }
    client.pipeline(writes);
    auto warn = run_redops({"--url", server.url(), "monitor", "--check", "--warn-memory", "50", "--crit-memory", "200"});
    INFO(warn.out);
    CHECK(warn.exit_code == 1);
    CHECK(warn.out.rfind("REDIS WARNING - memory ", 0) == 0);
    CHECK(run_redops({"--url", server.url(), "monitor", "--check", "--crit-memory", "50"}).exit_code == 2);

    auto down = run_redops({"--url", "redis://127.0.0.1:1", "monitor", "--check"});
    CHECK(down.exit_code == 2);
    CHECK(down.out.rfind("REDIS CRITICAL - ", 0) == 0);
}

TEST_CASE("monitor on a terminal repaints a live view and quits on q restoring the screen", "[cli][monitor]")
{
    RedisServer server;
    // script(1) gives redops a pseudo-terminal; the "q" typed on it is the only way this run ends.
    std::string command = std::string(REDOPS_BINARY) + " --url " + server.url() + " monitor --interval 200ms";
    auto r = redops::test::run_process({"script", "-qec", command, "/dev/null"},
                                       RunOptions{.stdin_data = "q", .timeout = std::chrono::milliseconds(15'000)});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    auto enter = r.out.find("\x1b[?1049h");
    auto screen = r.out.find("HEALTHY");
    auto leave = r.out.find("\x1b[?1049l");
    REQUIRE(enter != std::string::npos);
    REQUIRE(screen != std::string::npos);
    REQUIRE(leave != std::string::npos);
    CHECK(enter < screen);
    CHECK(screen < leave);
    CHECK(r.out.find("latency ") != std::string::npos);
}
