// De-duplication marks as the services write them: one `SET key 1 NX EX ttl` per message id.
#pragma once

#include "config/key_template.h"
#include "redis/client.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace redops::repo {

struct DedupeResult {
    std::string id;
    bool duplicate = false;
    std::optional<long long> ttl_s; // remaining TTL of the mark; nullopt when there is none
};

class DedupeRepository {
public:
    static constexpr std::size_t k_batch = 500;

    DedupeRepository(redis::Client& client, const config::KeyTemplate& key_template)
        : m_client(client), m_template(key_template)
    {
    }

    // Peek (TYPE + TTL) or, with mark, the services' SET NX EX inside a script that first checks the type;
    // pipelined in batches. A key holding another type is Error(data), left unchanged.
    std::vector<DedupeResult> check(const std::string& tenant, const std::vector<std::string>& ids, bool mark,
                                    long long ttl_s);
    // Removes the marks so the messages can be reprocessed; returns how many existed.
    // on_batch, when set, gets the ids sent so far and the marks removed so far after each pipelined batch.
    long long forget(const std::string& tenant, const std::vector<std::string>& ids,
                     const std::function<void(long long sent, long long removed)>& on_batch = {});

private:
    std::string key(const std::string& tenant, const std::string& id) const;
    void check_batch(const std::string& tenant, const std::vector<std::string>& ids, std::size_t begin, std::size_t end,
                     bool mark, long long ttl_s, std::vector<DedupeResult>& out);

    bool mark_batch(const std::vector<std::string>& keys, const std::vector<std::string>& ids, std::size_t begin,
                    long long ttl_s, std::vector<DedupeResult>& out);

    redis::Client& m_client;
    const config::KeyTemplate& m_template;
    bool m_script_marks = false; // the server refused SET NX GET (before Redis 7.0): marks go through the script
};

} // namespace redops::repo
