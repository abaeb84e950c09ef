// Test helpers for reading what a command printed: its lines, its last JSON document, its output without the newline.
#pragma once

#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <vector>

namespace redops::test {

// Every line of `text`, without its '\n' (a last line without one included).
inline std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

// The JSON document on the last non-empty line of `out` (JSON Lines, or a document after other output).
inline nlohmann::json last_document(const std::string& out)
{
    auto end = out.find_last_not_of('\n');
    auto start = out.rfind('\n', end);
    return nlohmann::json::parse(out.substr(start == std::string::npos ? 0 : start + 1, end + 1));
}

// `s` without its trailing newlines ("\n" or "\r\n"): a one-line output as a value.
inline std::string trim(std::string s)
{
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
        s.pop_back();
    }
    return s;
}

} // namespace redops::test
