// What the monitor modes share: the options, the sampler that survives outages, the key census and the event log.
#pragma once

#include "cli/context.h"
#include "cli/monitor_format.h"
#include "repo/health_sample.h"
#include "repo/key_census.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace redops::cli {

struct MonitorOptions {
    std::chrono::milliseconds interval{2000};
    std::optional<int> count; // none: until interrupted
    bool once = false;
    std::string format = "default";
    std::string output_file;
    bool check = false;
    CheckThresholds thresholds;
    bool keys = false;
    bool keys_exact = false;
    std::chrono::milliseconds keys_budget{5000};
    std::optional<std::string> listen; // --listen ADDR: serve /metrics and /healthz over HTTP
};

// --keys/--keys-exact: a census of the configured templates (custom key shapes are counted as what they are).
// `whole_pass`: each step runs a whole pass bounded by --keys-budget; otherwise one pass spread over the steps.
std::optional<repo::KeyCensus> make_key_census(const MonitorOptions& o, const config::Settings& settings,
                                               bool whole_pass);

// Takes samples on its own connection: a failed sample drops it, and the next one connects afresh
// (a Connection that failed refuses reuse), so a Redis restart is picked up without back-off beyond the interval.
// Not thread-safe: one thread takes the samples.
class Sampler {
public:
    Sampler(Context& ctx, std::optional<repo::KeyCensus> census) : m_ctx(ctx), m_census(std::move(census)) {}

    repo::HealthSample take();

private:
    repo::HealthSample take_once();
    void follow_sentinels();

    Context& m_ctx;
    std::unique_ptr<redis::Client> m_client;
    std::optional<repo::HealthSample> m_previous;
    std::optional<repo::KeyCensus> m_census;
};

// What the monitor has seen so far, to log what changes.
struct SeenState {
    std::optional<bool> healthy;
    std::string address; // of the last reachable sample
};

// The events a sample makes, each one log line (time, "redops: monitor: …"): health changes and a new primary.
std::vector<std::string> transitions(const repo::HealthSample& s, SeenState& seen);

// monitor --listen: serves /metrics and /healthz until SIGTERM or SIGINT (monitor_listen.cpp).
int run_listen(const MonitorOptions& o, Context& ctx);

} // namespace redops::cli
