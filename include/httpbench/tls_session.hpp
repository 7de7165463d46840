// Per-connection TLS set-up shared by the blocking and coroutine clients: SNI, host name
// verification, and a saved session offered again on reconnect (resumption).
#pragma once

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <memory>

#include <boost/asio/ssl/error.hpp>
#include <boost/system/error_code.hpp>

#include "httpbench/client_config.hpp"

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

// Sets SNI, host name verification and the saved session on a new SSL object.
inline boost::system::error_code prepare_tls(SSL* ssl, const ClientConfig& cfg,
                                             const TlsSession& session) {
  // SNI must not be an IP literal (RFC 6066).
  const bool ip_literal = cfg.server_name.find_first_not_of("0123456789.") == std::string::npos ||
                          cfg.server_name.find(':') != std::string::npos;
  if (!ip_literal && !SSL_set_tlsext_host_name(ssl, cfg.server_name.c_str())) {
    return {static_cast<int>(ERR_get_error()), boost::asio::error::get_ssl_category()};
  }
  if (cfg.verify_host) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    const int ok = ip_literal ? X509_VERIFY_PARAM_set1_ip_asc(param, cfg.server_name.c_str())
                              : X509_VERIFY_PARAM_set1_host(param, cfg.server_name.c_str(), 0);
    if (!ok) return {static_cast<int>(ERR_get_error()), boost::asio::error::get_ssl_category()};
  }
  if (session.get()) SSL_set_session(ssl, session.get());
  return {};
}

}  // namespace httpbench
