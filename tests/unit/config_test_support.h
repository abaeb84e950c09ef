// Test helpers for the config loader: a self-cleaning temp dir, an injected environment and a hermetic loader.
#pragma once

#include "common/error.h"
#include "config/loader.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <unistd.h>

namespace redops::test {

// A unique directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
public:
    TempDir()
    {
        auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        m_path = std::filesystem::temp_directory_path() /
                 ("redops-test-" + std::to_string(::getpid()) + "-" + std::to_string(stamp) + "-" +
                  std::to_string(std::random_device{}()));
        std::filesystem::create_directories(m_path);
    }
    ~TempDir()
    {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return m_path; }

    // Writes `content` to `name` (sub-directories created) and returns the full path.
    std::string write(const std::string& name, const std::string& content) const
    {
        auto file = m_path / name;
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << content;
        return file.string();
    }

private:
    std::filesystem::path m_path;
};

inline config::EnvLookup env_of(std::map<std::string, std::string> values)
{
    return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
        auto it = values.find(name);
        return it == values.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
}

// Loads with a hermetic environment: HOME points into `dir` (no XDG file unless a test writes one) and the system
// config path does not exist. `prompt` answers --askpass; without one the loader refuses it (no terminal).
struct Loader {
    TempDir dir;
    std::map<std::string, std::string> env{{"HOME", dir.path().string()}};
    config::FlagValues flags;
    config::PasswordPrompt prompt;

    config::Settings load() const
    {
        return config::load_settings(flags, env_of(env), prompt, (dir.path() / "no-system.json").string());
    }

    // Writes `json` as the config file and points --config at it; returns its path.
    std::string config(const std::string& json)
    {
        auto path = dir.write("redops.json", json);
        flags.config_file = path;
        return path;
    }

    // The error load() throws; fails the test when it throws none.
    Error error() const
    {
        try {
            load();
        } catch (const Error& error) {
            return error;
        }
        FAIL("load_settings did not throw");
        return Error(ErrorKind::data, "unreachable");
    }
};

} // namespace redops::test
