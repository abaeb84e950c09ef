#include "fault_support.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <mutex>

namespace redops::test {

namespace {

constexpr std::string_view k_rss_marker = "redops-max-rss-kb=";

} // namespace

MeasuredRun run_redops_measured(const std::vector<std::string>& args, const RunOptions& options)
{
    std::vector<std::string> argv{"/usr/bin/time", "-f", std::string(k_rss_marker) + "%M", REDOPS_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    MeasuredRun run;
    run.result = run_process(argv, options);
    auto at = run.result.err.rfind(k_rss_marker);
    if (at != std::string::npos) {
        run.max_rss_kb = std::atoll(run.result.err.c_str() + at + k_rss_marker.size());
        run.result.err.erase(at);
        // time(1) also says "Command exited with non-zero status N" / "Command terminated by signal N".
        auto note = run.result.err.rfind("Command ");
        if (note != std::string::npos && run.result.err.find('\n', note) + 1 == run.result.err.size()) {
            run.result.err.erase(note);
        }
    }
    return run;
}

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

void note_fault_case(const std::string& name, int exit_code, bool data_changed)
{
    static std::mutex mutex;
    const char* path = std::getenv("REDOPS_FAULT_MATRIX");
    if (path == nullptr || *path == '\0') {
        return;
    }
    std::lock_guard lock(mutex);
    std::ofstream out(path, std::ios::app);
    out << name << '\t' << exit_code << '\t' << (data_changed ? "changed" : "none") << '\n';
}

std::string brief(const std::string& text, std::size_t limit)
{
    if (text.size() <= limit) {
        return text;
    }
    return text.substr(0, limit) + "\n[... " + std::to_string(text.size() - limit) + " more bytes]\n";
}

bool mentions(const std::string& text, const std::string& fragment)
{
    auto lower = [](std::string s) {
        std::transform(s.begin(), s.end(), s.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return s;
    };
    return lower(text).find(lower(fragment)) != std::string::npos;
}

std::string joined(const std::vector<std::string>& args)
{
    std::string out;
    for (const auto& arg : args) {
        out += out.empty() ? arg : " " + arg;
    }
    return out;
}

} // namespace redops::test
