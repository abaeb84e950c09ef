// monitor --listen: /metrics and /healthz over HTTP (cpp-httplib), like redis_exporter, for a sidecar or a service.
// Each scrape takes a fresh sample; scrapes that arrive while one is under way share it. The key census
// advances on a thread of its own between scrapes. SIGTERM and SIGINT stop the server and the threads cleanly.
#include "cli/error_words.h"
#include "cli/monitor_sampler.h"

#include "common/error.h"
#include "config/duration.h"

#include <fmt/format.h>
#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

namespace redops::cli {

namespace {

struct ListenAddress {
    std::string host = "127.0.0.1"; // loopback unless an address is given
    int port = 0;
};

// "9121", ":9121", "0.0.0.0:9121", "[::1]:9121".
ListenAddress parse_listen(const std::string& text)
{
    ListenAddress a;
    std::string port = text;
    auto colon = text.rfind(':');
    if (colon != std::string::npos) {
        std::string host = text.substr(0, colon);
        if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
            host = host.substr(1, host.size() - 2);
        }
        if (!host.empty()) {
            a.host = host;
        }
        port = text.substr(colon + 1);
    }
    bool digits = !port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stoi(port) > 65535) {
        throw Error(ErrorKind::usage, fmt::format("--listen \"{}\": expected [HOST:]PORT (port 0-65535)", text));
    }
    a.port = std::stoi(port);
    return a;
}

// One sample at a time: a scrape that finds one under way waits for it instead of sending its own.
class SharedSampler {
public:
    SharedSampler(Context& ctx, output::Printer& printer) : m_sampler(ctx, std::nullopt), m_printer(printer) {}

    repo::HealthSample sample()
    {
        std::shared_future<repo::HealthSample> result;
        std::promise<repo::HealthSample> mine;
        bool take = false;
        {
            std::lock_guard lock(m_mutex);
            if (!m_in_flight.valid()) {
                m_in_flight = mine.get_future().share();
                take = true;
            }
            result = m_in_flight;
        }
        if (take) {
            try {
                repo::HealthSample s = m_sampler.take();
                for (const auto& event : transitions(s, m_seen)) {
                    m_printer.note(event);
                }
                mine.set_value(std::move(s));
            } catch (...) {
                mine.set_exception(std::current_exception());
            }
            std::lock_guard lock(m_mutex);
            m_in_flight = {};
        }
        return result.get();
    }

private:
    Sampler m_sampler; // used by the one thread that takes the sample under way
    output::Printer& m_printer;
    SeenState m_seen;
    std::mutex m_mutex;
    std::shared_future<repo::HealthSample> m_in_flight;
};

// The key census on its own thread and connection, one step per --interval; scrapes read what it published.
class BackgroundCensus {
public:
    BackgroundCensus(Context& ctx, repo::KeyCensus census, std::chrono::milliseconds interval)
        : m_ctx(ctx), m_census(std::move(census)), m_interval(interval), m_thread([this] { run(); })
    {
    }
    ~BackgroundCensus()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_all();
        m_thread.join();
    }
    BackgroundCensus(const BackgroundCensus&) = delete;
    BackgroundCensus& operator=(const BackgroundCensus&) = delete;

    std::optional<repo::KeyCensusReport> report()
    {
        std::lock_guard lock(m_mutex);
        return m_report;
    }

private:
    void run()
    {
        std::unique_ptr<redis::Client> client;
        std::unique_lock lock(m_mutex);
        while (!m_stop) {
            lock.unlock();
            repo::KeyCensusReport report;
            try {
                if (!client) {
                    client = m_ctx.client_factory().make();
                }
                report = m_census.step(*client);
                if (!report.error.empty()) {
                    client.reset();
                }
            } catch (const std::exception& e) {
                client.reset(); // Redis is down: the scrapes say so; the census starts over when it is back
                m_census.restart();
                report.error = in_user_words(e);
            }
            lock.lock();
            m_report = std::move(report);
            m_wake.wait_for(lock, m_interval, [this] { return m_stop; });
        }
    }

    Context& m_ctx;
    repo::KeyCensus m_census;
    std::chrono::milliseconds m_interval;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::optional<repo::KeyCensusReport> m_report;
    std::thread m_thread; // last: started once everything it uses exists
};

// SIGTERM/SIGINT blocked in every thread and taken by one that stops the server; restored at the end.
class StopOnSignal {
public:
    explicit StopOnSignal(httplib::Server& server) : m_server(server)
    {
        sigemptyset(&m_set);
        sigaddset(&m_set, SIGTERM);
        sigaddset(&m_set, SIGINT);
        pthread_sigmask(SIG_BLOCK, &m_set, &m_saved);
        m_thread = std::thread([this] {
            int signal = 0;
            sigwait(&m_set, &signal);
            m_server.stop();
        });
    }
    ~StopOnSignal()
    {
        if (m_server.is_running()) {
            m_server.stop();
        }
        pthread_kill(m_thread.native_handle(), SIGTERM); // ends the wait when the server stopped for another reason
        m_thread.join();
        pthread_sigmask(SIG_SETMASK, &m_saved, nullptr);
    }
    StopOnSignal(const StopOnSignal&) = delete;
    StopOnSignal& operator=(const StopOnSignal&) = delete;

private:
    httplib::Server& m_server;
    sigset_t m_set{};
    sigset_t m_saved{};
    std::thread m_thread;
};

} // namespace

int run_listen(const MonitorOptions& o, Context& ctx)
{
    ListenAddress address = parse_listen(*o.listen);
    auto interval = o.interval;
    // Settings and the client factory before any thread: both are made lazily and only once.
    std::optional<repo::KeyCensus> census = make_key_census(o, ctx.settings(), false);
    ctx.client_factory();

    httplib::Server server;
    server.set_read_timeout(std::chrono::seconds(5));
    server.set_write_timeout(std::chrono::seconds(5));
    SharedSampler sampler(ctx, ctx.printer());
    std::optional<BackgroundCensus> background;
    StopOnSignal stop(server); // before the census thread, so that thread inherits the blocked signals
    if (census) {
        background.emplace(ctx, std::move(*census), interval);
    }
    server.Get("/metrics", [&](const httplib::Request&, httplib::Response& response) {
        repo::HealthSample sample = sampler.sample();
        if (background) {
            sample.keys = background->report();
        }
        response.set_content(prometheus_text(sample), "text/plain; version=0.0.4; charset=utf-8");
    });
    server.Get("/healthz", [](const httplib::Request&, httplib::Response& response) {
        response.set_content("ok\n", "text/plain; charset=utf-8"); // the exporter is alive; Redis is in /metrics
    });
    int port = address.port;
    if (port == 0) {
        port = server.bind_to_any_port(address.host);
    } else if (!server.bind_to_port(address.host, port)) {
        port = -1;
    }
    if (port < 0) {
        throw Error(ErrorKind::system, fmt::format("cannot listen on {}:{}", address.host, address.port));
    }
    std::string shown = address.host.find(':') != std::string::npos ? "[" + address.host + "]" : address.host;
    ctx.printer().note(fmt::format("redops: monitor: serving http://{}:{}/metrics and /healthz", shown, port));
    server.listen_after_bind();
    ctx.printer().note("redops: monitor: stopped");
    return k_exit_ok;
}

} // namespace redops::cli
