#include "repo/doctor_scan.h"

#include "common/error.h"
#include "redis/scan.h"
#include "repo/index_walk.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace redops::repo {

namespace {

long long now_ms()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool is_redirect(const redis::Reply& reply)
{
    return reply.is_error() && (reply.str.rfind("MOVED ", 0) == 0 || reply.str.rfind("ASK ", 0) == 0 ||
                                reply.str.rfind("TRYAGAIN", 0) == 0);
}

// An error reply that is about the key's type, not about us (NOPERM, OOM, ... are thrown).
bool is_wrongtype(const redis::Reply& reply)
{
    return reply.is_error() && reply.str.rfind("WRONGTYPE", 0) == 0;
}

struct KindTemplate {
    DoctorKind kind;
    const config::KeyTemplate* key_template;
    std::string prefix; // the literal text before the first placeholder: a cheap test before match()
};

std::string literal_prefix(const config::KeyTemplate& key_template)
{
    const std::string mark(1, '\x01');
    std::map<std::string, std::string> values;
    for (const auto& name : key_template.placeholders()) {
        values[name] = mark;
    }
    std::string rendered = key_template.render(values);
    return rendered.substr(0, rendered.find(mark));
}

bool audited(const DoctorOptions& options, std::string_view kind)
{
    return options.kinds.empty() || std::find(options.kinds.begin(), options.kinds.end(), kind) != options.kinds.end();
}

// A key from SCAN, classified, with where its replies start in the batch pipeline.
struct Pending {
    std::string key;
    DoctorKind kind = DoctorKind::other;
    std::size_t first_reply = 0;
};

// A user index to walk member by member, and what its walk found so far.
struct IndexWalk {
    std::string key;
    long long pttl = -1;
    long long longest = 0; // the longest PTTL of a member's session
};

class DoctorPass {
public:
    DoctorPass(redis::Client& client, const config::KeyTemplates& templates, const DoctorOptions& options)
        : m_client(client), m_templates(templates), m_options(options),
          m_audit(options, templates.user_index.value, now_ms())
    {
        auto add = [&](DoctorKind kind, const config::KeyTemplate& key_template) {
            if (audited(options, doctor_kind_name(kind)) ||
                (kind == DoctorKind::lock_fence && audited(options, "lock"))) {
                m_kinds.push_back({kind, &key_template, literal_prefix(key_template)});
            } else {
                m_skipped_kinds.push_back({kind, &key_template, literal_prefix(key_template)});
            }
        };
        add(DoctorKind::token, templates.token.value);
        add(DoctorKind::lock, templates.lock.value);
        add(DoctorKind::dedupe, templates.dedupe.value);
        add(DoctorKind::ratelimit, templates.ratelimit.value);
        add(DoctorKind::session, templates.session.value);
        add(DoctorKind::user_index, templates.user_index.value);
        add(DoctorKind::lock_fence, templates.lock_fence.value);
        m_other = audited(options, "other");
    }

    void run(redis::Connection& connection, long long& scanned, const DoctorProgress& progress)
    {
        redis::ScanBound bound(fmt::format("SCAN on {}", connection.peer()), redis::node_size_hint(connection),
                               m_options.scan_count);
        std::string cursor = "0";
        bool scanning = true;
        std::vector<Pending> pending;
        while (scanning || !pending.empty()) {
            std::vector<redis::Command> commands = reads(pending);
            if (scanning) {
                commands.push_back(redis::cmd("SCAN", cursor, "COUNT", m_options.scan_count));
            }
            auto replies = connection.pipeline(commands);
            judge(pending, replies);
            pending.clear();
            if (scanning) {
                std::vector<std::string> keys;
                cursor = redis::read_scan_reply(replies.back().check(), keys);
                bound.step(cursor);
                scanning = cursor != "0";
                scanned += static_cast<long long>(keys.size());
                m_audit.report().scanned += static_cast<long long>(keys.size());
                pending = classify(std::move(keys));
                if (progress) {
                    progress(m_audit.report().scanned);
                }
            }
        }
    }

    DoctorReport& report() { return m_audit.report(); }

private:
    bool big_keys() const { return m_options.big_key_bytes > 0; }

    std::vector<Pending> classify(std::vector<std::string> keys)
    {
        std::vector<Pending> pending;
        pending.reserve(keys.size());
        for (auto& key : keys) {
            int fits = 0;
            DoctorKind kind = DoctorKind::other;
            bool skipped = false;
            for (const auto& candidate : m_kinds) {
                if (key.compare(0, candidate.prefix.size(), candidate.prefix) == 0 && candidate.key_template->match(key)) {
                    ++fits;
                    kind = candidate.kind;
                }
            }
            for (const auto& candidate : m_skipped_kinds) {
                if (key.compare(0, candidate.prefix.size(), candidate.prefix) == 0 && candidate.key_template->match(key)) {
                    ++fits;
                    skipped = true;
                }
            }
            if (fits > 1) {
                m_audit.report().skipped_ambiguous.add(key);
            } else if (!skipped && (kind != DoctorKind::other || m_other)) {
                pending.push_back({std::move(key), kind, 0});
            }
        }
        return pending;
    }

    std::vector<redis::Command> reads(std::vector<Pending>& pending) const
    {
        std::vector<redis::Command> commands;
        commands.reserve(pending.size() * 4 + 1);
        for (auto& p : pending) {
            p.first_reply = commands.size();
            if (p.kind != DoctorKind::other) {
                commands.push_back(redis::cmd("TYPE", p.key));
                commands.push_back(redis::cmd("PTTL", p.key));
                if (p.kind == DoctorKind::token || p.kind == DoctorKind::session) {
                    commands.push_back(redis::cmd("GETRANGE", p.key, 0, k_max_value_bytes));
                }
            }
            if (big_keys()) {
                commands.push_back(redis::cmd("MEMORY", "USAGE", p.key, "SAMPLES", m_options.memory_samples));
            }
        }
        return commands;
    }

    void judge(const std::vector<Pending>& pending, const std::vector<redis::Reply>& replies)
    {
        std::vector<SessionLink> links;
        std::vector<IndexWalk> indexes;
        for (const auto& p : pending) {
            std::size_t at = p.first_reply;
            std::optional<SessionLink> link;
            if (p.kind != DoctorKind::other) {
                if (!read_state(p, replies, at, link, indexes)) {
                    continue;
                }
            } else {
                m_audit.unknown_key(p.key);
            }
            if (big_keys()) {
                const redis::Reply& usage = replies.at(at);
                if (is_redirect(usage)) {
                    continue;
                }
                usage.check();
                if (usage.is_integer() && usage.integer > m_options.big_key_bytes) {
                    m_audit.big_key(p.key, session_id(p), usage.integer);
                }
            }
            if (link) {
                links.push_back(std::move(*link));
            }
        }
        check_links(links);
        walk_indexes(indexes);
    }

    std::string session_id(const Pending& p) const
    {
        if (p.kind != DoctorKind::session) {
            return {};
        }
        auto values = m_templates.session.value.match(p.key);
        return values && values->count("id") ? values->at("id") : std::string();
    }

    // Reads TYPE, PTTL (and the value) of p; false when the key is gone or moved, so nothing more is checked.
    bool read_state(const Pending& p, const std::vector<redis::Reply>& replies, std::size_t& at,
                    std::optional<SessionLink>& link, std::vector<IndexWalk>& indexes)
    {
        const redis::Reply& type = replies.at(at++);
        const redis::Reply& pttl = replies.at(at++);
        const redis::Reply* value = nullptr;
        if (p.kind == DoctorKind::token || p.kind == DoctorKind::session) {
            value = &replies.at(at++);
        }
        if (is_redirect(type) || is_redirect(pttl) || (value && is_redirect(*value))) {
            ++m_audit.report().vanished;
            return false;
        }
        KeyState state;
        state.key = p.key;
        state.kind = p.kind;
        state.type = type.check().as_string("TYPE");
        state.pttl = pttl.check().as_integer("PTTL");
        ++m_audit.report().audited;
        if (value && !is_wrongtype(*value)) {
            value->check();
            if (value->is_string()) {
                if (static_cast<long long>(value->str.size()) > k_max_value_bytes) {
                    state.value_too_big = true;
                } else {
                    state.value = value->str;
                }
            }
        }
        state.id = session_id(p);
        if (state.type == "none" || state.pttl == -2) {
            ++m_audit.report().vanished;
            return false;
        }
        link = m_audit.inspect(state);
        if (p.kind == DoctorKind::user_index && state.type == "set") {
            IndexWalk walk;
            walk.key = p.key;
            walk.pttl = state.pttl;
            indexes.push_back(std::move(walk));
        }
        return true;
    }

    // Is each live session in its user's index? SISMEMBER + the index's PTTL, one pipeline for the batch.
    void check_links(const std::vector<SessionLink>& links)
    {
        if (links.empty() || !audited(m_options, "user_index")) {
            return;
        }
        std::vector<redis::Command> commands;
        commands.reserve(links.size() * 2);
        for (const auto& link : links) {
            commands.push_back(redis::cmd("SISMEMBER", link.index, link.id));
            commands.push_back(redis::cmd("PTTL", link.index));
        }
        auto replies = m_client.pipeline(commands);
        for (std::size_t i = 0; i < links.size(); ++i) {
            const redis::Reply& member = replies.at(2 * i);
            if (is_wrongtype(member)) {
                continue; // the index holds another type: a wrong_type finding of its own
            }
            if (member.check().as_integer("SISMEMBER") == 0) {
                m_audit.unindexed(links[i], replies.at(2 * i + 1).check().as_integer("PTTL"));
            }
        }
    }

    // Every member of each index, page by page (index_walk, shared with the monitor's census).
    void walk_indexes(std::vector<IndexWalk>& indexes)
    {
        std::vector<std::string> keys;
        keys.reserve(indexes.size());
        for (const auto& walk : indexes) {
            keys.push_back(walk.key);
        }
        walk_user_indexes(m_client, m_templates.session.value, keys, m_options.scan_count, [&](const IndexPage& page) {
            IndexWalk& walk = indexes[page.index];
            for (long long pttl : page.member_pttls) {
                walk.longest = std::max(walk.longest, pttl);
            }
            m_audit.index_members(walk.key, walk.pttl, page.stale, std::vector<long long>(page.stale.size(), -2),
                                  m_templates.session.value);
            if (page.done && page.walked) {
                m_audit.index_done(walk.key, walk.pttl, walk.longest);
            }
        });
    }

    redis::Client& m_client;
    const config::KeyTemplates& m_templates;
    const DoctorOptions& m_options;
    DoctorAudit m_audit;
    std::vector<KindTemplate> m_kinds;
    std::vector<KindTemplate> m_skipped_kinds; // kinds left out by --kinds: their keys are not "unknown"
    bool m_other = true;
};

} // namespace

DoctorReport doctor_scan(redis::Client& client, const config::KeyTemplates& templates, const DoctorOptions& options,
                         const DoctorProgress& progress)
{
    const auto started = std::chrono::steady_clock::now();
    DoctorPass pass(client, templates, options);
    client.for_each_primary([&](redis::Connection& connection) {
        long long scanned = 0;
        pass.run(connection, scanned, progress);
        pass.report().per_node.emplace_back(connection.peer(), scanned);
    });
    DoctorReport report = std::move(pass.report());
    report.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    return report;
}

} // namespace redops::repo
