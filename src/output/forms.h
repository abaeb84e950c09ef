// A result in the forms a command can give it; the printer's format (or a command's own --format prometheus)
// picks the one printed, so no command decides between JSON and text itself.
#pragma once

#include "output/printer.h"
#include "output/table.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace redops::output {

struct Forms {
    std::function<nlohmann::ordered_json()> json{}; // -o json: one document (one line per record of a stream)
    std::function<Table()> table{};                 // otherwise, when given
    std::function<std::string()> line{};            // otherwise: one text line, control characters escaped on printing
    std::function<std::string()> exposition{};      // given: the command's --format prometheus, printed as is
};

// Builds only the form printed. Throws OutputError when stdout cannot be written.
void print(Printer& printer, const Forms& forms);

} // namespace redops::output
