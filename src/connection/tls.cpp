#include "httpbench/connection/tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <fmt/format.h>
#include <boost/asio/ssl/context.hpp>

#include "httpbench/stats/error.hpp"

namespace httpbench {

namespace ssl = boost::asio::ssl;

namespace {

// OpenSSL's own reason for the last failure, for one-line messages.
std::string openssl_reason(const boost::system::error_code& ec) {
  std::string reason = ec.message();
  if (const unsigned long e = ERR_peek_last_error(); e != 0) {
    if (const char* r = ERR_reason_error_string(e)) reason = r;
  }
  ERR_clear_error();
  return reason;
}

int protocol_version(const std::string& v) {
  return v == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION;
}

}  // namespace

void TlsOptions::validate() const {
  if (min_version != "1.2" && min_version != "1.3") {
    throw UsageError(fmt::format("invalid --tls-min '{}': use 1.2 or 1.3", min_version));
  }
  if (cert_file.has_value() != key_file.has_value()) {
    throw UsageError("--cert and --key go together");
  }
}

std::shared_ptr<ssl::context> make_client_tls_context(const TlsOptions& options) {
  options.validate();
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  boost::system::error_code ec;
  SSL_CTX_set_min_proto_version(ctx->native_handle(), protocol_version(options.min_version));
  if (options.insecure) {
    ctx->set_verify_mode(ssl::verify_none);
  } else {
    ctx->set_verify_mode(ssl::verify_peer);
    if (options.ca_file) {
      ctx->load_verify_file(*options.ca_file, ec);
      if (ec) {
        throw UsageError(
            fmt::format("cannot load --cacert '{}': {}", *options.ca_file, openssl_reason(ec)));
      }
    } else {
      ctx->set_default_verify_paths(ec);
    }
  }
  if (options.cert_file) {
    ctx->use_certificate_chain_file(*options.cert_file, ec);
    if (ec) {
      throw UsageError(
          fmt::format("cannot load --cert '{}': {}", *options.cert_file, openssl_reason(ec)));
    }
    ctx->use_private_key_file(*options.key_file, ssl::context::pem, ec);
    if (ec) {
      throw UsageError(
          fmt::format("cannot load --key '{}': {}", *options.key_file, openssl_reason(ec)));
    }
  }
  static const unsigned char alpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL_CTX_set_alpn_protos(ctx->native_handle(), alpn, sizeof alpn);
  // Sessions are kept by the clients themselves (one per connection slot), not in a shared cache.
  SSL_CTX_set_session_cache_mode(ctx->native_handle(), SSL_SESS_CACHE_CLIENT);
  return ctx;
}

std::shared_ptr<ssl::context> make_server_tls_context(const std::string& cert_file,
                                                      const std::string& key_file) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    throw UsageError(fmt::format("cannot load --tls-cert '{}': {}", cert_file, openssl_reason(ec)));
  }
  ctx->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) {
    throw UsageError(fmt::format("cannot load --tls-key '{}': {}", key_file, openssl_reason(ec)));
  }
  SSL_CTX_set_session_cache_mode(ctx->native_handle(), SSL_SESS_CACHE_SERVER);
  SSL_CTX_set_session_id_context(ctx->native_handle(),
                                 reinterpret_cast<const unsigned char*>("httpbench"), 9);
  return ctx;
}

}  // namespace httpbench
