#include "monitoring_tools.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <unistd.h>

namespace redops::test {

std::optional<std::string> promtool_path()
{
    if (const char* env = std::getenv("REDOPS_PROMTOOL"); env != nullptr && *env != '\0') {
        return std::string(env);
    }
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path != nullptr ? path : "");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        std::filesystem::path candidate = std::filesystem::path(dir) / "promtool";
        if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) {
            return candidate.string();
        }
    }
    return std::nullopt;
}

void check_with_promtool(const std::string& exposition)
{
    auto promtool = promtool_path();
    if (!promtool) {
        const char* ci = std::getenv("CI");
        if (ci != nullptr && *ci != '\0') {
            FAIL("promtool not found (REDOPS_PROMTOOL or PATH): scripts/test extracts it from Debian's prometheus "
                 "package");
        }
        WARN("SKIPPED promtool check metrics: promtool not found; run scripts/test or set REDOPS_PROMTOOL");
        return;
    }
    auto r = run_process({*promtool, "check", "metrics"}, RunOptions{.stdin_data = exposition});
    INFO(exposition << "\npromtool: " << r.out << r.err);
    REQUIRE(r.exit_code == 0);
}

ProcessResult nagios_parse(const std::string& mode, const std::string& input)
{
    return run_process({"perl", std::string(REDOPS_TESTS_DIR) + "/integration/nagios_parse.pl", mode},
                       RunOptions{.stdin_data = input});
}

} // namespace redops::test
