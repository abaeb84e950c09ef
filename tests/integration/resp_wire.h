// RESP on the wire for the test fixtures: encoders for replies and an incremental parser for client commands.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redops::test::resp {

std::string simple(std::string_view text);                           // +text
std::string error(std::string_view text);                            // -text
std::string integer(long long value);                                // :value
std::string bulk(std::string_view text);                             // $len text
std::string nil();                                                   // $-1
std::string array(const std::vector<std::string>& encoded_elements); // *n followed by already-encoded elements
std::string bulk_array(const std::vector<std::string>& items);       // *n of bulk strings

// What the parser made of the bytes buffered so far.
enum class ParseStatus { complete, incomplete, malformed };

// Takes one command (a RESP array of bulk strings, or an inline command line) off the front of `buffer`.
// `complete`: `args` holds it and its bytes are erased; `incomplete`: nothing consumed; `malformed`: give up.
// Bulk lengths above `max_bulk` are malformed, so a fixture never buffers without bound.
ParseStatus take_command(std::string& buffer, std::vector<std::string>& args, std::size_t max_bulk = 64 << 20);

// Upper-cased copy, for comparing command names.
std::string upper(std::string_view text);

} // namespace redops::test::resp
