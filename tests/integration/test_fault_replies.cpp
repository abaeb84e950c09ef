// [fault] Replies no healthy server sends, from a scripted fake: huge lengths, garbage, half replies, error replies
// on every command, MOVED loops. Each ends with a true exit code in bounded time and bounded memory.
#include "fake_resp_server.h"
#include "fault_support.h"
#include "resp_wire.h"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <memory>

#if defined(__SANITIZE_ADDRESS__)
// ASan's shadow memory and quarantine hold about 250 MiB of RSS before a command does anything.
constexpr long long k_sanitizer_rss_kib = 256LL * 1024;
#else
constexpr long long k_sanitizer_rss_kib = 0;
#endif

using namespace redops::test;

namespace {

constexpr std::size_t k_flood_bytes = std::size_t{256} << 20;
constexpr long long k_rss_limit_kb = 160LL * 1024; // well under the flood: the reply was refused, not buffered

// Commands that read a value, write, and scan; each meets the fault on its first command after the handshake.
const std::vector<std::vector<std::string>> k_data_commands{
    {"token", "get", "--provider", "p", "--tenant", "t"},
    {"lock", "acquire", "X"},
    {"dedupe", "check", "--tenant", "t", "--id", "m1"},
    {"token", "flush", "--all", "--yes"},
    {"sessions", "list", "--all"},
};

// Deletes, or a second SET, after a reply that made no sense (a lock acquire may still release what it took).
bool wrote_anything(const FakeRespServer& server)
{
    return server.count("UNLINK") + server.count("DEL") > 0 || server.count("SET") > 1;
}

} // namespace

TEST_CASE("a bulk length of 999999999999 ends with exit 4 without buffering the flood", "[fault][reply]")
{
    FakeRespServer server(fake::on("GET", FakeReply::flood_after("$999999999999\r\n", k_flood_bytes)));
    auto run = run_redops_measured(concat(server.args("3s"), {"token", "get", "--provider", "p", "--tenant", "t"}),
                                   RunOptions{.timeout = std::chrono::seconds(20)});
    INFO(brief(run.result.out) << brief(run.result.err) << "max RSS " << run.max_rss_kb << " kB");
    CHECK(run.result.exit_code == 4);
    CHECK(run.max_rss_kb > 0);
    CHECK(run.max_rss_kb < k_rss_limit_kb + k_sanitizer_rss_kib);
    note_fault_case("bulk length 999999999999 (token get)", run.result.exit_code, false);
}

TEST_CASE("an array length of 999999999999 ends with exit 4", "[fault][reply]")
{
    for (const std::string header : {"*999999999999\r\n", "*2147483648\r\n"}) {
        FakeRespServer server(fake::on("GET", FakeReply::flood_after(header, k_flood_bytes)));
        auto run = run_redops_measured(concat(server.args("3s"), {"token", "get", "--provider", "p", "--tenant", "t"}),
                                       RunOptions{.timeout = std::chrono::seconds(20)});
        INFO(header << brief(run.result.out) << brief(run.result.err) << "max RSS " << run.max_rss_kb << " kB");
        CHECK(run.result.exit_code == 4);
        CHECK(run.max_rss_kb < k_rss_limit_kb + k_sanitizer_rss_kib);
        note_fault_case("array length " + header.substr(1, header.size() - 3) + " (token get)", run.result.exit_code,
                        false);
    }
}

TEST_CASE("garbage bytes in place of a reply are a protocol error", "[fault][reply]")
{
    for (const auto& args : k_data_commands) {
        FakeRespServer server(fake::always(FakeReply::send("!@#\x01\xff garbage\r\n")));
        auto r = run_redops(concat(server.args(), args), RunOptions{.timeout = std::chrono::seconds(15)});
        INFO(joined(args) << "\n" << brief(r.out) << brief(r.err));
        CHECK(r.exit_code == 4);
        CHECK_FALSE(wrote_anything(server));
        note_fault_case("garbage reply: " + joined(args), r.exit_code, wrote_anything(server));
    }
}

TEST_CASE("a connection closed in the middle of a reply exits 3", "[fault][reply]")
{
    const std::vector<FakeReply> halves{FakeReply::send_then_close("$10\r\nabc"),
                                        FakeReply::send_then_close("*2\r\n$1\r\n0"), FakeReply::send_then_close(":12"),
                                        FakeReply::close(), FakeReply::reset()};
    for (const auto& args : k_data_commands) {
        for (const auto& half : halves) {
            FakeRespServer server(fake::always(half));
            auto r = run_redops(concat(server.args(), args), RunOptions{.timeout = std::chrono::seconds(15)});
            INFO(joined(args) << " after \"" << half.bytes << "\"\n" << brief(r.out) << brief(r.err));
            CHECK(r.exit_code == 3);
            CHECK(r.elapsed < std::chrono::seconds(10));
            note_fault_case("closed mid-reply: " + joined(args), r.exit_code, wrote_anything(server));
        }
    }
}

TEST_CASE("NOAUTH on any command exits 3", "[fault][reply]")
{
    auto commands = k_data_commands;
    commands.push_back({"ping"});
    commands.push_back({"ratelimit", "test", "--resource", "api", "--subject", "u1", "--limit", "5", "--window", "1m"});
    for (const auto& args : commands) {
        FakeRespServer server(fake::always(FakeReply::send(resp::error("NOAUTH Authentication required."))));
        auto r = run_redops(concat(server.args(), args), RunOptions{.timeout = std::chrono::seconds(15)});
        INFO(joined(args) << "\n" << brief(r.out) << brief(r.err));
        CHECK(r.exit_code == 3);
        CHECK(mentions(r.err, "auth"));
        note_fault_case("NOAUTH: " + joined(args), r.exit_code, false);
    }
}

TEST_CASE("LOADING READONLY BUSY and OOM replies exit 4 and quote the server", "[fault][reply]")
{
    const std::vector<std::string> errors{
        "LOADING Redis is loading the dataset in memory",
        "READONLY You can't write against a read only replica.",
        "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSCRIPT.",
        "OOM command not allowed when used memory > 'maxmemory'.",
    };
    for (const auto& error : errors) {
        for (const auto& args : k_data_commands) {
            FakeRespServer server(fake::always(FakeReply::send(resp::error(error))));
            auto r = run_redops(concat(server.args(), args), RunOptions{.timeout = std::chrono::seconds(15)});
            INFO(joined(args) << "\n" << brief(r.out) << brief(r.err));
            CHECK(r.exit_code == 4);
            CHECK(mentions(r.err, error.substr(0, error.find(' '))));
            CHECK(r.elapsed < std::chrono::seconds(10));
            note_fault_case(error.substr(0, error.find(' ')) + ": " + joined(args), r.exit_code, false);
        }
    }
}

TEST_CASE("a MOVED loop ends in bounded time with exit 3 or 4", "[fault][reply]")
{
    for (const std::string mode : {"standalone", "cluster"}) {
        for (const auto& args : k_data_commands) {
            // The server points every key at itself: a cluster client would follow it forever without a bound.
            auto port = std::make_shared<std::atomic<int>>(0);
            FakeHandler loop = [port](const std::vector<std::string>& a) { return fake::moved_loop(*port)(a); };
            FakeRespServer server(loop, FakeServerOptions{.mode = mode});
            *port = server.port();
            auto r = run_redops(concat(server.args(), args), RunOptions{.timeout = std::chrono::seconds(15)});
            INFO(mode << ": " << joined(args) << "\n" << brief(r.out) << brief(r.err));
            CHECK((r.exit_code == 3 || r.exit_code == 4));
            CHECK(r.elapsed < std::chrono::seconds(10));
            CHECK(server.total_commands() < 200);
            note_fault_case("MOVED loop (" + mode + "): " + joined(args), r.exit_code, false);
        }
    }
}

TEST_CASE("a listing whose value reads answer LOADING or MASTERDOWN fails instead of showing bad rows",
          "[fault][reply]")
{
    // SCAN works and finds one key of each kind; every GET after it is refused by the server's state. The
    // listing cannot be complete: exit 4 quoting the server, never exit 0 with the key skipped or shown as malformed.
    const std::vector<std::string> keys{"auth:token:p:t", "lock:nightly", "session:s1"};
    const std::vector<std::vector<std::string>> listings{{"token", "list"},
                                                         {"lock", "list"},
                                                         {"sessions", "list", "--all"}};
    for (const std::string error :
         {"LOADING Redis is loading the dataset in memory",
          "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."}) {
        for (const auto& args : listings) {
            FakeRespServer server([&](const std::vector<std::string>& command) -> std::optional<FakeReply> {
                if (command[0] == "SCAN") {
                    return FakeReply::send(resp::array({resp::bulk("0"), resp::bulk_array(keys)}));
                }
                if (command[0] == "GET") {
                    return FakeReply::send(resp::error(error));
                }
                if (command[0] == "TTL" || command[0] == "PTTL") {
                    return FakeReply::send(":100\r\n"); // answered: only the value read is refused
                }
                return std::nullopt;
            });
            for (const auto& format : {std::vector<std::string>{}, std::vector<std::string>{"--json"}}) {
                auto r = run_redops(concat(concat(server.args(), format), args),
                                    RunOptions{.timeout = std::chrono::seconds(15)});
                const std::string code = error.substr(0, error.find(' '));
                INFO(joined(args) << " " << joined(format) << "\n" << brief(r.out) << brief(r.err));
                CHECK(r.exit_code == 4);
                CHECK(mentions(r.err, code));
                CHECK(r.out.find("malformed") == std::string::npos);
                CHECK_FALSE(wrote_anything(server)); // a listing reads only, failing or not
                if (!format.empty()) {
                    CHECK(r.out.find("\"ok\":false") != std::string::npos);
                }
                note_fault_case(code + " on value reads: " + joined(args), r.exit_code, false);
            }
        }
    }
}

TEST_CASE("dedupe --mark falls back to the script on a server that refuses SET NX GET", "[fault][reply]")
{
    // A server before Redis 7.0 answers "ERR syntax error" to SET ... NX GET and writes nothing. redops then marks
    // through the type-checking script (here: id a new, id b a duplicate with 50 s left) and keeps using it.
    FakeRespServer server([](const std::vector<std::string>& command) -> std::optional<FakeReply> {
        if (command[0] == "SET") {
            return FakeReply::send(resp::error("ERR syntax error"));
        }
        if (command[0] == "EVALSHA" || command[0] == "EVAL") {
            const bool known = command.size() > 3 && command[3].find(":b") != std::string::npos;
            return FakeReply::send(resp::array({resp::integer(known ? 0 : 1), resp::integer(known ? 50 : 600)}));
        }
        return std::nullopt;
    });
    auto r = run_redops(concat(server.args(), {"--json", "dedupe", "check", "--tenant", "t", "--id", "a", "--id", "b",
                                               "--mark", "--ttl", "600"}),
                        RunOptions{.timeout = std::chrono::seconds(15)});
    INFO(brief(r.out) << brief(r.err));
    CHECK(r.exit_code == 1); // one duplicate
    auto doc = nlohmann::json::parse(r.out);
    REQUIRE(doc["ids"].size() == 2);
    CHECK(doc["ids"][0]["duplicate"] == false);
    CHECK(doc["ids"][0]["ttl_s"] == 600);
    CHECK(doc["ids"][1]["duplicate"] == true);
    CHECK(doc["ids"][1]["ttl_s"] == 50);
    CHECK(server.count("SET") == 2); // one batch tried SET NX GET, then the script took over
    CHECK(server.count("EVALSHA") + server.count("EVAL") >= 2);
}

TEST_CASE("doctor meets a STRLEN no server sends: the size is unknown, so MEMORY USAGE is asked", "[fault][reply]")
{
    // 2^63 - 1 bytes would overflow the size bound; a negative length makes no sense either. Either way the
    // string's size is not trusted, and MEMORY USAGE (2 MB here, over the 1 MiB default) decides big_key.
    for (const long long length : {9'223'372'036'854'775'807LL, -5LL}) {
        FakeRespServer server(fake::on("STRLEN", FakeReply::send(resp::integer(length)),
                                       fake::on("MEMORY", FakeReply::send(resp::integer(2'000'000)),
                                                fake::scan_with_cursor("0", {"dedupe:t:m1"}))));
        auto r = run_redops(concat(server.args(), {"doctor", "--json"}),
                            RunOptions{.timeout = std::chrono::seconds(12)});
        INFO("STRLEN " << length << "\n" << brief(r.out) << brief(r.err));
        CHECK(r.exit_code == 1);
        auto doc = nlohmann::json::parse(r.out, nullptr, false);
        REQUIRE_FALSE(doc.is_discarded());
        CHECK(doc["checks"]["big_key"]["count"] == 1);
        CHECK(server.count("MEMORY") == 1);
        note_fault_case(fmt::format("STRLEN {} (doctor)", length), r.exit_code, false);
    }
}
