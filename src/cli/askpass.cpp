#include "cli/askpass.h"

#include "common/error.h"

#include <cstdio>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace redops::cli {

namespace {

// Restores the terminal's echo even when reading throws.
class EchoOff {
public:
    explicit EchoOff(int fd) : m_fd(fd)
    {
        m_active = ::tcgetattr(fd, &m_saved) == 0;
        if (m_active) {
            termios quiet = m_saved;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            ::tcsetattr(fd, TCSAFLUSH, &quiet);
        }
    }
    ~EchoOff()
    {
        if (m_active) {
            ::tcsetattr(m_fd, TCSAFLUSH, &m_saved);
        }
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

private:
    int m_fd;
    termios m_saved{};
    bool m_active = false;
};

} // namespace

std::string prompt_password(const std::string& prompt)
{
    int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        throw Error(ErrorKind::usage, "--askpass needs a terminal; use --password-file or REDIS_PASSWORD instead");
    }
    std::string password;
    {
        EchoOff echo_off(fd);
        (void)!::write(fd, prompt.data(), prompt.size());
        char c = 0;
        while (::read(fd, &c, 1) == 1 && c != '\n') {
            password.push_back(c);
        }
        (void)!::write(fd, "\n", 1);
    }
    ::close(fd);
    return password;
}

} // namespace redops::cli
