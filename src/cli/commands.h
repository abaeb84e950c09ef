// One register function per command group; each binds its options and, when chosen, sets the runner.
#pragma once

#include "cli/app.h"

namespace redops::cli {

void register_ping(CLI::App& app, Runner& selected);
void register_config(CLI::App& app, Runner& selected);
void register_completion(CLI::App& app, Runner& selected);
void register_token(CLI::App& app, Runner& selected);
void register_dedupe(CLI::App& app, Runner& selected);
void register_lock(CLI::App& app, Runner& selected);
void register_monitor(CLI::App& app, Runner& selected);
void register_ratelimit(CLI::App& app, Runner& selected);
void register_sessions(CLI::App& app, Runner& selected);
void register_doctor(CLI::App& app, Runner& selected);

} // namespace redops::cli
