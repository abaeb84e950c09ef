// libFuzzer target: the config file (src/config/config_file.*, loader.*): arbitrary bytes as the --config file,
// read, validated and applied through the one loader, as `redops --config FILE` would.
#include "common/error.h"
#include "config/loader.h"

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

namespace {

// One in-memory file for the whole run, rewritten per input: no disk, no temp file left behind.
int config_fd()
{
    static const int fd = ::memfd_create("redops-fuzz-config", 0);
    return fd;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    int fd = config_fd();
    if (fd < 0 || ::ftruncate(fd, 0) != 0 || ::pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) {
        return 0;
    }
    redops::config::FlagValues flags;
    flags.config_file = "/proc/self/fd/" + std::to_string(fd);
    auto no_env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
    auto no_prompt = [](const std::string&) -> std::string {
        throw redops::Error(redops::ErrorKind::usage, "no prompt");
    };
    try {
        (void)redops::config::load_settings(flags, no_env, no_prompt, "/nonexistent/redops-fuzz.json");
    } catch (const redops::Error&) {
    }
    return 0;
}
