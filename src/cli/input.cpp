// Input helpers: reading secrets and id lists from files and stdin.
#include "cli/input.h"

#include "common/error.h"

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <fstream>
#include <sstream>

namespace redops::cli {
namespace {

// A file the user named, opened for reading: a path that names no file is a usage error, any other failure a
// local one (system).
std::ifstream open_named_file(const std::string& path)
{
    errno = 0;
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        throw file_error(fmt::format("cannot read {}", path), errno != 0 ? errno : EIO, ErrorKind::usage);
    }
    return file;
}

// After a read: a stream that failed (not merely ended) is a local failure, or a usage error for a directory.
void check_read(const std::istream& in, std::string_view name)
{
    if (in.bad()) {
        const int error_number = errno != 0 ? errno : EIO;
        throw file_error(fmt::format("cannot read {}", name), error_number, ErrorKind::usage);
    }
}

} // namespace

void require_nonempty(std::string_view what, const std::string& value)
{
    if (value.empty()) {
        throw Error(ErrorKind::usage, fmt::format("{} must not be empty", what));
    }
}

std::string read_text_file(const std::string& path)
{
    std::ifstream file = open_named_file(path);
    errno = 0;
    std::string text = read_all(file);
    check_read(file, path);
    return text;
}

std::vector<std::string> read_file_lines(const std::string& path)
{
    std::ifstream file = open_named_file(path);
    errno = 0;
    std::vector<std::string> lines = read_lines(file);
    check_read(file, path);
    return lines;
}

std::string read_all(std::istream& in)
{
    // istream::read, not istreambuf_iterator: a read error then sets badbit instead of escaping as an exception.
    std::string text;
    std::array<char, 64 * 1024> buffer{};
    while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
        text.append(buffer.data(), static_cast<std::size_t>(in.gcount()));
        if (!in) {
            break;
        }
    }
    return text;
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
