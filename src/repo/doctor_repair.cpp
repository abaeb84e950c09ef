#include "repo/doctor_repair.h"

#include "common/interrupt.h"
#include "redis/cluster_slot.h"
#include "redis/script.h"

#include <fmt/format.h>

namespace redops::repo {

namespace {

constexpr std::size_t k_batch = 500;
constexpr std::size_t k_error_sample = 5;

// KEYS[1] the key to repair, KEYS[2] (optional) the session key an SREM/SADD depends on.
// ARGV action (pexpire|pexpireat|unlink|srem|sadd|extend), TYPE seen, SHA-1 of the value seen ('' not compared),
// TTL condition (none: still no expiry | shorter: still below the target | longer: still expiring after the
// target, by server TIME | any), target ms, member. Replies 'applied', or 'changed' with nothing written.
// An SADD needs the index to be a set or absent (an earlier SADD of this run may have created it), the member
// absent and the session alive.
const redis::Script& repair_script()
{
    static const redis::Script script(R"lua(
local key = KEYS[1]
local action, seen_type, digest, ttl_mode, member = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[6]
local target = tonumber(ARGV[5])
local held = redis.call('TYPE', key)['ok']
if action == 'sadd' then
  if held ~= 'set' and held ~= 'none' then return 'changed' end
elseif held ~= seen_type then
  return 'changed'
end
if digest ~= '' and redis.sha1hex(redis.call('GET', key)) ~= digest then return 'changed' end
local pttl = redis.call('PTTL', key)
if ttl_mode == 'none' and pttl ~= -1 then return 'changed' end
if ttl_mode == 'shorter' and (pttl < 0 or pttl >= target) then return 'changed' end
if ttl_mode == 'longer' then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  if pttl < 0 or now + pttl <= target then return 'changed' end
end
if action == 'pexpire' or action == 'extend' then
  redis.call('PEXPIRE', key, target)
elseif action == 'pexpireat' then
  redis.call('PEXPIREAT', key, target)
elseif action == 'unlink' then
  redis.call('UNLINK', key)
elseif action == 'srem' then
  if KEYS[2] and redis.call('EXISTS', KEYS[2]) == 1 then return 'changed' end
  if redis.call('SREM', key, member) == 0 then return 'changed' end
elseif action == 'sadd' then
  if KEYS[2] and redis.call('EXISTS', KEYS[2]) == 0 then return 'changed' end
  if redis.call('SADD', key, member) == 0 then return 'changed' end
  if target > 0 and (pttl == -2 or (pttl >= 0 and pttl < target)) then redis.call('PEXPIRE', key, target) end
else
  return redis.error_reply('ERR unknown repair ' .. action)
end
return 'applied'
)lua");
    return script;
}

std::string_view script_action(RepairAction action)
{
    switch (action) {
    case RepairAction::pexpire: return "pexpire";
    case RepairAction::pexpireat: return "pexpireat";
    case RepairAction::unlink: return "unlink";
    case RepairAction::srem: return "srem";
    case RepairAction::sadd: return "sadd";
    case RepairAction::extend_index: return "extend";
    }
    return "?";
}

std::string_view ttl_mode(const Repair& repair)
{
    switch (repair.check) {
    case DoctorCheck::no_ttl: return "none";
    case DoctorCheck::token_ttl_too_long: return "longer";
    case DoctorCheck::index_ttl_short: return "shorter";
    default: return "any";
    }
}

bool witness_in_script(const Repair& repair, bool cluster)
{
    return !repair.witness.empty() && (!cluster || redis::key_slot(repair.witness) == redis::key_slot(repair.key));
}

// In a cluster the session key usually lives in another slot: its state is checked just before the script
// (a narrow window the man page documents), and the script checks the index alone. True: still as seen.
std::vector<bool> precheck_witnesses(redis::Client& client, const std::vector<const Repair*>& batch, bool cluster)
{
    std::vector<bool> still(batch.size(), true);
    std::vector<redis::Command> commands;
    std::vector<std::size_t> which;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        if (!batch[i]->witness.empty() && !witness_in_script(*batch[i], cluster)) {
            commands.push_back(redis::cmd("EXISTS", batch[i]->witness));
            which.push_back(i);
        }
    }
    if (commands.empty()) {
        return still;
    }
    auto replies = client.pipeline(commands);
    for (std::size_t j = 0; j < which.size(); ++j) {
        const Repair& repair = *batch[which[j]];
        long long exists = replies[j].check().as_integer("EXISTS");
        still[which[j]] = repair.action == RepairAction::srem ? exists == 0 : exists == 1;
    }
    return still;
}

void skipped(RepairOutcome& outcome, const Repair& repair)
{
    ++outcome.skipped;
    if (outcome.skipped_examples.size() < 3) {
        outcome.skipped_examples.push_back(DoctorExample{repair.key, repair.key_secret, repair.member, "changed"});
    }
}

} // namespace

RepairReport apply_repairs(redis::Client& client, const std::vector<Repair>& repairs,
                           const std::function<void(long long done)>& progress)
{
    RepairReport report{};
    const bool cluster = client.topology() == "cluster";
    for (std::size_t start = 0; start < repairs.size(); start += k_batch) {
        if (interrupt_signal() != 0) {
            break; // the batches so far are reported; the caller tells the rest was not attempted
        }
        std::vector<const Repair*> batch;
        for (std::size_t i = start; i < repairs.size() && i < start + k_batch; ++i) {
            batch.push_back(&repairs[i]);
        }
        std::vector<bool> still = precheck_witnesses(client, batch, cluster);
        std::vector<redis::ScriptCall> calls;
        std::vector<const Repair*> sent;
        for (std::size_t i = 0; i < batch.size(); ++i) {
            const Repair& r = *batch[i];
            if (!still[i]) {
                skipped(report[static_cast<std::size_t>(r.check)], r);
                continue;
            }
            redis::ScriptCall call;
            call.keys.push_back(r.key);
            if (witness_in_script(r, cluster)) {
                call.keys.push_back(r.witness);
            }
            call.args = {std::string(script_action(r.action)), r.type,  r.digest, std::string(ttl_mode(r)),
                         std::to_string(r.target_ms),          r.member};
            calls.push_back(std::move(call));
            sent.push_back(&r);
        }
        auto replies = redis::run_script_batch(client, repair_script(), calls);
        for (std::size_t i = 0; i < sent.size(); ++i) {
            RepairOutcome& outcome = report[static_cast<std::size_t>(sent[i]->check)];
            const redis::Reply& reply = replies.at(i);
            if (reply.is_error()) {
                ++outcome.failed;
                if (outcome.errors.size() < k_error_sample) {
                    outcome.errors.push_back(reply.str);
                }
            } else if (reply.is_string() && reply.str == "applied") {
                ++outcome.applied;
            } else {
                skipped(outcome, *sent[i]);
            }
        }
        if (progress) {
            progress(static_cast<long long>(start) + static_cast<long long>(batch.size()));
        }
    }
    return report;
}

} // namespace redops::repo
