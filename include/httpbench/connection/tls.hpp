// TLS settings and the OpenSSL contexts built from them, for the clients and the built-in server.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "httpbench/defaults.hpp"

namespace boost::asio::ssl {
class context;
}

namespace httpbench {

struct TlsOptions {
  // Skip certificate and host name verification (-k).
  bool insecure = false;
  // Trust these CA certificates (PEM) instead of the system store.
  std::optional<std::string> ca_file;
  // Client certificate and key (PEM), for servers that ask for one.
  std::optional<std::string> cert_file;
  std::optional<std::string> key_file;
  // Lowest protocol version accepted: "1.2" or "1.3".
  std::string min_version = defaults::kTlsMinVersion;

  // Throws UsageError on an unknown version or a certificate without its key.
  void validate() const;
};

// A client context: verification against the system store (or `ca_file`) unless insecure,
// ALPN http/1.1, session caching for resumption. Throws UsageError naming an unreadable file.
std::shared_ptr<boost::asio::ssl::context> make_client_tls_context(const TlsOptions& options);

// A server context with this certificate chain and key (PEM). Throws UsageError.
std::shared_ptr<boost::asio::ssl::context> make_server_tls_context(const std::string& cert_file,
                                                                   const std::string& key_file);

}  // namespace httpbench
