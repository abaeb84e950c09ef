// Small input helpers shared by commands: required values, files and stdin read as text or lines.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace redops::cli {

// Error(usage) "<what> must not be empty" when value is empty.
void require_nonempty(std::string_view what, const std::string& value);
// The whole file, or its lines as read_lines gives them. A path that names no file is Error(usage) naming it; a
// file that cannot be read is Error(system) (common/error.h file_error).
std::string read_text_file(const std::string& path);
std::vector<std::string> read_file_lines(const std::string& path);
std::string read_all(std::istream& in);
// One entry per line, '\r' stripped, blank lines skipped (a trailing newline is not an empty id).
std::vector<std::string> read_lines(std::istream& in);

} // namespace redops::cli
