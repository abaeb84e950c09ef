// Canned FakeRespServer behaviours (declared in fake_resp_server.h): a MATCH-ignoring keyspace, bad cursors,
// error replies, a MOVED loop.
#include "fake_resp_server.h"

#include "redis/cluster_slot.h"
#include "resp_wire.h"

#include <fmt/format.h>
#include <memory>
#include <utility>

namespace redops::test::fake {

namespace {

using Keys = std::map<std::string, std::string>;

std::vector<std::string> names_of(const Keys& keys)
{
    std::vector<std::string> names;
    for (const auto& [name, value] : keys) {
        names.push_back(name);
    }
    return names;
}

std::optional<FakeReply> answer_from(Keys& keys, const std::vector<std::string>& args)
{
    const std::string name = resp::upper(args[0]);
    auto found = [&](std::size_t i) { return args.size() > i && keys.contains(args[i]); };
    if (name == "GET" && args.size() == 2) {
        return FakeReply::send(found(1) ? resp::bulk(keys[args[1]]) : resp::nil());
    }
    if (name == "GETRANGE" && args.size() == 4) { // the doctor's read: the whole value is enough here
        return FakeReply::send(resp::bulk(found(1) ? keys[args[1]] : std::string()));
    }
    if (name == "STRLEN" && args.size() == 2) {
        return FakeReply::send(resp::integer(found(1) ? static_cast<long long>(keys[args[1]].size()) : 0));
    }
    if (name == "TTL" || name == "PTTL") {
        return FakeReply::send(resp::integer(!found(1) ? -2 : name == "TTL" ? 100 : 100'000));
    }
    if (name == "TYPE") {
        return FakeReply::send(resp::simple(found(1) ? "string" : "none"));
    }
    if (name == "EXISTS" || name == "UNLINK" || name == "DEL") {
        long long n = 0;
        for (std::size_t i = 1; i < args.size(); ++i) {
            n += found(i) ? 1 : 0;
            if (name != "EXISTS") {
                keys.erase(args[i]);
            }
        }
        return FakeReply::send(resp::integer(n));
    }
    if (name == "SET" && args.size() >= 3) {
        bool nx = false;
        for (std::size_t i = 3; i < args.size(); ++i) {
            nx = nx || resp::upper(args[i]) == "NX";
        }
        if (nx && found(1)) {
            return FakeReply::send(resp::nil());
        }
        keys[args[1]] = args[2];
        return FakeReply::send(resp::simple("OK"));
    }
    if (name == "DBSIZE") {
        return FakeReply::send(resp::integer(static_cast<long long>(keys.size())));
    }
    if (name == "SSCAN") {
        return FakeReply::send(resp::array({resp::bulk("0"), resp::array({})}));
    }
    return std::nullopt;
}

} // namespace

FakeHandler keyspace_ignoring_match(std::map<std::string, std::string> keys)
{
    auto state = std::make_shared<Keys>(std::move(keys));
    return [state](const std::vector<std::string>& args) -> std::optional<FakeReply> {
        if (resp::upper(args[0]) == "SCAN") {
            return FakeReply::send(resp::array({resp::bulk("0"), resp::bulk_array(names_of(*state))}));
        }
        return answer_from(*state, args);
    };
}

FakeHandler scan_with_cursor(std::string cursor, std::vector<std::string> keys)
{
    auto state = std::make_shared<Keys>();
    for (const auto& key : keys) {
        (*state)[key] = "v";
    }
    return [state, cursor = std::move(cursor),
            keys = std::move(keys)](const std::vector<std::string>& args) -> std::optional<FakeReply> {
        if (resp::upper(args[0]) == "SCAN") {
            return FakeReply::send(resp::array({resp::bulk(cursor), resp::bulk_array(keys)}));
        }
        return answer_from(*state, args);
    };
}

FakeHandler scan_counting_up(std::vector<std::string> keys)
{
    auto state = std::make_shared<Keys>();
    for (const auto& key : keys) {
        (*state)[key] = "v";
    }
    auto calls = std::make_shared<long long>(0);
    return [state, calls, keys = std::move(keys)](const std::vector<std::string>& args) -> std::optional<FakeReply> {
        if (resp::upper(args[0]) == "SCAN") {
            return FakeReply::send(resp::array({resp::bulk(std::to_string(++*calls)), resp::bulk_array(keys)}));
        }
        return answer_from(*state, args);
    };
}

FakeHandler always(FakeReply reply)
{
    return [reply = std::move(reply)](const std::vector<std::string>& args) -> std::optional<FakeReply> {
        const std::string name = resp::upper(args[0]);
        if (name == "HELLO" || name == "SELECT") {
            return std::nullopt;
        }
        return reply;
    };
}

FakeHandler on(const std::string& name, FakeReply reply, FakeHandler fallback)
{
    return [name = resp::upper(name), reply = std::move(reply),
            fallback = std::move(fallback)](const std::vector<std::string>& args) -> std::optional<FakeReply> {
        if (resp::upper(args[0]) == name) {
            return reply;
        }
        return fallback ? fallback(args) : std::nullopt;
    };
}

FakeHandler moved_loop(int port)
{
    return [port](const std::vector<std::string>& args) -> std::optional<FakeReply> {
        const std::string name = resp::upper(args[0]);
        const std::string node_id(40, 'a');
        if (name == "CLUSTER" && args.size() > 1 && resp::upper(args[1]) == "SLOTS") {
            std::string node = resp::array({resp::bulk("127.0.0.1"), resp::integer(port), resp::bulk(node_id)});
            return FakeReply::send(resp::array({resp::array({resp::integer(0), resp::integer(16383), node})}));
        }
        if (name == "CLUSTER" && args.size() > 1 && resp::upper(args[1]) == "NODES") {
            return FakeReply::send(resp::bulk(
                fmt::format("{} 127.0.0.1:{}@1{} myself,master - 0 0 1 connected 0-16383\n", node_id, port, port)));
        }
        if (name == "HELLO" || name == "SELECT" || name == "CLIENT" || name == "PING" || args.size() < 2) {
            return std::nullopt;
        }
        int slot = redis::key_slot(args[1]);
        return FakeReply::send(resp::error(fmt::format("MOVED {} 127.0.0.1:{}", slot, port)));
    };
}

} // namespace redops::test::fake
