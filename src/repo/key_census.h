// Keys per data kind by one SCAN pass over every primary, spread over many monitor samples so the server
// never sees more than a few bounded SCAN calls at a time (monitor --keys), or run to its end (--keys-exact).
#pragma once

#include "redis/client.h"
#include "redis/scan.h"
#include "repo/key_classifier.h"
#include "repo/key_counts.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace redops::repo {

// What the census needs to judge the layer besides the templates it classifies by.
struct CensusSettings {
    long long scan_count = 1000;
    long long lock_ttl_ms = 30'000;             // defaults.lock_ttl: what lock_ttl_consumed is measured against
    long long token_safety_buffer_ms = 300'000; // defaults.token_safety_buffer_s
    config::KeyTemplate session_template;       // to read a user index's members back into session keys
};

class KeyCensus {
public:
    // At most this many SCAN calls per primary per step: with COUNT 1000 about ten thousand keys.
    static constexpr int k_scans_per_step = 10;

    // `whole_pass_budget`: every step runs a whole pass, so the counts are those of the step's time, but for no
    // longer than the budget: a pass cut short publishes what it counted, marked partial. None: each step
    // advances one pass a few SCAN calls (k_scans_per_step) and publishes when that pass completes.
    // Besides SCAN, each batch's keys are read in one pipeline on their node: PTTL of every key
    // (no TTL per kind, lock TTLs), GETRANGE of tokens (expiresAt); each user index seen is walked (index_walk)
    // for stale entries.
    KeyCensus(KeyClassifier classifier, CensusSettings settings,
              std::optional<std::chrono::milliseconds> whole_pass_budget);

    // Advances the pass under way (starting one when none is), publishes its counts when it completes, and
    // returns what is published. A failed step is reported in `error` and starts the pass over, and so does a
    // change of the primaries (a failover, a resharded cluster): a cursor belongs to one server.
    KeyCensusReport step(redis::Client& client);
    // Forgets the pass under way, e.g. after a failed sample: the server may have restarted, and a SCAN
    // cursor of the old process means nothing to the new one. The published counts stay.
    void restart();

private:
    struct NodeCursor {
        redis::NodeAddress node;
        std::string cursor = "0";
        bool done = false;
        std::optional<redis::ScanBound> bound; // set on the first SCAN of the pass
    };

    static std::vector<redis::NodeAddress> primaries(redis::Client& client);
    bool same_nodes(const std::vector<redis::NodeAddress>& nodes) const;
    void begin(std::vector<redis::NodeAddress> nodes);
    void advance(redis::Client& client, NodeCursor& node, int max_scans,
                 std::optional<std::chrono::steady_clock::time_point> deadline);
    // Reads the state of one SCAN batch on its node; the user indexes among them are added to `indexes`.
    void read_batch(redis::Connection& connection, const std::vector<std::string>& keys,
                    std::vector<std::string>& indexes);
    void judge_token(const std::string& key, const redis::Reply& value, long long now);
    void publish(bool partial);

    KeyClassifier m_classifier;
    CensusSettings m_settings;
    std::size_t m_token, m_lock, m_user_index; // kind indexes (other(): the kind is not configured)
    std::optional<std::chrono::milliseconds> m_budget;
    std::vector<NodeCursor> m_pass; // empty: no pass under way
    std::vector<long long> m_counting;
    std::vector<long long> m_counting_no_ttl;
    LayerFigures m_layer;
    bool m_cut_short = false; // an index walk stopped at the budget: the pass is partial
    long long m_scanned = 0;
    KeyCensusReport m_published;
};

} // namespace redops::repo
