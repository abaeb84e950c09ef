// Input helpers: reading secrets and id lists from files and stdin.
#include "cli/input.h"

#include "common/error.h"

#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <sstream>

namespace redops::cli {

void require_nonempty(std::string_view what, const std::string& value)
{
    if (value.empty()) {
        throw Error(ErrorKind::usage, fmt::format("{} must not be empty", what));
    }
}

std::string read_text_file(const std::string& path)
{
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        throw Error(ErrorKind::usage, fmt::format("cannot read {}", path));
    }
    return read_all(file);
}

std::string read_all(std::istream& in)
{
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> read_lines(std::istream& in)
{
    std::vector<std::string> lines;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (!line.empty()) {
            lines.push_back(std::move(line));
        }
    }
    return lines;
}

} // namespace redops::cli
