// Health probes of the nodes behind the client: PING latency, role and version (ping, monitor).
#pragma once

#include "common/error.h"
#include "redis/client.h"
#include "repo/health_sample.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace redops::repo {

struct NodePing {
    std::string address;
    std::string role;
    std::string version;
    std::string mode;
    std::string cluster_state;      // cluster nodes only: ok / fail, from CLUSTER INFO
    std::string master_link_status; // replicas only: up / down, from INFO replication
    std::string master;             // replicas only: "host:port" of its master
    bool reachable = false;
    std::optional<ErrorKind> error_kind; // set when unreachable
    std::string error;
    int samples = 0;
    double min_ms = 0;
    double avg_ms = 0;
    double max_ms = 0;
};

class HealthRepository {
public:
    explicit HealthRepository(redis::Client& client) : m_client(client) {}

    // PINGs every node `count` times, `interval` apart. With a single node a failure is thrown
    // (one clear error, exit 3); with several, each node's failure is reported in its entry.
    std::vector<NodePing> ping(int count, std::chrono::milliseconds interval);
    // One monitor sample of the client's node: PING latency and one INFO; throws when Redis does not answer.
    HealthSample sample();
    // The fewest client slots any primary has left (INFO clients: maxclients - connected_clients, never below 0);
    // none when no primary reports maxclients.
    std::optional<long long> free_client_slots();

private:
    redis::Client& m_client;
};

} // namespace redops::repo
