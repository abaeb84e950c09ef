#include "repo/doctor_scan.h"

#include "common/clock.h"
#include "common/error.h"
#include "common/interrupt.h"
#include "redis/scan.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <unordered_set>

namespace redops::repo {

namespace {

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

// What the batch pipeline reads of a key besides its PTTL; each read also tells the type, so TYPE is asked only
// when it fails with WRONGTYPE. value: the string value (tokens, sessions, whose checks parse it); length: STRLEN
// (the other string kinds, whose checks need only the type and, for big_key, the size); members: the set's first
// SSCAN page (user indexes, whose members are walked anyway).
enum class Probe { none, value, length, members };

Probe probe_of(DoctorKind kind)
{
    switch (kind) {
    case DoctorKind::token:
    case DoctorKind::session: return Probe::value;
    case DoctorKind::user_index: return Probe::members;
    case DoctorKind::other: return Probe::none;
    default: return Probe::length;
    }
}

// An upper bound of what MEMORY USAGE reports for a string key of that key and value length: the value and
// key allocations (jemalloc rounds up by at most a quarter plus a size class), the object, the dict entry and
// the cluster's slot metadata, with room to spare. Under --big-key-bytes, MEMORY USAGE need not be asked.
// A length no server holds (Redis caps a string at 512 MB), or a negative one, is a reply not to trust: no bound.
long long string_usage_bound(std::size_t key_bytes, long long value_bytes)
{
    constexpr long long k_beyond_any_value = 1LL << 40;
    if (value_bytes < 0 || value_bytes > k_beyond_any_value) {
        return std::numeric_limits<long long>::max();
    }
    return 2 * (static_cast<long long>(key_bytes) + value_bytes) + 512;
}

// The same for a set seen whole (its first SSCAN page ended the scan): per member its string and a hash table
// entry with its bucket pointer, each rounded up by jemalloc; the table, the object and the key's entry.
long long set_usage_bound(std::size_t key_bytes, const std::vector<std::string>& members)
{
    long long bytes = 1024 + 2 * static_cast<long long>(key_bytes);
    for (const auto& member : members) {
        bytes += 2 * (static_cast<long long>(member.size()) + 64);
    }
    return bytes;
}

// A key from SCAN, classified, with where its replies start in the batch pipeline.
struct Pending {
    std::string key;
    DoctorKind kind = DoctorKind::other;
    std::size_t first_reply = 0;
};

// An index being read member by member (SSCAN), across pipelined rounds.
struct IndexWalk {
    std::string key;
    long long pttl = -1;
    std::string cursor = "0";
    bool done = false;
    bool fresh = true; // the page in hand was not judged yet
    long long longest = 0;
    std::vector<std::string> page;
    std::unordered_set<std::string> stale; // SSCAN may return a member twice
    std::optional<redis::ScanBound> bound;
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

    // The SCAN and each batch's reads go over a connection of their own, and the server is never left idle:
    // each batch is [SCAN, reads of the keys the previous SCAN returned]. As soon as a SCAN's reply is in, the
    // next batch is sent, so the server works on it while this side takes the previous batch's replies and
    // judges them (their few follow-up reads go over `node`).
    void run(redis::Connection& node, long long& scanned, const DoctorProgress& progress)
    {
        redis::ScanBound bound(fmt::format("SCAN on {}", node.peer()), redis::node_size_hint(node),
                               m_options.scan_count);
        auto stream = redis::Connection::open(node.options());
        std::string cursor = "0";
        bool scanning = true;
        std::vector<Pending> pending; // the keys whose reads are in flight, behind the SCAN awaited next
        std::size_t pending_replies = 0;
        stream.send({redis::cmd("SCAN", cursor, "COUNT", m_options.scan_count)});
        while (scanning || !pending.empty()) {
            throw_if_interrupted(); // the stream's unread replies go with its connection
            std::vector<Pending> next;
            std::vector<redis::Command> commands;
            if (scanning) {
                std::vector<std::string> keys;
                cursor = redis::read_scan_reply(stream.receive(1).at(0).check(), keys);
                bound.step(cursor);
                scanning = cursor != "0";
                scanned += static_cast<long long>(keys.size());
                m_audit.report().scanned += static_cast<long long>(keys.size());
                next = classify(std::move(keys));
                if (progress) {
                    progress(m_audit.report().scanned);
                }
                if (scanning) {
                    commands.push_back(redis::cmd("SCAN", cursor, "COUNT", m_options.scan_count));
                }
                reads(next, commands);
                stream.send(commands);
            }
            auto replies = stream.receive(pending_replies);
            judge(pending, replies, node);
            pending = std::move(next);
            pending_replies = commands.size() - (scanning ? 1 : 0);
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
                if (key.compare(0, candidate.prefix.size(), candidate.prefix) == 0 &&
                    candidate.key_template->match(key)) {
                    ++fits;
                    kind = candidate.kind;
                }
            }
            for (const auto& candidate : m_skipped_kinds) {
                if (key.compare(0, candidate.prefix.size(), candidate.prefix) == 0 &&
                    candidate.key_template->match(key)) {
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

    // Appends the batch reads of `pending` to `commands`; each key's first_reply counts from the first of them.
    void reads(std::vector<Pending>& pending, std::vector<redis::Command>& commands) const
    {
        const std::size_t first = commands.size();
        commands.reserve(first + pending.size() * 2);
        for (auto& p : pending) {
            p.first_reply = commands.size() - first;
            switch (probe_of(p.kind)) {
            case Probe::value: commands.push_back(redis::cmd("GETRANGE", p.key, 0, k_max_value_bytes)); break;
            case Probe::length: commands.push_back(redis::cmd("STRLEN", p.key)); break;
            case Probe::members:
                commands.push_back(redis::cmd("SSCAN", p.key, "0", "COUNT", m_options.scan_count));
                break;
            case Probe::none: break;
            }
            if (p.kind != DoctorKind::other) {
                commands.push_back(redis::cmd("PTTL", p.key));
            }
            if (big_keys() && p.kind == DoctorKind::other) {
                // No cheap size hint for a key of no known kind: MEMORY USAGE with the batch, not in a follow-up.
                commands.push_back(redis::cmd("MEMORY", "USAGE", p.key, "SAMPLES", m_options.memory_samples));
            }
        }
    }

    // A key of a known kind as the batch pipeline saw it, before the follow-up reads.
    struct Seen {
        KeyState state;
        bool live = false;          // not gone or moved: judged
        bool needs_type = false;    // the probe said WRONGTYPE: TYPE tells what the key holds
        bool needs_usage = false;   // MEMORY USAGE: the size is not known to be under --big-key-bytes
        std::size_t type_reply = 0; // in the follow-up pipeline
        std::size_t usage_reply = 0;
        std::optional<IndexWalk> walk; // a user index's first page
    };

    void judge(const std::vector<Pending>& pending, const std::vector<redis::Reply>& replies,
               redis::Connection& connection)
    {
        // The batch's replies, then one follow-up pipeline on the same node for the few keys that need more:
        // TYPE after a WRONGTYPE, MEMORY USAGE where the size is not known to be small.
        std::vector<Seen> seen(pending.size());
        std::vector<redis::Command> follow_up;
        for (std::size_t i = 0; i < pending.size(); ++i) {
            const Pending& p = pending[i];
            if (p.kind == DoctorKind::other) {
                continue;
            }
            Seen& s = seen[i];
            read_state(p, replies, s);
            if (s.needs_type) {
                s.type_reply = follow_up.size();
                follow_up.push_back(redis::cmd("TYPE", p.key));
            }
            if (s.live && s.needs_usage) {
                s.usage_reply = follow_up.size();
                follow_up.push_back(redis::cmd("MEMORY", "USAGE", p.key, "SAMPLES", m_options.memory_samples));
            }
        }
        const auto more = connection.pipeline(follow_up);

        std::vector<SessionLink> links;
        std::vector<IndexWalk> indexes;
        for (std::size_t i = 0; i < pending.size(); ++i) {
            const Pending& p = pending[i];
            Seen& s = seen[i];
            const redis::Reply* usage = nullptr;
            std::optional<SessionLink> link;
            if (p.kind != DoctorKind::other) {
                if (s.live && s.needs_type) {
                    read_type(more.at(s.type_reply), probe_of(p.kind), s);
                }
                if (!s.live) {
                    continue;
                }
                link = m_audit.inspect(s.state);
                if (s.walk) {
                    indexes.push_back(std::move(*s.walk));
                }
                if (s.needs_usage) {
                    usage = &more.at(s.usage_reply);
                }
            } else {
                m_audit.unknown_key(p.key);
                if (big_keys()) {
                    usage = &replies.at(p.first_reply);
                }
            }

            if (usage != nullptr) {
                if (usage->is_redirect()) {
                    continue;
                }
                usage->check();
                if (usage->is_integer() && usage->integer > m_options.big_key_bytes) {
                    m_audit.big_key(p.key, session_id(p), usage->integer);
                }
            }
            if (link) {
                links.push_back(std::move(*link));
            }
        }
        walk_indexes(links, indexes);
    }

    std::string session_id(const Pending& p) const
    {
        if (p.kind != DoctorKind::session) {
            return {};
        }
        auto values = m_templates.session.value.match(p.key);
        return values && values->count("id") > 0 ? values->at("id") : std::string();
    }

    // Reads the probe and PTTL of p into s; s.live is false when the key is gone or moved, so nothing more is
    // checked.
    void read_state(const Pending& p, const std::vector<redis::Reply>& replies, Seen& s)
    {
        std::size_t at = p.first_reply;
        const Probe probe = probe_of(p.kind);
        const redis::Reply& read = replies.at(at++);
        const redis::Reply& pttl = replies.at(at++);
        if (read.is_redirect() || pttl.is_redirect()) {
            ++m_audit.report().vanished;
            return;
        }
        KeyState& state = s.state;
        state.key = p.key;
        state.kind = p.kind;
        state.pttl = pttl.check().as_integer("PTTL");
        ++m_audit.report().audited;
        if (state.pttl == -2) {
            ++m_audit.report().vanished;
            return;
        }
        s.live = true;
        state.id = session_id(p);
        if (read.is_wrongtype()) {
            s.needs_type = true;
            s.needs_usage = big_keys();
            return;
        }
        read.check();
        if (probe == Probe::members) {
            state.type = "set";
            IndexWalk walk;
            walk.key = p.key;
            walk.pttl = state.pttl;
            walk.bound.emplace("SSCAN " + walk.key, -1, m_options.scan_count);
            walk.cursor = redis::read_scan_reply(read, walk.page, "SSCAN");
            walk.bound->step(walk.cursor);
            walk.done = walk.cursor == "0";
            // MEMORY USAGE only for a set not seen whole, or one whose members alone could pass the threshold.
            s.needs_usage = big_keys() &&
                            (!walk.done || set_usage_bound(p.key.size(), walk.page) > m_options.big_key_bytes);
            s.walk = std::move(walk);
            return;
        }
        state.type = "string";
        if (probe == Probe::length) {
            const long long length = read.as_integer("STRLEN");
            s.needs_usage = big_keys() && string_usage_bound(p.key.size(), length) > m_options.big_key_bytes;
            return;
        }
        const std::string& bytes = read.as_string("GETRANGE");
        const bool whole = static_cast<long long>(bytes.size()) <= k_max_value_bytes;
        if (whole) {
            state.value = bytes;
        } else {
            state.value_too_big = true;
        }
        s.needs_usage = big_keys() &&
                        (!whole || string_usage_bound(p.key.size(), static_cast<long long>(bytes.size())) >
                                       m_options.big_key_bytes);
    }

    // The type of a key whose probe said WRONGTYPE. A key that is gone, moved or of the probe's type by now
    // changed meanwhile: counted as vanished, like a key gone before the reads.
    void read_type(const redis::Reply& type, Probe probe, Seen& s)
    {
        if (type.is_redirect()) {
            s.live = false;
            ++m_audit.report().vanished;
            return;
        }
        s.state.type = type.check().as_string("TYPE");
        if (s.state.type == "none" || s.state.type == (probe == Probe::members ? "set" : "string")) {
            s.live = false;
            ++m_audit.report().vanished;
        }
    }

    // Is each live session in its user's index? The replies of the SISMEMBERs link_commands made, and for the
    // sessions missing from it the index's PTTL (their repair is conditional on it), in one more pipeline.
    std::vector<redis::Command> link_commands(const std::vector<SessionLink>& links) const
    {
        std::vector<redis::Command> commands;
        if (!audited(m_options, "user_index")) {
            return commands;
        }
        commands.reserve(links.size());
        for (const auto& link : links) {
            commands.push_back(redis::cmd("SISMEMBER", link.index, link.id));
        }
        return commands;
    }

    void check_links(const std::vector<SessionLink>& links, const std::vector<redis::Reply>& replies, std::size_t count)
    {
        std::vector<const SessionLink*> missing;
        std::vector<redis::Command> commands;
        for (std::size_t i = 0; i < count; ++i) {
            const redis::Reply& member = replies[i];
            if (member.is_wrongtype()) {
                continue; // the index holds another type: a wrong_type finding of its own
            }
            if (member.check().as_integer("SISMEMBER") == 0) {
                missing.push_back(&links[i]);
                commands.push_back(redis::cmd("PTTL", links[i].index));
            }
        }
        auto pttls = m_client.pipeline(commands);
        for (std::size_t i = 0; i < missing.size(); ++i) {
            m_audit.unindexed(*missing[i], pttls.at(i).check().as_integer("PTTL"));
        }
    }

    // The sessions' index checks, then every member of each index, page by page: the first pages came with
    // the batch, and their members' PTTLs ride with the sessions' SISMEMBERs; then one SSCAN pipeline for the
    // next pages and one PTTL pipeline for their members per round.
    void walk_indexes(const std::vector<SessionLink>& links, std::vector<IndexWalk>& indexes)
    {
        std::vector<redis::Command> riders = link_commands(links);
        const std::size_t rider_count = riders.size();
        bool first = true;
        while (true) {
            throw_if_interrupted(); // an index of a million members is read page by page: stop between pages
            std::vector<IndexWalk*> active;
            std::vector<redis::Command> scans;
            for (auto& walk : indexes) {
                if (!walk.done && !walk.fresh) {
                    active.push_back(&walk);
                    scans.push_back(redis::cmd("SSCAN", walk.key, walk.cursor, "COUNT", m_options.scan_count));
                }
            }
            auto replies = m_client.pipeline(scans);
            for (std::size_t i = 0; i < active.size(); ++i) {
                IndexWalk& walk = *active[i];
                if (replies[i].is_wrongtype() || replies[i].is_redirect()) {
                    walk.done = true; // replaced or moved meanwhile: judged by what it holds next time
                    walk.page.clear();
                    walk.fresh = true; // done with the members seen so far
                    continue;
                }
                walk.cursor = redis::read_scan_reply(replies[i].check(), walk.page, "SSCAN");
                walk.bound->step(walk.cursor);
                walk.done = walk.cursor == "0";
                walk.fresh = true;
            }
            std::vector<IndexWalk*> paged;
            std::vector<redis::Command> pttls;
            if (first) {
                pttls.swap(riders); // the riders go once, with the first round
            }
            for (auto& walk : indexes) {
                if (walk.fresh) {
                    paged.push_back(&walk);
                    for (const auto& member : walk.page) {
                        pttls.push_back(redis::cmd("PTTL", m_templates.session.value.render({{"id", member}})));
                    }
                }
            }
            if (paged.empty() && !first) {
                break;
            }
            auto ttls = m_client.pipeline(pttls);
            std::size_t at = 0;
            if (first) {
                first = false;
                check_links(links, ttls, rider_count);
                at = rider_count;
            }
            for (IndexWalk* walk : paged) {
                walk->fresh = false;
                std::vector<std::string> stale;
                std::vector<long long> member_pttls;
                for (const auto& member : walk->page) {
                    long long pttl = ttls.at(at++).check().as_integer("PTTL");
                    walk->longest = std::max(walk->longest, pttl);
                    if (pttl == -2 && walk->stale.insert(member).second) {
                        stale.push_back(member);
                        member_pttls.push_back(pttl);
                    }
                }
                m_audit.index_members(walk->key, walk->pttl, stale, member_pttls, m_templates.session.value);
                walk->page.clear();
                if (walk->done) {
                    m_audit.index_done(walk->key, walk->pttl, walk->longest);
                }
            }
            if (paged.empty()) {
                break;
            }
        }
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
    throw_if_interrupted(); // a signal during the last batch: the pass is not reported done, so no repairs follow
    DoctorReport report = std::move(pass.report());
    // Repairs that touch one user index run in this order: its own TTL repair (no_ttl, index_ttl_short, aimed at
    // its longest indexed session), then the SADDs of unindexed sessions (each extends the index, only upward, to
    // the session it adds), then the SREMs of stale entries (after the SADDs, so removing the last stale entry
    // never deletes an index a SADD is about to fill, or one whose TTL repair is still to come). Any other order
    // leaves a repair skipped as "changed", or an index shorter-lived than a session, for a second pass.
    auto rank = [](const Repair& r) {
        return r.action == RepairAction::sadd ? 1 : r.action == RepairAction::srem ? 2 : 0;
    };
    std::stable_sort(report.repairs.begin(), report.repairs.end(),
                     [&](const Repair& x, const Repair& y) { return rank(x) < rank(y); });
    report.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    return report;
}

} // namespace redops::repo
