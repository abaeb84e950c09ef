// Work bounds counted by the server itself (INFO commandstats): limited session listings read only what the limit
// needs, and bulk invalidation / dedupe forget delete with multi-key UNLINKs (one per slot in a cluster).
#include "process.h"
#include "redis/cluster_slot.h"
#include "redis/connection.h"
#include "target.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

using redops::redis::cmd;
using redops::test::TestTarget;
using redops::test::Topology;
using json = nlohmann::json;

namespace {

// Zeroes the command statistics of every primary, so the next redops run is all they count.
void reset_stats(TestTarget& target)
{
    target.client().for_each_primary([](redops::redis::Connection& c) { c.call(cmd("CONFIG", "RESETSTAT")); });
}

// calls per command (lower case, e.g. "get"), summed over every primary.
std::map<std::string, long long> command_calls(TestTarget& target)
{
    std::map<std::string, long long> calls;
    target.client().for_each_primary([&](redops::redis::Connection& c) {
        std::istringstream info(c.call(cmd("INFO", "commandstats")).str);
        std::string line;
        while (std::getline(info, line)) {
            // cmdstat_get:calls=3,usec=...
            auto colon = line.find(':');
            if (line.rfind("cmdstat_", 0) != 0 || colon == std::string::npos) {
                continue;
            }
            auto start = line.find("calls=", colon);
            REQUIRE(start != std::string::npos);
            calls[line.substr(8, colon - 8)] += std::stoll(line.substr(start + 6));
        }
    });
    return calls;
}

void seed_sessions(TestTarget& target, const std::string& user, const std::vector<std::string>& ids)
{
    std::vector<redops::redis::Command> seed;
    for (const auto& id : ids) {
        seed.push_back(
            cmd("SET", "session:" + id, json{{"userId", user}, {"createdAt", 1763800000000LL}}.dump(), "EX", 86'400));
        seed.push_back(cmd("SADD", "user:sessions:" + user, id));
    }
    for (const auto& reply : target.client().pipeline(seed)) {
        REQUIRE_FALSE(reply.is_error());
    }
}

std::vector<std::string> numbered(const std::string& prefix, int n)
{
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
        ids.push_back(prefix + std::to_string(i));
    }
    return ids;
}

} // namespace

TEST_CASE("sessions list --limit reads only the sessions it shows out of a 2000-session index",
          "[cli][sessions][bounded][portable]")
{
    TestTarget target;
    seed_sessions(target, "big", numbered("bounded0-", 2'000));
    constexpr long long limit = 3;

    for (std::vector<std::string> how :
         {std::vector<std::string>{"--user", "big"}, std::vector<std::string>{"--all"}}) {
        INFO(how.front());
        reset_stats(target);
        std::vector<std::string> args{"--json", "sessions", "list"};
        args.insert(args.end(), how.begin(), how.end());
        args.insert(args.end(), {"--limit", std::to_string(limit)});
        auto r = target.redops(args);
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK(json::parse(r.out)["sessions"].size() == limit);
        auto calls = command_calls(target);
        // The work the limit needs is a GET and a TTL per shown session; one SSCAN page (or SCAN pages) to find them.
        CHECK(calls["get"] == limit);
        CHECK(calls["ttl"] == limit);
        if (how.front() == "--user") {
            CHECK(calls["sscan"] == 1);
            CHECK(calls["get"] + calls["ttl"] + calls["sscan"] <= 4 * limit + 1);
        }
    }

    reset_stats(target);
    auto counted = target.redops({"--json", "sessions", "list", "--user", "big", "--limit", "3", "--count"});
    REQUIRE(counted.exit_code == 0);
    CHECK(json::parse(counted.out)["total"] == 3);
    CHECK(command_calls(target)["get"] == 3);

    // Without a limit every session is still read.
    reset_stats(target);
    auto all = target.redops({"--json", "sessions", "list", "--user", "big", "--count"});
    REQUIRE(all.exit_code == 0);
    CHECK(json::parse(all.out)["total"] == 2'000);
    CHECK(command_calls(target)["get"] == 2'000);
}

TEST_CASE("sessions invalidate --user and dedupe forget delete with multi-key UNLINKs per slot",
          "[cli][sessions][dedupe][bounded][portable]")
{
    TestTarget target;
    // 500 ids spread over slots, 100 sharing one hash tag (one slot): a cluster needs one UNLINK per distinct slot.
    auto ids = numbered("bulk0000-", 500);
    for (const auto& id : numbered("{tagged}-", 100)) {
        ids.push_back(id);
    }
    seed_sessions(target, "bulk", ids);
    seed_sessions(target, "bystander", {"keepme00-1"});
    std::vector<std::string> session_keys;
    std::set<int> slots;
    for (const auto& id : ids) {
        session_keys.push_back("session:" + id);
        slots.insert(redops::redis::key_slot(session_keys.back()));
    }
    bool cluster = target.topology() == Topology::cluster;
    REQUIRE(slots.size() < ids.size());

    reset_stats(target);
    auto inv = target.redops({"--json", "sessions", "invalidate", "--user", "bulk", "--yes"});
    INFO(inv.out << inv.err);
    REQUIRE(inv.exit_code == 0);
    auto doc = json::parse(inv.out);
    CHECK(doc["deleted"] == 600);
    CHECK(doc["unindexed"] == 600);
    CHECK(target.count_existing(session_keys) == 0);
    CHECK(target.count_existing({"user:sessions:bulk"}) == 0);
    CHECK(target.count_existing({"session:keepme00-1", "user:sessions:bystander"}) == 2);
    auto calls = command_calls(target);
    // Sessions in one UNLINK per slot and batch (standalone: one), plus the UNLINK of the index itself.
    CHECK(calls["unlink"] <= (cluster ? static_cast<long long>(slots.size()) : 1) + 1);
    CHECK(calls["get"] == 600);

    // dedupe forget: 600 marks of t1 in batches of 500; t2's mark stays.
    std::vector<redops::redis::Command> marks;
    std::vector<std::string> mark_keys;
    std::set<int> mark_slots;
    std::ofstream file(target.dir() / "ids");
    for (const auto& id : ids) {
        mark_keys.push_back("dedupe:t1:" + id);
        mark_slots.insert(redops::redis::key_slot(mark_keys.back()));
        marks.push_back(cmd("SET", mark_keys.back(), "1", "EX", 600));
        file << id << '\n';
    }
    file.close();
    marks.push_back(cmd("SET", "dedupe:t2:bulk0000-1", "1", "EX", 600));
    target.client().pipeline(marks);
    reset_stats(target);
    auto forget = target.redops(
        {"--json", "dedupe", "forget", "--tenant", "t1", "--ids-file", (target.dir() / "ids").string()});
    INFO(forget.out << forget.err);
    REQUIRE(forget.exit_code == 0);
    CHECK(json::parse(forget.out)["forgotten"] == 600);
    CHECK(target.count_existing(mark_keys) == 0);
    CHECK(target.count_existing({"dedupe:t2:bulk0000-1"}) == 1);
    // Two batches (500 + 100 ids); in a cluster at most one UNLINK per slot of each batch.
    CHECK(command_calls(target)["unlink"] <= (cluster ? static_cast<long long>(mark_slots.size()) + 1 : 2));
}
