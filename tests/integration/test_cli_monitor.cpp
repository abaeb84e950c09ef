// `redops monitor` end to end: outage and recovery, Prometheus exposition that parses, --check exit codes.
#include "common/clock.h"
#include "monitoring_tools.h"
#include "process.h"
#include "redis/client.h"
#include "redis/connection.h"
#include "redis_server.h"
#include "repo/token_repository.h"
#include "target.h"
#include "text_support.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

using redops::test::lines_of;
using redops::test::RedisServer;
using redops::test::run_redops;
using redops::test::RunOptions;
using redops::test::TestTarget;
using json = nlohmann::json;

namespace {

// Every sample line is `name{labels} value`, and every metric named in a sample has HELP and TYPE before it.
void check_exposition(const std::string& text, int min_samples)
{
    static const std::regex k_sample(
        R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})? (-?[0-9.e+-]+|NaN)$)");
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
        // redis_exporter's names for the server's figures, redops_* for the layer's.
        CHECK((m[1].str().rfind("redops_", 0) == 0 || m[1].str().rfind("redis_", 0) == 0));
        CHECK(help.count(m[1]) == 1);
        CHECK(type.count(m[1]) == 1);
        ++samples;
    }
    CHECK(samples >= min_samples);
}

// What the seed wrote, per kind as monitor --keys names them.
using KindCounts = std::map<std::string, long long>;

// ~5000 keys of every kind in the default shapes (and some of no kind), written in one pipeline.
KindCounts seed_keys(TestTarget& target)
{
    const std::vector<std::pair<std::string, std::pair<std::string, long long>>> shapes{
        {"token", {"auth:token:genesys:tenant-", 1200}},
        {"lock", {"lock:job-", 300}},
        {"dedupe", {"dedupe:acme:msg-", 1000}},
        {"ratelimit", {"rate:login:user-", 800}},
        {"session", {"session:sid-", 1000}},
        {"user_index", {"user:sessions:user-", 400}},
        {"lock_fence", {"{lock:job-", 0}},
        {"other", {"cache:page:", 300}}};
    KindCounts counts;
    std::vector<redops::redis::Command> seed;
    for (const auto& [kind, shape] : shapes) {
        for (long long i = 0; i < shape.second; ++i) {
            seed.push_back(redops::redis::cmd("SET", shape.first + std::to_string(i), "x"));
        }
        counts[kind] = shape.second;
    }
    for (const auto& reply : target.client().pipeline(seed)) {
        REQUIRE_FALSE(reply.is_error());
    }
    REQUIRE(target.key_count() == 5000);
    return counts;
}

KindCounts counts_of(const json& keys)
{
    KindCounts counts;
    for (const auto& [kind, count] : keys.items()) {
        counts[kind] = count.get<long long>();
    }
    return counts;
}

std::filesystem::path write_config(const TestTarget& target, const std::string& text)
{
    auto path = target.dir() / "redops.json";
    std::ofstream(path) << text;
    return path;
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

TEST_CASE("monitor reconnects once before calling a server that dropped its idle connection unhealthy",
          "[cli][monitor]")
{
    // The server closes connections idle for more than 1 s (whole seconds, checked every 100 ms): after 2.2 s the
    // monitor's connection is surely gone when the second sample is taken.
    RedisServer server(redops::test::ServerConfig{.extra_args = {"--timeout", "1"}});
    auto r = run_redops({"--url", server.url(), "-o", "json", "monitor", "--interval", "2200ms", "--count", "2"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    auto lines = lines_of(r.out);
    REQUIRE(lines.size() == 2);
    for (const auto& line : lines) {
        CHECK(json::parse(line)["healthy"] == true);
    }
    CHECK(r.err.find("unhealthy") == std::string::npos);
}

TEST_CASE("monitor exits 3 when the last sample failed", "[cli][monitor]")
{
    auto r = run_redops({"--url", "redis://127.0.0.1:1", "monitor", "--interval", "50ms", "--count", "2"});
    CHECK(r.exit_code == 3);
    CHECK(lines_of(r.out).size() == 2);
    CHECK(r.out.find(" unhealthy error=") != std::string::npos);
    CHECK(r.err.find("unhealthy — degraded mode") != std::string::npos);
}

TEST_CASE("monitor --format prometheus parses and --once --output-file writes the file", "[cli][monitor][portable]")
{
    TestTarget target;
    auto r = target.redops({"monitor", "--once", "--format", "prometheus"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    check_exposition(r.out, 10);
    CHECK(r.out.find("\nredis_up 1\n") != std::string::npos);
    CHECK(r.out.find("# TYPE redis_commands_processed_total counter\n") != std::string::npos);
    redops::test::check_with_promtool(r.out);

    auto file = target.dir() / "redis.prom";
    auto written = target.redops({"monitor", "--once", "--format", "prometheus", "--output-file", file.string()});
    REQUIRE(written.exit_code == 0);
    CHECK(written.out.empty());
    std::ifstream in(file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    check_exposition(text, 10);
    redops::test::check_with_promtool(text);
    for (const auto& entry : std::filesystem::directory_iterator(target.dir())) {
        CHECK(entry.path().filename().string().find(".tmp.") == std::string::npos);
    }

    auto down = run_redops({"--url", "redis://127.0.0.1:1", "monitor", "--once", "--format", "prometheus"});
    CHECK(down.exit_code == 3);
    check_exposition(down.out, 1);
    CHECK(down.out.find("\nredis_up 0\n") != std::string::npos);
    redops::test::check_with_promtool(down.out);
}

TEST_CASE("monitor --check thresholds map to Nagios exit codes", "[cli][monitor]")
{
    RedisServer server;
    auto ok = run_redops({"--url", server.url(), "monitor", "--check"});
    INFO(ok.out << ok.err);
    CHECK(ok.exit_code == 0);
    CHECK(ok.out.rfind("REDIS OK - ", 0) == 0);
    CHECK(ok.out.find(" | 'latency'=") != std::string::npos);
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
    auto warn = run_redops(
        {"--url", server.url(), "monitor", "--check", "--warn-memory", "50", "--crit-memory", "200"});
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

TEST_CASE("monitor --keys spreads one SCAN pass over samples then states exact counts and their age",
          "[cli][monitor][keys][portable]")
{
    TestTarget target;
    KindCounts seeded = seed_keys(target);
    // COUNT 100: a step of ten SCAN calls sees a few hundred keys, so the pass takes several samples.
    auto config = write_config(target, R"({"defaults": {"scan_count": 100}})");
    auto r = target.redops(
        {"--config", config.string(), "-o", "json", "monitor", "--keys", "--interval", "100ms", "--count", "25"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    auto lines = lines_of(r.out);
    REQUIRE(lines.size() == 25);

    json first = json::parse(lines.front());
    CHECK(first["keys"].is_null());
    CHECK(first["keys_age_s"].is_null());
    CHECK(first["keys_exact"] == false);
    CHECK(first["keys_scanned"].get<long long>() > 0);
    CHECK(first["keys_scanned"].get<long long>() < 5000); // one sample did not scan everything

    int published = 0;
    bool aged = false;
    long long last_progress = 0;
    for (const auto& line : lines) {
        json doc = json::parse(line);
        REQUIRE(doc["healthy"] == true);
        CHECK(doc["keys_exact"] == false);
        if (doc["keys"].is_null()) {
            CHECK(published == 0); // once published, counts stay
            CHECK(doc["keys_scanned"].get<long long>() > last_progress);
            last_progress = doc["keys_scanned"].get<long long>();
            continue;
        }
        ++published;
        CHECK(counts_of(doc["keys"]) == seeded);
        double age = doc["keys_age_s"].get<double>();
        CHECK(age >= 0);
        CHECK(age < 10);
        aged = aged || age > 0;
    }
    CHECK(published >= 5);
    CHECK(published < 25);
    CHECK(aged); // samples between two completed passes state counts older than themselves
}

TEST_CASE("monitor --keys-exact --once counts every key at age zero in JSON and text and prometheus",
          "[cli][monitor][keys][portable]")
{
    TestTarget target;
    KindCounts seeded = seed_keys(target);
    auto r = target.redops({"-o", "json", "monitor", "--keys-exact", "--once"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    json doc = json::parse(r.out);
    CHECK(doc["ok"] == true); // every sample line says whether it is healthy
    CHECK(counts_of(doc["keys"]) == seeded);
    CHECK(doc["keys_age_s"] == 0.0);
    CHECK(doc["keys_exact"] == true);
    CHECK_FALSE(doc.contains("keys_error"));

    auto text = target.redops({"monitor", "--keys-exact", "--once"});
    INFO(text.out);
    CHECK(text.exit_code == 0);
    CHECK(
        text.out.find(" keys_token=1200 keys_lock=300 keys_dedupe=1000 keys_ratelimit=800 keys_session=1000 "
                      "keys_user_index=400 keys_lock_fence=0 keys_other=300 keys_age_s=0.000 keys_no_ttl_token=1200 "
                      "keys_no_ttl_lock=300 keys_no_ttl_dedupe=1000 keys_no_ttl_ratelimit=800 keys_no_ttl_session=1000 "
                      "keys_no_ttl_user_index=400 keys_no_ttl_lock_fence=0 keys_no_ttl_other=300 locks_held=300 "
                      "lock_ttl_consumed_max_s=- tokens_in_safety_buffer=0 tokens_expired=0 stale_index_entries=0\n") !=
        std::string::npos);

    // Without --keys the sample keeps its former shape.
    auto plain = target.redops({"-o", "json", "monitor", "--once"});
    CHECK_FALSE(json::parse(plain.out).contains("keys"));

    auto prometheus = target.redops({"monitor", "--keys-exact", "--once", "--format", "prometheus"});
    INFO(prometheus.out << prometheus.err);
    REQUIRE(prometheus.exit_code == 0);
    check_exposition(prometheus.out, 17);
    KindCounts exposed;
    static const std::regex k_keys(R"re(^redops_keys\{kind="([a-z_]+)"\} ([0-9]+)$)re");
    for (const auto& line : lines_of(prometheus.out)) {
        std::smatch m;
        if (std::regex_match(line, m, k_keys)) {
            exposed[m[1]] = std::stoll(m[2]);
        }
    }
    CHECK(exposed == seeded);
    CHECK(prometheus.out.find("# TYPE redops_keys gauge\n") != std::string::npos);
    CHECK(prometheus.out.find("\nredops_keys_age_seconds 0\n") != std::string::npos);

    redops::test::check_with_promtool(prometheus.out);

    // --once runs the whole census even with --keys, and marks the counts partial when --keys-budget runs out.
    auto config = write_config(target, R"({"defaults": {"scan_count": 10}})");
    auto whole = target.redops({"--config", config.string(), "-o", "json", "monitor", "--keys", "--once"});
    INFO(whole.out << whole.err);
    CHECK(whole.exit_code == 0);
    CHECK(counts_of(json::parse(whole.out)["keys"]) == seeded);
    CHECK(json::parse(whole.out)["keys_partial"] == false);
    auto cut = target.redops(
        {"--config", config.string(), "monitor", "--keys", "--once", "--keys-budget", "1ms", "--format", "prometheus"});
    INFO(cut.out);
    CHECK(cut.exit_code == 0);
    check_exposition(cut.out, 10);
    CHECK(cut.out.find("\nredops_keys_partial 1\n") != std::string::npos);
    CHECK(cut.out.find("redis_keyspace_hits_total") != std::string::npos); // the rest is all there
    auto cut_json = target.redops(
        {"--config", config.string(), "-o", "json", "monitor", "--keys", "--once", "--keys-budget", "1ms"});
    json partial = json::parse(cut_json.out);
    CHECK(partial["keys_partial"] == true);
    long long counted = 0;
    for (const auto& [kind, count] : partial["keys"].items()) {
        counted += count.get<long long>();
    }
    CHECK(counted < 5000);
}

namespace {

// A metric's one sample line ("redops_locks_held 3"), or "" when the exposition has none.
std::string sample_value(const std::string& exposition, const std::string& name_and_labels)
{
    for (const auto& line : lines_of(exposition)) {
        if (line.rfind(name_and_labels + " ", 0) == 0) {
            return line.substr(name_and_labels.size() + 1);
        }
    }
    return "";
}

} // namespace

TEST_CASE("monitor --keys reports keys without TTL per kind and locks and tokens in the buffer and stale index entries",
          "[cli][monitor][keys][portable]")
{
    TestTarget target;
    using redops::redis::cmd;
    const long long now = redops::now_ms();
    auto token = [&](long long expires_in_ms) {
        return redops::repo::TokenRepository::payload("eyJhbGciOi.secret", now + expires_in_ms, now);
    };
    std::vector<redops::redis::Command> seed{
        // Locks: one just taken with the configured 30 s, one with 15 s left (15 s of 30 used), one stuck.
        cmd("SET", "lock:fresh", "owner-1", "PX", "30000"),
        cmd("SET", "lock:old", "owner-2", "PX", "15000"),
        cmd("SET", "lock:stuck", "owner-3"),
        cmd("INCR", "{lock:old}:fence"), // a fencing counter: no TTL by design, still counted as such
        // Tokens (safety buffer 300 s): inside it, well before it, past expiresAt, no TTL, and not a payload.
        cmd("SET", "auth:token:genesys:inbuf", token(100'000), "EX", "3600"),
        cmd("SET", "auth:token:genesys:fine", token(3'600'000), "EX", "3000"),
        cmd("SET", "auth:token:genesys:expired", token(-10'000), "EX", "600"),
        cmd("SET", "auth:token:genesys:nottl", token(7'200'000)),
        cmd("SET", "auth:token:genesys:bad", "not json", "EX", "60"),
        // Sessions: s1 lives; s2 and s3 are gone but still in u1's index; u2's only entry is gone too.
        cmd("SET", "session:s1", R"({"userId":"u1","createdAt":1})", "EX", "3600"),
        cmd("SADD", "user:sessions:u1", "s1", "s2", "s3"),
        cmd("EXPIRE", "user:sessions:u1", "3600"),
        cmd("SADD", "user:sessions:u2", "gone-1"),
        cmd("SET", "dedupe:acme:m1", "1"),
        cmd("SET", "dedupe:acme:m2", "1", "EX", "60"),
        cmd("SET", "rate:login:bob", "5"),
        cmd("SET", "cache:page:1", "x"),
    };
    for (const auto& reply : target.client().pipeline(seed)) {
        REQUIRE_FALSE(reply.is_error());
    }
    // COUNT 10: several SCAN batches, each read in its own pipeline.
    auto config = write_config(target, R"({"defaults": {"scan_count": 10}})");
    auto r = target.redops({"--config", config.string(), "-o", "json", "monitor", "--once", "--keys"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    json doc = json::parse(r.out);
    KindCounts keys{{"token", 5},   {"lock", 3},       {"dedupe", 2},     {"ratelimit", 1},
                    {"session", 1}, {"user_index", 2}, {"lock_fence", 1}, {"other", 1}};
    KindCounts without_ttl{{"token", 1},   {"lock", 1},       {"dedupe", 1},     {"ratelimit", 1},
                           {"session", 0}, {"user_index", 1}, {"lock_fence", 1}, {"other", 1}};
    CHECK(counts_of(doc["keys"]) == keys);
    CHECK(counts_of(doc["keys_without_ttl"]) == without_ttl);
    CHECK(doc["locks_held"] == 3);
    const double consumed = doc["lock_ttl_consumed_max_s"].get<double>();
    CHECK(consumed >= 15.0);
    CHECK(consumed < 20.0); // 30 s - (15 s - the seconds since the seed)
    CHECK(doc["tokens_in_safety_buffer"] == 1);
    CHECK(doc["tokens_expired"] == 1);
    CHECK(doc["stale_index_entries"] == 3);
    CHECK(doc["keys_partial"] == false);
    CHECK(doc["keys_age_s"] == 0.0);

    auto prometheus = target.redops(
        {"--config", config.string(), "monitor", "--once", "--keys", "--format", "prometheus"});
    INFO(prometheus.out << prometheus.err);
    REQUIRE(prometheus.exit_code == 0);
    check_exposition(prometheus.out, 30);
    for (const auto& [kind, count] : without_ttl) {
        CHECK(sample_value(prometheus.out, "redops_keys_without_ttl{kind=\"" + kind + "\"}") == std::to_string(count));
    }
    CHECK(sample_value(prometheus.out, "redops_locks_held") == "3");
    CHECK(sample_value(prometheus.out, "redops_tokens_in_safety_buffer") == "1");
    CHECK(sample_value(prometheus.out, "redops_tokens_expired") == "1");
    CHECK(sample_value(prometheus.out, "redops_stale_index_entries") == "3");
    CHECK(sample_value(prometheus.out, "redops_keys_age_seconds") == "0");
    CHECK(sample_value(prometheus.out, "redops_keys_partial") == "0");
    const double exposed = std::stod(sample_value(prometheus.out, "redops_lock_ttl_consumed_max_seconds"));
    CHECK(exposed >= 15.0);
    CHECK(exposed < 20.0);
    for (const std::string name :
         {"redops_keys_without_ttl", "redops_locks_held", "redops_lock_ttl_consumed_max_seconds",
          "redops_tokens_in_safety_buffer", "redops_tokens_expired", "redops_stale_index_entries"}) {
        CHECK(prometheus.out.find("# TYPE " + name + " gauge\n") != std::string::npos);
        CHECK(prometheus.out.find("# HELP " + name + " ") != std::string::npos);
    }
    redops::test::check_with_promtool(prometheus.out);

    // The Nagios perfdata carries them too.
    auto check = target.redops({"--config", config.string(), "monitor", "--check", "--keys", "--format", "nagios"});
    INFO(check.out);
    CHECK(check.exit_code == 0);
    CHECK(check.out.find("'stale_index_entries'=3;") != std::string::npos);
    CHECK(check.out.find("'keys_no_ttl_lock'=1;") != std::string::npos);

    // The census only read: every stale entry and every key is still there.
    CHECK(target.client().call(cmd("SCARD", "user:sessions:u1")).as_integer("SCARD") == 3);
    CHECK(target.key_count() == 16);
}

TEST_CASE("monitor --keys honours custom key templates of the config file", "[cli][monitor][keys][portable]")
{
    TestTarget target;
    auto& conn = target.client();
    conn.pipeline({redops::redis::cmd("SET", "genesys:token:acme", "{}"),
                   redops::redis::cmd("SET", "genesys:token:globex", "{}"),
                   redops::redis::cmd("SET", "auth:token:genesys:acme", "{}"), // the default shape: now other
                   redops::redis::cmd("SET", "app:sessions:alice", "x"), redops::redis::cmd("SET", "app:s1", "x")});
    auto config = write_config(
        target,
        R"({"keys": {"token": "genesys:token:{tenant}", "session": "app:{id}", "user_index": "app:sessions:{user}"}})");
    auto r = target.redops({"--config", config.string(), "-o", "json", "monitor", "--keys-exact", "--once"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    KindCounts expected{{"token", 2},   {"lock", 0},       {"dedupe", 0},     {"ratelimit", 0},
                        {"session", 1}, {"user_index", 1}, {"lock_fence", 0}, {"other", 1}};
    CHECK(counts_of(json::parse(r.out)["keys"]) == expected);
}

TEST_CASE("monitor --check says UNKNOWN and exits 3 when it cannot check at all", "[cli][monitor][check]")
{
    RedisServer server;
    const std::vector<std::vector<std::string>> unusable{
        {"--url", "redis://127.0.0.1:notaport", "monitor", "--check"},          // configuration
        {"--url", server.url(), "monitor", "--check", "--interval", "soon"},    // bad duration
        {"--url", server.url(), "monitor", "--check", "--format", "xml"},       // usage
        {"--url", server.url(), "monitor", "--check", "--warn-latency", "abc"}, // rejected by the parser
        {"--url", server.url(), "monitor", "--check", "--no-such-flag"},
    };
    for (const auto& args : unusable) {
        auto r = run_redops(args);
        INFO(args[1] << " " << args.back() << ": " << r.out << r.err);
        CHECK(r.exit_code == 3);
        CHECK(r.out.rfind("REDIS UNKNOWN - ", 0) == 0);
        CHECK(lines_of(r.out).size() == 1);
    }
    // Redis not answering is still CRITICAL, and outside --check a bad URL is a usage error, not an outage.
    CHECK(run_redops({"--url", "redis://127.0.0.1:1", "monitor", "--check"}).exit_code == 2);
    auto plain = run_redops({"--url", "redis://127.0.0.1:notaport", "monitor", "--count", "2"});
    CHECK(plain.exit_code == 2);
    CHECK(plain.out.empty());
    CHECK(plain.err.find("invalid Redis URL") != std::string::npos);
}
