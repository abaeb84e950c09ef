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

class KeyCensus {
public:
    // At most this many SCAN calls per primary per step: with COUNT 1000 about ten thousand keys.
    static constexpr int k_scans_per_step = 10;

    // `whole_pass_budget`: every step runs a whole pass, so the counts are those of the step's time, but for no
    // longer than the budget: a pass cut short publishes what it counted, marked partial. None: each step
    // advances one pass a few SCAN calls (k_scans_per_step) and publishes when that pass completes.
    KeyCensus(KeyClassifier classifier, long long scan_count, std::optional<std::chrono::milliseconds> whole_pass_budget);

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
    void advance(redis::Client& client, NodeCursor& node, int max_scans);
    void publish(bool partial);
    void count(const std::vector<std::string>& keys);

    KeyClassifier m_classifier;
    long long m_scan_count;
    std::optional<std::chrono::milliseconds> m_budget;
    std::vector<NodeCursor> m_pass; // empty: no pass under way
    std::vector<long long> m_counting;
    long long m_scanned = 0;
    KeyCensusReport m_published;
};

} // namespace redops::repo
