#include "output/forms.h"

#include "output/text_width.h"

namespace redops::output {

void print(Printer& printer, const Forms& forms)
{
    if (forms.exposition) {
        printer.out() << forms.exposition();
        printer.flush();
    } else if (printer.format() == Format::json) {
        printer.json_document(forms.json());
    } else if (forms.table) {
        printer.table(forms.table());
    } else {
        printer.line(sanitize_for_terminal(forms.line()));
    }
}

} // namespace redops::output
