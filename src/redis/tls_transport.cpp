#include "redis/tls_transport.h"

#include "common/error.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace redops::redis {

namespace {

struct CtxDeleter {
    void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
struct SslDeleter {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
};

// OpenSSL's queued reason, or `fallback` when the queue is empty.
std::string openssl_reason(std::string_view fallback)
{
    unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) {
        return std::string(fallback);
    }
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    return buffer;
}

bool is_ip_address(const std::string& host)
{
    unsigned char buffer[sizeof(in6_addr)];
    return inet_pton(AF_INET, host.c_str(), buffer) == 1 || inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

std::unique_ptr<SSL_CTX, CtxDeleter> make_context(const TlsOptions& tls, const std::string& peer)
{
    std::unique_ptr<SSL_CTX, CtxDeleter> ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) {
        throw Error(ErrorKind::tls, "cannot create TLS context: " + openssl_reason("unknown"));
    }
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    SSL_CTX_set_mode(ctx.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (!tls.insecure) {
        SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
        if (!tls.cacert.empty() || !tls.cacertdir.empty()) {
            const char* file = tls.cacert.empty() ? nullptr : tls.cacert.c_str();
            const char* dir = tls.cacertdir.empty() ? nullptr : tls.cacertdir.c_str();
            if (SSL_CTX_load_verify_locations(ctx.get(), file, dir) != 1) {
                throw Error(ErrorKind::tls,
                            fmt::format("cannot load CA certificates \"{}\": {}", file ? tls.cacert : tls.cacertdir,
                                        openssl_reason("unreadable")));
            }
        } else if (SSL_CTX_set_default_verify_paths(ctx.get()) != 1) {
            // Loading the system bundle costs tens of ms, so it happens only here, when no CA was named.
            throw Error(ErrorKind::tls, "cannot load the system CA certificates: " + openssl_reason("unknown"));
        }
    }
    if (!tls.cert.empty()) {
        if (SSL_CTX_use_certificate_chain_file(ctx.get(), tls.cert.c_str()) != 1) {
            throw Error(ErrorKind::tls, fmt::format("cannot load client certificate \"{}\": {}", tls.cert,
                                                    openssl_reason("unreadable")));
        }
        const std::string& key = tls.key.empty() ? tls.cert : tls.key;
        if (SSL_CTX_use_PrivateKey_file(ctx.get(), key.c_str(), SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_check_private_key(ctx.get()) != 1) {
            throw Error(ErrorKind::tls,
                        fmt::format("cannot load client key \"{}\": {}", key, openssl_reason("unreadable")));
        }
    }
    (void)peer;
    return ctx;
}

class TlsTransport : public Transport {
public:
    TlsTransport(Socket socket, std::unique_ptr<SSL_CTX, CtxDeleter> ctx, std::unique_ptr<SSL, SslDeleter> ssl,
                 std::string peer)
        : m_socket(std::move(socket)), m_ctx(std::move(ctx)), m_ssl(std::move(ssl)), m_peer(std::move(peer))
    {
    }

    ~TlsTransport() override
    {
        // A best-effort close_notify; never block on it.
        SSL_shutdown(m_ssl.get());
    }

    void write_all(const char* data, std::size_t size, const Deadline& deadline) override
    {
        while (size > 0) {
            ERR_clear_error();
            int n = SSL_write(m_ssl.get(), data, static_cast<int>(std::min<std::size_t>(size, 1 << 30)));
            if (n > 0) {
                data += n;
                size -= static_cast<std::size_t>(n);
                continue;
            }
            wait_or_throw(n, deadline, "writing to");
        }
    }

    std::size_t read_some(char* buffer, std::size_t size, const Deadline& deadline) override
    {
        for (;;) {
            ERR_clear_error();
            int n = SSL_read(m_ssl.get(), buffer, static_cast<int>(std::min<std::size_t>(size, 1 << 30)));
            if (n > 0) {
                return static_cast<std::size_t>(n);
            }
            wait_or_throw(n, deadline, "waiting for a reply from");
        }
    }

    const std::string& peer() const override { return m_peer; }

    void handshake(const Deadline& deadline)
    {
        for (;;) {
            ERR_clear_error();
            int rc = SSL_connect(m_ssl.get());
            if (rc == 1) {
                return;
            }
            int err = SSL_get_error(m_ssl.get(), rc);
            if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
                wait_for_fd(m_socket.fd(), err == SSL_ERROR_WANT_WRITE, deadline, m_peer, "in the TLS handshake with");
                continue;
            }
            long verify = SSL_get_verify_result(m_ssl.get());
            if (verify != X509_V_OK) {
                throw Error(ErrorKind::tls, fmt::format("TLS handshake with {} failed: certificate verify failed: {}",
                                                        m_peer, X509_verify_cert_error_string(verify)));
            }
            throw Error(ErrorKind::tls, fmt::format("TLS handshake with {} failed: {}", m_peer,
                                                    openssl_reason("the peer closed the connection")));
        }
    }

private:
    void wait_or_throw(int rc, const Deadline& deadline, const char* what)
    {
        int err = SSL_get_error(m_ssl.get(), rc);
        if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
            wait_for_fd(m_socket.fd(), err == SSL_ERROR_WANT_WRITE, deadline, m_peer, what);
            return;
        }
        if (err == SSL_ERROR_ZERO_RETURN || (err == SSL_ERROR_SYSCALL && rc == 0)) {
            throw Error(ErrorKind::connection, fmt::format("connection closed by {}", m_peer));
        }
        throw Error(ErrorKind::connection,
                    fmt::format("TLS I/O with {} failed: {}", m_peer, openssl_reason("I/O error")));
    }

    Socket m_socket;
    std::unique_ptr<SSL_CTX, CtxDeleter> m_ctx;
    std::unique_ptr<SSL, SslDeleter> m_ssl;
    std::string m_peer;
};

} // namespace

std::unique_ptr<Transport> make_tls_transport(Socket socket, const std::string& host, int port, const TlsOptions& tls,
                                              const Deadline& deadline)
{
    const std::string peer = format_peer(host, port);
    auto ctx = make_context(tls, peer);
    std::unique_ptr<SSL, SslDeleter> ssl(SSL_new(ctx.get()));
    if (!ssl || SSL_set_fd(ssl.get(), socket.fd()) != 1) {
        throw Error(ErrorKind::tls, "cannot create TLS session: " + openssl_reason("unknown"));
    }
    const std::string& server_name = tls.sni.empty() ? host : tls.sni;
    if (!is_ip_address(server_name)) {
        SSL_set_tlsext_host_name(ssl.get(), server_name.c_str());
    }
    if (!tls.insecure) {
        // Verify the name we dialled (or the SNI name the operator asked for), not just the chain.
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl.get());
        if (is_ip_address(server_name)) {
            X509_VERIFY_PARAM_set1_ip_asc(param, server_name.c_str());
        } else {
            X509_VERIFY_PARAM_set1_host(param, server_name.c_str(), 0);
        }
    }
    auto transport = std::make_unique<TlsTransport>(std::move(socket), std::move(ctx), std::move(ssl), peer);
    transport->handshake(deadline);
    return transport;
}

} // namespace redops::redis
