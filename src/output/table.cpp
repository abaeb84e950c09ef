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

Columns::Columns(std::vector<std::string> headers) : m_right(headers.size(), false)
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
        throw std::invalid_argument(fmt::format("table row has {} cells, expected {}", cells.size(), m_headers.size()));
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

std::vector<std::size_t> Columns::fitted(std::size_t max_width) const
{
    std::vector<std::size_t> widths = m_widths;
    if (max_width == 0 || widths.empty()) {
        return widths;
    }
    auto total = [&] {
        std::size_t sum = k_column_gap * (widths.size() - 1);
        for (auto w : widths) {
            sum += w;
        }
        return sum;
    };
    // Each step narrows the widest column to the next widest (or by what is still too much): at most one step
    // per distinct width, however long a cell is.
    for (std::size_t sum = total(); sum > max_width; sum = total()) {
        auto widest = std::max_element(widths.begin(), widths.end());
        if (*widest <= k_min_width) {
            break;
        }
        std::size_t next = k_min_width;
        for (auto it = widths.begin(); it != widths.end(); ++it) {
            if (it != widest && *it < *widest) {
                next = std::max(next, *it);
            } else if (it != widest && *it == *widest) {
                next = *widest - 1; // a tie: take one column at a time, in turn
            }
        }
        *widest -= std::max<std::size_t>(1, std::min(sum - max_width, *widest - next));
    }
    return widths;
}

std::vector<std::size_t> Columns::limits(const std::vector<std::size_t>& widths, std::size_t max_width)
{
    if (max_width == 0 || widths.empty()) {
        return {};
    }
    std::vector<std::size_t> limits = widths;
    std::size_t before_last = k_column_gap * (widths.size() - 1);
    for (std::size_t i = 0; i + 1 < widths.size(); ++i) {
        before_last += widths[i];
    }
    if (max_width > before_last) {
        limits.back() = std::max(limits.back(), max_width - before_last);
    }
    return limits;
}

void Columns::render_header(std::ostream& out, bool colour, const std::vector<std::size_t>& widths,
                            const std::vector<std::size_t>& limits) const
{
    std::vector<Cell> cells;
    cells.reserve(m_headers.size());
    for (const auto& header : m_headers) {
        cells.push_back({header, Color::bold});
    }
    render_row(out, cells, colour, widths, limits);
}

// Padding and gaps are only written once non-empty text follows them, so no line ends in spaces while
// spaces inside a cell survive.
void Columns::render_row(std::ostream& out, const std::vector<Cell>& row, bool colour,
                         const std::vector<std::size_t>& widths, const std::vector<std::size_t>& limits) const
{
    std::string line;
    std::size_t pending_spaces = 0;
    for (std::size_t i = 0; i < row.size(); ++i) {
        if (i > 0) {
            pending_spaces += k_column_gap;
        }
        std::string shortened;
        const std::string* text = &row[i].text;
        auto width = display_width(*text);
        if (!limits.empty() && width > limits[i]) {
            shortened = shorten_middle(*text, limits[i]);
            text = &shortened;
            width = display_width(shortened);
        }
        const auto padding = widths[i] > width ? widths[i] - width : 0;
        if (m_right[i]) {
            pending_spaces += padding;
        }
        if (!text->empty()) {
            line.append(pending_spaces, ' ');
            pending_spaces = 0;
            line += paint(*text, row[i].color, colour);
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

Table::Table(std::vector<std::string> headers) : m_columns(std::move(headers))
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

void Table::render(std::ostream& out, bool colour, std::size_t max_width) const
{
    const auto widths = m_columns.fitted(max_width);
    const auto limits = detail::Columns::limits(widths, max_width);
    m_columns.render_header(out, colour, widths, limits);
    for (const auto& row : m_rows) {
        m_columns.render_row(out, row, colour, widths, limits);
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

void StreamingTable::fit_to(std::size_t max_width)
{
    if (m_layout_fixed) {
        throw std::logic_error("fit_to after the table layout was printed");
    }
    m_max_width = max_width;
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
        m_columns.render_row(m_out, row, m_colour, m_fitted, m_limits);
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
    m_fitted = m_columns.fitted(m_max_width);
    m_limits = detail::Columns::limits(m_fitted, m_max_width);
    m_columns.render_header(m_out, m_colour, m_fitted, m_limits);
    for (const auto& row : m_buffer) {
        m_columns.render_row(m_out, row, m_colour, m_fitted, m_limits);
    }
    // swap with an empty vector: clear() would keep the capacity of N rows for the whole run.
    std::vector<std::vector<Cell>>().swap(m_buffer);
    m_layout_fixed = true;
}

} // namespace redops::output
