// A keyspace with every anomaly `redops doctor` checks for, each next to its healthy twin, and what to expect.
#pragma once

#include "redis/client.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace redops::test {

class DoctorSeed {
public:
    explicit DoctorSeed(redis::Client& client) : m_client(client) {}

    // What a key holds, byte for byte (DUMP), and whether it expires.
    using Snapshot = std::map<std::string, std::pair<std::string, bool>>;

    void seed_healthy();
    void seed_all(); // seed_healthy() and every anomaly
    Snapshot snapshot();
    // After --fix --yes --window 1m: each repair made as documented, every other key exactly as before.
    void check_repaired(const Snapshot& before);

    static std::vector<std::pair<std::string, long long>> expected_findings();
    static std::vector<std::pair<std::string, long long>> expected_after_fix();
    static long long expected_total();
    static long long expected_repairs(); // with --window

    static constexpr const char* k_good_token = "auth:token:p:good";
    static constexpr const char* k_bad_token = "auth:token:p:bad";
    static constexpr const char* k_good_session = "session:good-0000-aaaa";
    static constexpr const char* k_bad_session = "session:bad-0000-bbbb";
    static constexpr const char* k_unindexed_id = "unindexed-0000-cccc";
    static constexpr const char* k_stale_id = "stale-0000-dddd";

private:
    void set(const std::string& key, const std::string& value, long long ttl_s);
    long long pttl(const std::string& key);

    redis::Client& m_client;
    std::vector<std::string> m_keys;
};

} // namespace redops::test
