#include "output/table.h"

#include "output/text_width.h"
#include "output/write_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <ostream>
#include <stdexcept>

namespace redops::output {
namespace {

constexpr std::size_t k_column_gap = 2;

} // namespace

namespace detail {

Columns::Columns(std::vector<std::string> headers)
    : m_right(headers.size(), false)
{
    m_headers.reserve(headers.size());
    for (auto& header : headers) {
        m_headers.push_back(sanitize_for_terminal(header));
        m_widths.push_back(display_width(m_headers.back()));
    }
}

void Columns::align_right(std::size_t column)
{
    if (column >= m_right.size()) {
        throw std::out_of_range(fmt::format("table has no column {}", column));
    }
    m_right[column] = true;
}

std::vector<Cell> Columns::admit(std::vector<Cell> cells) const
{
    if (cells.size() != m_headers.size()) {
        throw std::invalid_argument(
            fmt::format("table row has {} cells, expected {}", cells.size(), m_headers.size()));
    }
    for (auto& cell : cells) {
        cell.text = sanitize_for_terminal(cell.text);
    }
    return cells;
}

void Columns::widen(const std::vector<Cell>& row)
{
    for (std::size_t i = 0; i < row.size(); ++i) {
        m_widths[i] = std::max(m_widths[i], display_width(row[i].text));
    }
}

void Columns::render_header(std::ostream& out, bool colour) const
{
    std::vector<Cell> cells;
    cells.reserve(m_headers.size());
    for (const auto& header : m_headers) {
        cells.push_back({header, Color::bold});
    }
    render_row(out, cells, colour);
}

// Padding and gaps are only written once non-empty text follows them, so no line ends in spaces while
// spaces inside a cell survive.
void Columns::render_row(std::ostream& out, const std::vector<Cell>& row, bool colour) const
{
    std::string line;
    std::size_t pending_spaces = 0;
    for (std::size_t i = 0; i < row.size(); ++i) {
        if (i > 0) {
            pending_spaces += k_column_gap;
        }
        const auto width = display_width(row[i].text);
        const auto padding = m_widths[i] > width ? m_widths[i] - width : 0;
        if (m_right[i]) {
            pending_spaces += padding;
        }
        if (!row[i].text.empty()) {
            line.append(pending_spaces, ' ');
            pending_spaces = 0;
            line += paint(row[i].text, row[i].color, colour);
        }
        if (!m_right[i]) {
            pending_spaces += padding;
        }
    }
    line += '\n';
    out << line;
}

std::vector<Cell> to_cells(std::vector<std::string> texts)
{
    std::vector<Cell> cells;
    cells.reserve(texts.size());
    for (auto& text : texts) {
        cells.push_back({std::move(text), Color::none});
    }
    return cells;
}

} // namespace detail

Table::Table(std::vector<std::string> headers)
    : m_columns(std::move(headers))
{
}

void Table::align_right(std::size_t column)
{
    m_columns.align_right(column);
}

void Table::add_row(std::vector<std::string> cells)
{
    add_row(detail::to_cells(std::move(cells)));
}

void Table::add_row(std::vector<Cell> cells)
{
    auto row = m_columns.admit(std::move(cells));
    m_columns.widen(row);
    m_rows.push_back(std::move(row));
}

void Table::render(std::ostream& out, bool colour) const
{
    m_columns.render_header(out, colour);
    for (const auto& row : m_rows) {
        m_columns.render_row(out, row, colour);
    }
}

StreamingTable::StreamingTable(std::ostream& out, std::vector<std::string> headers, bool colour,
                               std::size_t buffered_rows)
    : m_out(out), m_columns(std::move(headers)), m_colour(colour), m_buffered_rows(buffered_rows)
{
}

void StreamingTable::align_right(std::size_t column)
{
    if (m_layout_fixed) {
        throw std::logic_error("align_right after the table layout was printed");
    }
    m_columns.align_right(column);
}

void StreamingTable::add_row(std::vector<std::string> cells)
{
    add_row(detail::to_cells(std::move(cells)));
}

void StreamingTable::add_row(std::vector<Cell> cells)
{
    if (m_finished) {
        throw std::logic_error("add_row after finish");
    }
    auto row = m_columns.admit(std::move(cells));
    ++m_rows_seen;
    if (m_layout_fixed) {
        m_columns.render_row(m_out, row, m_colour);
        check_written(m_out, false); // a full disk or a closed pipe ends a long listing at once
        return;
    }
    m_columns.widen(row);
    m_buffer.push_back(std::move(row));
    if (m_buffer.size() >= m_buffered_rows) {
        flush_buffer();
        check_written(m_out, false);
    }
}

void StreamingTable::finish()
{
    if (m_finished) {
        return;
    }
    if (!m_layout_fixed) {
        flush_buffer();
    }
    m_finished = true;
    check_written(m_out, true);
}

void StreamingTable::flush_buffer()
{
    m_columns.render_header(m_out, m_colour);
    for (const auto& row : m_buffer) {
        m_columns.render_row(m_out, row, m_colour);
    }
    // swap with an empty vector: clear() would keep the capacity of N rows for the whole run.
    std::vector<std::vector<Cell>>().swap(m_buffer);
    m_layout_fixed = true;
}

} // namespace redops::output
