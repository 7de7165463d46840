// Per-connection TLS set-up shared by the blocking and coroutine clients: SNI, host name
// verification, and a saved session offered again on reconnect (resumption).
#pragma once

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <memory>
#include <optional>
#include <string_view>

#include <boost/asio/ssl/error.hpp>
#include <boost/system/error_code.hpp>

#include "httpbench/codec/first_contact.hpp"
#include "httpbench/connection/client_config.hpp"

namespace httpbench {

// The last resumable session of one connection slot.
class TlsSession {
 public:
  // Keeps the session of `ssl` when it can be resumed. The newest one is kept: a session that was
  // just resumed may not be offered again (TLS 1.3 tickets are single-use on many servers).
  void save(SSL* ssl) {
    SSL_SESSION* s = SSL_get1_session(ssl);
    if (s == session_.get()) {
      SSL_SESSION_free(s);
      return;
    }
    if (s && SSL_SESSION_is_resumable(s)) {
      session_.reset(s);
    } else if (s) {
      SSL_SESSION_free(s);
    }
  }
  SSL_SESSION* get() const { return session_.get(); }

 private:
  struct Free {
    void operator()(SSL_SESSION* s) const { SSL_SESSION_free(s); }
  };
  std::unique_ptr<SSL_SESSION, Free> session_;
};

// Sets SNI for `server_name`, host name verification (when `verify_host`) and the saved session
// (if any) on a new SSL object.
inline boost::system::error_code prepare_tls(SSL* ssl, const std::string& server_name,
                                             bool verify_host, const TlsSession* session) {
  // SNI must not be an IP literal (RFC 6066).
  const bool ip_literal = server_name.find_first_not_of("0123456789.") == std::string::npos ||
                          server_name.find(':') != std::string::npos;
  if (!ip_literal && !SSL_set_tlsext_host_name(ssl, server_name.c_str())) {
    return {static_cast<int>(ERR_get_error()), boost::asio::error::get_ssl_category()};
  }
  if (verify_host) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    const int ok = ip_literal ? X509_VERIFY_PARAM_set1_ip_asc(param, server_name.c_str())
                              : X509_VERIFY_PARAM_set1_host(param, server_name.c_str(), 0);
    if (!ok) return {static_cast<int>(ERR_get_error()), boost::asio::error::get_ssl_category()};
  }
  if (session && session->get()) SSL_set_session(ssl, session->get());
  return {};
}

// The ALPN protocol the server selected on `ssl` after its handshake; empty when none was.
inline std::string_view negotiated_protocol(SSL* ssl) {
  const unsigned char* protocol = nullptr;
  unsigned length = 0;
  SSL_get0_alpn_selected(ssl, &protocol, &length);
  if (protocol == nullptr) return {};
  return {reinterpret_cast<const char*>(protocol), length};
}

// HTTP/2 over TLS: offers h2 and http/1.1 by ALPN on a new SSL object (the server's choice of
// http/1.1 is then a clear failure rather than a handshake alert), replacing the context's
// http/1.1 alone.
inline void offer_http2(SSL* ssl) {
  static const unsigned char alpn[] = {2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL_set_alpn_protos(ssl, alpn, sizeof alpn);
}
// The handshake on `ssl` chose h2.
inline bool chose_http2(SSL* ssl) {
  return negotiated_protocol(ssl) == "h2";
}

// Offers what the handshake on `ssl` negotiated to the run's first-contact report (null: none).
inline void offer_first_contact(FirstContact* first, SSL* ssl) {
  if (first != nullptr && first->wants_tls()) {
    first->offer_tls(SSL_get_version(ssl), negotiated_protocol(ssl));
  }
}

// A TLS connection is about to be closed without close_notify: it costs a round trip per
// connection, and servers accept its absence. Marking the shutdown done keeps OpenSSL from
// treating the session as bad, so the next connection can resume it.
inline void close_without_notify(SSL* ssl) {
  SSL_set_shutdown(ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
}

// Closes a connection of either client: its socket, its TLS layer (without close_notify) and the
// bytes read past its last response. A codec's state (its header memo) stays: it is keyed by the
// bytes, whichever server sent them.
template <class Socket, class TlsStream, class Buffer>
void close_connection(Socket& socket, std::optional<TlsStream>& tls, Buffer& buffer) {
  boost::system::error_code ignored;
  socket.close(ignored);
  if (tls) close_without_notify(tls->native_handle());
  tls.reset();
  buffer.clear();
}

// The same for a connection to the run's target.
inline boost::system::error_code prepare_tls(SSL* ssl, const ClientConfig& cfg,
                                             const TlsSession& session) {
  return prepare_tls(ssl, cfg.server_name, cfg.verify_host, &session);
}

}  // namespace httpbench
