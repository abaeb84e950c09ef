// Nagios semantics of ping --format nagios and monitor --check, checked with the monitoring-plugins Perl library:
// every parse error is one UNKNOWN line (exit 3), the range syntax means what that library says, perfdata parses.
#include "monitoring_tools.h"
#include "output/nagios.h"
#include "process.h"
#include "redis_server.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

using redops::test::RedisServer;
using redops::test::run_redops;

namespace {

std::size_t line_count(const std::string& text)
{
    std::size_t n = 0;
    for (char c : text) {
        n += c == '\n' ? 1 : 0;
    }
    return n;
}

} // namespace

TEST_CASE("every parse error under nagios is one REDIS UNKNOWN line and exit 3", "[cli][nagios]")
{
    const std::string url = "redis://127.0.0.1:1"; // never contacted: all of these fail before connecting
    const std::vector<std::vector<std::string>> bad{
        {"ping", "--format", "nagios", "--bogus"},
        {"--bogus", "ping", "--format", "nagios"},
        {"--format", "nagios", "ping"}, // a command option before the command
        {"ping", "--format=nagios", "--warn", "abc"},
        {"ping", "--format", "nagios", "--warn", "10:5"}, // start above end
        {"ping", "--format", "nagios", "--warn", "20", "--crit", "10"},
        {"ping", "--format", "nagios", "--count", "0"},
        {"ping", "--format", "nagios", "extra"},
        {"monitor", "--check", "--bogus"},
        {"--check", "monitor"}, // misplaced before the command
        {"monitor", "--format", "nagios", "--crit-lag", "x"},
        {"monitor", "--check", "--warn-latency", "1e3"},
        {"monitor", "--check", "--warn-memory", "@"},
        {"monitor", "--check", "--warn-latency", "20", "--crit-latency", "10"},
        {"monitor", "--check", "--format", "prometheus"},
        {"monitor", "--check", "--interval", "soon"},
        {"monitor", "--check", "--listen", "127.0.0.1:0"},
        {"pign", "--format", "nagios"}, // not even a command: no Nagios word, plain usage error
    };
    for (const auto& args : bad) {
        std::vector<std::string> argv{"--url", url};
        argv.insert(argv.end(), args.begin(), args.end());
        auto r = run_redops(argv);
        std::ostringstream shown;
        for (const auto& a : args) {
            shown << a << ' ';
        }
        INFO(shown.str() << "-> " << r.exit_code << "\nout: " << r.out << "err: " << r.err);
        if (args.front() == "pign") {
            CHECK(r.exit_code == 2);
            continue;
        }
        CHECK(r.exit_code == 3);
        CHECK(r.out.rfind("REDIS UNKNOWN - ", 0) == 0);
        CHECK(line_count(r.out) == 1);
        CHECK(r.err.empty());
        auto parsed = redops::test::nagios_parse("line", r.out);
        CHECK(parsed.exit_code == 0);
        CHECK(parsed.out.find("status=UNKNOWN items=0") != std::string::npos);
    }
}

TEST_CASE("nagios ranges mean what the monitoring-plugins library says they mean", "[cli][nagios]")
{
    const std::vector<std::string> ranges{"10",    "10:", "~:10", "10:20", "@10:20", "@~:0",
                                          "-5:-1", "0.5", ":7",   "@5",    "0:0",    "@0:0"};
    const std::vector<double> values{-6, -3, -1, 0, 0.4, 0.5, 0.6, 5, 7, 9.9, 10, 10.5, 15, 20, 21, 1e6};
    std::string input;
    for (const auto& range : ranges) {
        for (double value : values) {
            input += range + " " + std::to_string(value) + "\n";
        }
    }
    auto perl = redops::test::nagios_parse("ranges", input);
    REQUIRE(perl.exit_code == 0);
    std::istringstream lines(perl.out);
    std::size_t checked = 0;
    for (std::string text, value, alert; lines >> text >> value >> alert;) {
        INFO(text << " " << value);
        auto range = redops::output::parse_nagios_range(text);
        REQUIRE(range);
        CHECK(range->alerts(std::stod(value)) == (alert == "1"));
        ++checked;
    }
    CHECK(checked == ranges.size() * values.size());
}

TEST_CASE("monitor --check and ping --format nagios: ranges set the state and perfdata parses", "[cli][nagios]")
{
    RedisServer server;
    struct Case {
        std::vector<std::string> args;
        int exit_code;
    };
    const std::vector<Case> cases{
        {{"monitor", "--check"}, 0},
        {{"monitor", "--check", "--format", "nagios"}, 0},
        {{"monitor", "--format", "nagios", "--warn-latency", "~:100000", "--crit-latency", "100000"}, 0},
        {{"monitor", "--check", "--warn-latency", "@0:100000"}, 1},
        {{"monitor", "--check", "--crit-latency", "100000:"}, 2},
        {{"monitor", "--check", "--warn-evictions", "1:", "--interval", "10ms"}, 1},
        {{"monitor", "--check", "--keys-exact", "--crit-lag", "5"}, 0},
        {{"ping", "--format", "nagios", "--warn", "100000"}, 0},
        {{"ping", "--format", "nagios", "--warn", "@0:100000"}, 1},
        {{"ping", "--format", "nagios", "--crit", "100000:"}, 2},
    };
    for (const auto& c : cases) {
        std::vector<std::string> argv{"--url", server.url()};
        argv.insert(argv.end(), c.args.begin(), c.args.end());
        auto r = run_redops(argv);
        INFO(c.args[0] << " " << c.args.back() << ": " << r.out << r.err);
        CHECK(r.exit_code == c.exit_code);
        CHECK(line_count(r.out) == 1);
        auto parsed = redops::test::nagios_parse("line", r.out);
        INFO(parsed.out << parsed.err);
        REQUIRE(parsed.exit_code == 0);
        static const char* const k_state[] = {"OK", "WARNING", "CRITICAL"};
        CHECK(parsed.out.find(std::string("status=") + k_state[c.exit_code] + " ") != std::string::npos);
        CHECK(parsed.out.find("items=0") == std::string::npos);
        // The library reads every threshold but '@' ones (its perfdata pattern has no '@'): it agrees on the state.
        bool inside = std::find(c.args.begin(), c.args.end(), "@0:100000") != c.args.end();
        if (!inside) {
            CHECK(parsed.out.find(std::string("threshold_status=") + k_state[c.exit_code]) != std::string::npos);
        }
    }
    // Down: CRITICAL with the latency unknown, one line, nothing on stderr.
    auto down = run_redops({"--url", "redis://127.0.0.1:1", "monitor", "--check", "--format", "nagios"});
    CHECK(down.exit_code == 2);
    CHECK(down.out.rfind("REDIS CRITICAL - ", 0) == 0);
    CHECK(down.out.find("| 'latency'=U;;;0;") != std::string::npos);
    CHECK(redops::test::nagios_parse("line", down.out).out.find("status=CRITICAL items=0 unknown_values=1") !=
          std::string::npos);
}
