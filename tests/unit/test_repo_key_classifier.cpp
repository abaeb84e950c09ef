// monitor --keys: which kind a key is by the configured templates, the counts' age, and how a census is rendered.
#include "cli/app.h"
#include "cli/monitor_format.h"
#include "config/key_template.h"
#include "repo/health_sample.h"
#include "repo/key_classifier.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using redops::repo::KeyClassifier;

namespace {

std::vector<redops::config::KeyTemplate> default_templates()
{
    std::vector<redops::config::KeyTemplate> templates;
    for (const auto& kind : redops::config::key_kinds()) {
        templates.push_back(redops::config::default_key_template(kind.name));
    }
    return templates;
}

std::string kind_of(const KeyClassifier& classifier, const std::string& key)
{
    return classifier.kinds()[classifier.classify(key)];
}

redops::repo::KeyCensusReport published(long long counted_at_ms)
{
    redops::repo::KeyCensusReport report;
    report.counts = std::vector<redops::repo::KeyCount>{{"token", 3, 0}, {"session", 2, 0}, {"other", 1, 0}};
    report.counted_at_ms = counted_at_ms;
    return report;
}

} // namespace

TEST_CASE("keys are classified by the default template of each kind and other otherwise", "[monitor][keys]")
{
    KeyClassifier classifier(default_templates());
    CHECK(classifier.kinds() == std::vector<std::string>{"token", "lock", "dedupe", "ratelimit", "session",
                                                         "user_index", "lock_fence", "other"});
    CHECK(kind_of(classifier, "auth:token:genesys:acme") == "token");
    CHECK(kind_of(classifier, "auth:token:genesys:acme:eu") == "token"); // the last placeholder may hold ':'
    CHECK(kind_of(classifier, "lock:nightly-export") == "lock");
    CHECK(kind_of(classifier, "dedupe:acme:msg-1") == "dedupe");
    CHECK(kind_of(classifier, "rate:login:alice") == "ratelimit");
    CHECK(kind_of(classifier, "session:abc123") == "session");
    CHECK(kind_of(classifier, "user:sessions:alice") == "user_index");
    CHECK(kind_of(classifier, "auth:token:genesys") == "other"); // no tenant part
    CHECK(kind_of(classifier, "cache:page:1") == "other");
    CHECK(kind_of(classifier, "") == "other");
}

TEST_CASE("custom templates replace the defaults and the most literal template wins an overlap", "[monitor][keys]")
{
    using redops::config::parse_key_template;
    KeyClassifier classifier({parse_key_template("token", "genesys:token:{tenant}"),
                              parse_key_template("session", "app:{id}"),
                              parse_key_template("user_index", "app:user:{user}")});
    CHECK(kind_of(classifier, "genesys:token:acme") == "token");
    CHECK(kind_of(classifier, "auth:token:genesys:acme") == "other"); // the default shape no longer counts
    CHECK(kind_of(classifier, "app:user:alice") == "user_index");     // fits both; more literal text
    CHECK(kind_of(classifier, "app:xyz") == "session");
    CHECK(classifier.other() == 3);
}

TEST_CASE("the keys age counts from the end of the published pass and is none before one", "[monitor][keys]")
{
    redops::repo::KeyCensusReport none;
    CHECK_FALSE(redops::repo::keys_age_s(none, 5'000).has_value());
    CHECK(redops::repo::keys_age_s(published(2'000), 5'500) == Approx(3.5));
    CHECK(redops::repo::keys_age_s(published(6'000), 5'500) == Approx(0.0)); // finished during the sample
}

TEST_CASE("a census renders as JSON fields and prometheus gauges and a text line", "[monitor][keys]")
{
    redops::repo::HealthSample s;
    s.reachable = true;
    s.healthy = true;
    s.time_ms = 4'000;
    s.keys = published(3'000);
    auto j = redops::cli::sample_json(s);
    CHECK(j["keys"]["token"] == 3);
    CHECK(j["keys"]["other"] == 1);
    CHECK(j["keys_age_s"] == 1.0);
    CHECK(j["keys_exact"] == false);
    std::string text = redops::cli::prometheus_text(s);
    CHECK(text.find("# TYPE redops_keys gauge\nredops_keys{kind=\"token\"} 3\nredops_keys{kind=\"session\"} 2\n") !=
          std::string::npos);
    CHECK(text.find("# TYPE redops_keys_age_seconds gauge\nredops_keys_age_seconds 1\n") != std::string::npos);
    CHECK(redops::cli::sample_line(s).find(" keys_token=3 keys_session=2 keys_other=1 keys_age_s=1.000") !=
          std::string::npos);
    CHECK(redops::cli::check_verdict(s, {}).line.find(" 'keys_token'=3;;;0;") != std::string::npos);

    s.keys = redops::repo::KeyCensusReport{};
    s.keys->scanned = 700;
    j = redops::cli::sample_json(s);
    CHECK(j["keys"].is_null());
    CHECK(j["keys_age_s"].is_null());
    CHECK(j["keys_scanned"] == 700);
    CHECK(redops::cli::prometheus_text(s).find("redops_keys{") == std::string::npos);
    CHECK(redops::cli::prometheus_text(s).find("redops_keys_age_seconds") == std::string::npos);
    CHECK(redops::cli::sample_line(s).find(" keys=pending keys_scanned=700") != std::string::npos);
}

TEST_CASE("monitor --check is recognised in argv for Nagios verdicts on parse errors", "[monitor][check]")
{
    const char* check[] = {"redops", "--url", "x", "monitor", "--check", "--warn-latency", "abc"};
    const char* plain[] = {"redops", "monitor", "--interval", "1s"};
    const char* other[] = {"redops", "--check", "monitor"};
    const char* after_dashes[] = {"redops", "monitor", "--", "--check"};
    CHECK(redops::cli::argv_wants_nagios(7, check));
    CHECK_FALSE(redops::cli::argv_wants_nagios(4, plain));
    CHECK(redops::cli::argv_wants_nagios(3, other)); // misplaced, still a Nagios run: UNKNOWN, not a usage error
    CHECK_FALSE(redops::cli::argv_wants_nagios(4, after_dashes));
    CHECK(redops::cli::unknown_verdict("bad").exit_code == 3);
    CHECK(redops::cli::unknown_verdict("bad").line == "REDIS UNKNOWN - bad");
}
