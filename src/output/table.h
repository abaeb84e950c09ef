// Aligned text tables for humans: a buffered Table and a StreamingTable whose memory stays flat.
#pragma once

#include "output/style.h"

#include <cstddef>
#include <initializer_list>
#include <iosfwd>
#include <string>
#include <vector>

namespace redops::output {

struct Cell {
    std::string text;
    Color color = Color::none;
};

namespace detail {

// Headers, alignment and widths shared by both tables; widths are display widths, never bytes.
class Columns {
public:
    explicit Columns(std::vector<std::string> headers);
    void align_right(std::size_t column);
    // Checks the cell count and neutralises control characters (cells come from Redis, untrusted).
    std::vector<Cell> admit(std::vector<Cell> cells) const;
    void widen(const std::vector<Cell>& row);
    // Column widths that fit `max_width` columns in all (0: no limit): the widest column gives way first, down
    // to k_min_width; what still does not fit overflows rather than hide whole columns.
    std::vector<std::size_t> fitted(std::size_t max_width) const;
    // How wide a cell may be before it is shortened: its fitted width, the last column up to the terminal's edge;
    // empty (never shorten) without a limit.
    static std::vector<std::size_t> limits(const std::vector<std::size_t>& widths, std::size_t max_width);
    // A cell wider than its limit is shortened in the middle (shorten_middle); padding follows `widths`.
    void render_header(std::ostream& out, bool colour, const std::vector<std::size_t>& widths,
                       const std::vector<std::size_t>& limits) const;
    void render_row(std::ostream& out, const std::vector<Cell>& row, bool colour,
                    const std::vector<std::size_t>& widths, const std::vector<std::size_t>& limits) const;
    const std::vector<std::size_t>& widths() const noexcept { return m_widths; }

    static constexpr std::size_t k_min_width = 6;

private:
    std::vector<std::string> m_headers;
    std::vector<bool> m_right;
    std::vector<std::size_t> m_widths;
};

std::vector<Cell> to_cells(std::vector<std::string> texts);

} // namespace detail

// Collects every row, then renders with columns as wide as their widest cell. Columns are separated by
// two spaces; lines never end in padding. Given a terminal width, the table fits it: the widest column is narrowed
// and its longer cells shortened in the middle with an ellipsis, so no line wraps.
class Table {
public:
    explicit Table(std::vector<std::string> headers);
    void align_right(std::size_t column);
    // Throws std::invalid_argument when the cell count differs from the header count.
    void add_row(std::vector<std::string> cells);
    void add_row(std::vector<Cell> cells);
    // Without it add_row({"a", "b"}) is ambiguous: vector<Cell> has an iterator-pair constructor.
    void add_row(std::initializer_list<std::string> cells) { add_row(std::vector<std::string>(cells)); }
    // `max_width`: the terminal's columns, 0 for no limit (not a terminal).
    void render(std::ostream& out, bool colour, std::size_t max_width = 0) const;
    std::size_t size() const noexcept { return m_rows.size(); }

private:
    detail::Columns m_columns;
    std::vector<std::vector<Cell>> m_rows;
};

// For unbounded listings: sizes the columns from the first `buffered_rows` rows, prints them, then prints
// every further row at once with those widths; a wider cell later just overflows, as in ps(1).
// An empty listing prints the header alone, so "nothing matched" is visible and looks like every other run.
// finish() must be called; the destructor prints nothing, so a failed command never looks complete.
// add_row() and finish() throw OutputError when stdout fails.
class StreamingTable {
public:
    static constexpr std::size_t k_default_buffered_rows = 200;

    StreamingTable(std::ostream& out, std::vector<std::string> headers, bool colour,
                   std::size_t buffered_rows = k_default_buffered_rows);
    // Only before the first row is printed; throws std::logic_error afterwards.
    void align_right(std::size_t column);
    // Fit the terminal's `max_width` columns (0: no limit); then a later cell wider than its column is shortened
    // instead of overflowing. Only before the first row is printed.
    void fit_to(std::size_t max_width);
    void add_row(std::vector<std::string> cells);
    void add_row(std::vector<Cell> cells);
    void add_row(std::initializer_list<std::string> cells) { add_row(std::vector<std::string>(cells)); }
    void finish();
    std::size_t rows_seen() const noexcept { return m_rows_seen; }

private:
    void flush_buffer();

    std::ostream& m_out;
    detail::Columns m_columns;
    bool m_colour;
    std::size_t m_max_width = 0;
    std::vector<std::size_t> m_fitted; // set when the layout is fixed
    std::vector<std::size_t> m_limits;
    std::size_t m_buffered_rows;
    std::vector<std::vector<Cell>> m_buffer;
    std::size_t m_rows_seen = 0;
    bool m_layout_fixed = false;
    bool m_finished = false;
};

} // namespace redops::output
