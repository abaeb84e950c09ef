#include "repo/index_walk.h"

#include "redis/scan.h"

#include <unordered_set>

namespace redops::repo {

namespace {

bool ends_walk(const redis::Reply& reply)
{
    return reply.is_wrongtype() || reply.is_redirect();
}

struct Walk {
    std::string cursor = "0";
    bool done = false;
    std::unordered_set<std::string> stale; // SSCAN may return a member twice
    std::optional<redis::ScanBound> bound;
};

} // namespace

bool walk_user_indexes(redis::Client& client, const config::KeyTemplate& session_template,
                       const std::vector<std::string>& indexes, long long scan_count,
                       const std::function<void(const IndexPage&)>& on_page,
                       std::optional<std::chrono::steady_clock::time_point> deadline)
{
    std::vector<Walk> walks(indexes.size());
    while (true) {
        std::vector<std::size_t> active;
        std::vector<redis::Command> scans;
        for (std::size_t i = 0; i < walks.size(); ++i) {
            if (!walks[i].done) {
                active.push_back(i);
                scans.push_back(redis::cmd("SSCAN", indexes[i], walks[i].cursor, "COUNT", scan_count));
            }
        }
        if (active.empty()) {
            return true;
        }
        if (deadline && std::chrono::steady_clock::now() >= *deadline) {
            return false;
        }
        auto replies = client.pipeline(scans);
        std::vector<IndexPage> pages(active.size());
        std::vector<redis::Command> pttls;
        for (std::size_t a = 0; a < active.size(); ++a) {
            Walk& walk = walks[active[a]];
            IndexPage& page = pages[a];
            page.index = active[a];
            if (ends_walk(replies[a])) {
                walk.done = true; // replaced or moved meanwhile: judged by what it holds next time
            } else {
                if (!walk.bound) {
                    walk.bound.emplace("SSCAN " + indexes[active[a]], -1, scan_count);
                }
                walk.cursor = redis::read_scan_reply(replies[a].check(), page.members, "SSCAN");
                walk.bound->step(walk.cursor);
                walk.done = walk.cursor == "0";
                for (const auto& member : page.members) {
                    pttls.push_back(redis::cmd("PTTL", session_template.render({{"id", member}})));
                }
            }
            page.done = walk.done;
            page.walked = walk.bound.has_value();
        }
        auto ttls = client.pipeline(pttls);
        std::size_t at = 0;
        for (IndexPage& page : pages) {
            Walk& walk = walks[page.index];
            for (const auto& member : page.members) {
                long long pttl = ttls.at(at++).check().as_integer("PTTL");
                page.member_pttls.push_back(pttl);
                if (pttl == -2 && walk.stale.insert(member).second) {
                    page.stale.push_back(member);
                }
            }
            on_page(page);
        }
    }
}

} // namespace redops::repo
