#include "common/error.h"
#include "config/key_template.h"

#include <catch2/catch.hpp>
#include <string>

using redops::Error;
using redops::ErrorKind;
using redops::config::default_key_template;
using redops::config::glob_escape;
using redops::config::key_kinds;
using redops::config::KeyTemplate;
using redops::config::parse_key_template;

namespace {

std::string parse_error(std::string_view text, std::string_view kind = "token")
{
    try {
        parse_key_template(kind, text);
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::config);
        return error.what();
    }
    FAIL("no error for " << std::string(text));
    return {};
}

} // namespace

TEST_CASE("key templates render named placeholders", "[config][keys]")
{
    auto token = default_key_template("token");
    CHECK(token.text() == "auth:token:{provider}:{tenant}");
    CHECK(token.placeholders() == std::vector<std::string>{"provider", "tenant"});
    CHECK(token.render({{"provider", "google"}, {"tenant", "acme"}}) == "auth:token:google:acme");
    // Extra values are ignored; values are taken literally, whatever bytes they hold.
    CHECK(token.render({{"provider", "g"}, {"tenant", "a:b*?[]\\{}"}, {"unused", "x"}}) == "auth:token:g:a:b*?[]\\{}");
    std::string binary("t\0\xff\xc3\xa9", 5);
    CHECK(token.render({{"provider", "p"}, {"tenant", binary}}) == "auth:token:p:" + binary);
    CHECK(token.render({{"provider", "{tenant}"}, {"tenant", "x"}}) == "auth:token:{tenant}:x");
}

TEST_CASE("key templates keep literal braces and hash tags", "[config][keys]")
{
    auto session = parse_key_template("session", "session:{{{id}}}:data");
    CHECK(session.render({{"id", "u1"}}) == "session:{u1}:data");
    auto spec_example = KeyTemplate::parse("session:{{{user}}}:{id}", "session", {"user", "id"});
    CHECK(spec_example.render({{"user", "u1"}, {"id", "abc"}}) == "session:{u1}:abc");
    CHECK(parse_key_template("lock", "lock:{{literal}}:{name}").render({{"name", "n"}}) == "lock:{literal}:n");
}

TEST_CASE("key templates may omit placeholders", "[config][keys]")
{
    auto genesys = parse_key_template("token", "genesys:token:{tenant}");
    CHECK(genesys.uses("tenant"));
    CHECK_FALSE(genesys.uses("provider"));
    CHECK(genesys.render({{"provider", "ignored"}, {"tenant", "t1"}}) == "genesys:token:t1");
    CHECK(parse_key_template("lock", "the-one-lock").render({}) == "the-one-lock");
}

TEST_CASE("render without a used value is a usage error", "[config][keys]")
{
    auto token = default_key_template("token");
    try {
        token.render({{"provider", "p"}});
        FAIL("no error");
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::usage);
        CHECK_THAT(error.what(), Catch::Contains("{tenant}"));
    }
}

TEST_CASE("bad key templates name the template and the problem", "[config][keys]")
{
    CHECK(parse_error("auth:{tenat}") ==
          "invalid token key template \"auth:{tenat}\": unknown placeholder {tenat} (allowed: provider, tenant)");
    CHECK_THAT(parse_error("auth:{tenant:>3}"), Catch::Contains("format spec"));
    CHECK_THAT(parse_error("auth:{}"), Catch::Contains("positional placeholder {}"));
    CHECK_THAT(parse_error("auth:{0}"), Catch::Contains("positional placeholder {0}"));
    CHECK_THAT(parse_error("auth:{tenant"), Catch::Contains("unbalanced '{'"));
    CHECK_THAT(parse_error("auth:{ten{ant}"), Catch::Contains("unbalanced '{'"));
    CHECK_THAT(parse_error("auth:tenant}"), Catch::Contains("unbalanced '}'"));
    CHECK_THAT(parse_error("auth:{tenant}}"), Catch::Contains("unbalanced '}'"));
    CHECK_THAT(parse_error("auth:{ten ant}"), Catch::Contains("invalid placeholder"));
    CHECK_THAT(parse_error("auth:{provider}{tenant}"), Catch::Contains("need text between them"));
    CHECK_THAT(parse_error(""), Catch::Contains("empty"));
    CHECK_THAT(parse_error("lock:{tenant}", "lock"),
               Catch::StartsWith("invalid lock key template \"lock:{tenant}\"") && Catch::Contains("(allowed: name)"));
    CHECK_THAT(parse_error("x", "nope"), Catch::Contains("unknown key kind \"nope\""));
}

TEST_CASE("glob_escape escapes Redis MATCH metacharacters", "[config][keys]")
{
    CHECK(glob_escape("plain:text") == "plain:text");
    CHECK(glob_escape("*") == "\\*");
    CHECK(glob_escape("a?b[c]d\\e") == "a\\?b\\[c\\]d\\\\e");
    CHECK(glob_escape("") == "");
}

TEST_CASE("scan_pattern escapes values and stars unknowns", "[config][keys]")
{
    auto token = default_key_template("token");
    CHECK(token.scan_pattern({}) == "auth:token:*:*");
    CHECK(token.scan_pattern({{"provider", "google"}}) == "auth:token:google:*");
    CHECK(token.scan_pattern({{"tenant", "*"}}) == "auth:token:*:\\*");
    CHECK(token.scan_pattern({{"provider", "g?"}, {"tenant", "[a]\\"}}) == "auth:token:g\\?:\\[a\\]\\\\");
    auto odd = parse_key_template("lock", "lock*[{name}]?");
    CHECK(odd.scan_pattern({}) == "lock\\*\\[*\\]\\?");
    CHECK(parse_key_template("session", "s:{{{id}}}").scan_pattern({}) == "s:{*}");
}

TEST_CASE("match inverts render", "[config][keys]")
{
    auto token = default_key_template("token");
    auto values = token.match("auth:token:google:acme:eu-west");
    REQUIRE(values);
    CHECK(values->at("provider") == "google");
    CHECK(values->at("tenant") == "acme:eu-west");

    CHECK_FALSE(token.match("auth:token:google"));
    CHECK_FALSE(token.match("other:token:google:acme"));
    CHECK_FALSE(token.match(""));
    auto empty_tenant = token.match("auth:token:g:");
    REQUIRE(empty_tenant);
    CHECK(empty_tenant->at("tenant").empty());

    auto hashed = parse_key_template("session", "session:{{{id}}}:data");
    CHECK(hashed.match("session:{abc}:data")->at("id") == "abc");
    CHECK_FALSE(hashed.match("session:abc:data"));

    // The first placeholder is non-greedy but backs off when the rest would not fit.
    auto dedupe = parse_key_template("dedupe", "d:{tenant}:x:{id}:end");
    auto backed = dedupe.match("d:t1:y:x:i:end");
    REQUIRE(backed);
    CHECK(backed->at("tenant") == "t1:y");
    CHECK(backed->at("id") == "i");

    std::map<std::string, std::string> binary{{"provider", std::string("p\0q", 3)}, {"tenant", "*?[]\\{x}"}};
    CHECK(token.match(token.render(binary)) == binary);
    CHECK_FALSE(KeyTemplate{}.match("anything"));
}

TEST_CASE("every kind has a valid default template", "[config][keys]")
{
    REQUIRE(key_kinds().size() == 7);
    for (const auto& kind : key_kinds()) {
        INFO(std::string(kind.name));
        auto parsed = default_key_template(kind.name);
        CHECK(parsed.text() == kind.default_template);
        CHECK(parsed.placeholders() == kind.allowed);
    }
    CHECK(default_key_template("user_index").render({{"user", "u1"}}) == "user:sessions:u1");
    // Never a lock key ("lock:" prefix), and in the cluster slot of the default lock key (hash tag "lock:job").
    CHECK(default_key_template("lock_fence").render({{"name", "job"}}) == "{lock:job}:fence");
    CHECK_FALSE(default_key_template("lock").match("{lock:job}:fence"));
}

TEST_CASE("a key has every reading its separators allow", "[config][keys][identity]")
{
    auto rate = default_key_template("ratelimit");
    auto readings = rate.matches("rate:login:ip:1.2.3.4", 10);
    REQUIRE(readings.size() == 2);
    CHECK(readings[0].at("resource") == "login"); // the first reading is match()'s: shortest non-final value
    CHECK(readings[0].at("subject") == "ip:1.2.3.4");
    CHECK(readings[1].at("resource") == "login:ip");
    CHECK(readings[1].at("subject") == "1.2.3.4");
    CHECK(rate.matches("rate:api:f2", 10).size() == 1);
    CHECK(rate.matches("lock:x", 10).empty());
    CHECK(rate.matches("rate:a:b:c:d", 2).size() == 2); // the limit bounds the search
}

TEST_CASE("bulk operations own only keys every reading of which agrees", "[config][keys][identity]")
{
    using Ownership = KeyTemplate::Ownership;
    auto rate = default_key_template("ratelimit");
    // resource login:ip's key is not resource login's to delete, though one reading says so.
    CHECK(rate.classify("rate:login:ip:1.2.3.4", {{"resource", "login"}}) == Ownership::ambiguous);
    CHECK(rate.classify("rate:login:ip:1.2.3.4", {{"resource", "login:ip"}}) == Ownership::ambiguous);
    CHECK(rate.classify("rate:login:u1", {{"resource", "login"}}) == Ownership::owned);
    CHECK(rate.classify("rate:api:u1", {{"resource", "login"}}) == Ownership::foreign);
    CHECK(rate.classify("lock:x", {{"resource", "login"}}) == Ownership::foreign);
    CHECK(rate.classify("rate:loginx:u1", {{"resource", "login"}}) == Ownership::foreign);
    // Nothing asked: every reading is a rate-limit key, so it is one.
    CHECK(rate.classify("rate:login:ip:1.2.3.4", {}) == Ownership::owned);
    // Every placeholder named: exactly the one key they render to.
    CHECK(rate.classify("rate:login:ip:1.2.3.4", {{"resource", "login"}, {"subject", "ip:1.2.3.4"}}) ==
          Ownership::owned);
    CHECK(rate.classify("rate:login:ip:1.2.3.4", {{"resource", "login"}, {"subject", "ip"}}) == Ownership::foreign);

    auto token = default_key_template("token");
    CHECK(token.classify("auth:token:genesys:eu:acme", {{"provider", "genesys"}}) == Ownership::ambiguous);
    CHECK(token.classify("auth:token:genesys:acme", {{"provider", "genesys"}}) == Ownership::owned);
    // A key crafted with very many separators is never taken for sure.
    std::string crafted = "auth:token:p";
    for (int i = 0; i < 200; ++i) {
        crafted += ":x";
    }
    CHECK(token.classify(crafted, {{"provider", "p"}}) == Ownership::ambiguous);
}

TEST_CASE("a write refuses a value that makes its key ambiguous and names the field", "[config][keys][identity]")
{
    auto token = default_key_template("token");
    CHECK(token.render_unambiguous({{"provider", "genesys"}, {"tenant", "acme"}}) == "auth:token:genesys:acme");
    auto refusal = [&](const std::map<std::string, std::string>& values) {
        try {
            token.render_unambiguous(values);
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::usage);
            return std::string(e.what());
        }
        FAIL("accepted");
        return std::string();
    };
    auto message = refusal({{"provider", "genesys:eu"}, {"tenant", "acme"}});
    CHECK_THAT(message, Catch::Contains("--provider \"genesys:eu\""));
    CHECK_THAT(message, Catch::Contains("ambiguous"));
    CHECK_THAT(refusal({{"provider", "genesys"}, {"tenant", "eu:acme"}}), Catch::Contains("--tenant \"eu:acme\""));
    // A template whose last part is a single placeholder after a unique prefix is never ambiguous.
    auto lock = default_key_template("lock");
    CHECK(lock.render_unambiguous({{"name", "a:b:c"}}) == "lock:a:b:c");
    // Text other than the separator is fine anywhere.
    CHECK(token.render_unambiguous({{"provider", "g-1.eu"}, {"tenant", "a*b"}}) == "auth:token:g-1.eu:a*b");
}
