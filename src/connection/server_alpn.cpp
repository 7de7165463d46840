#include "httpbench/connection/server_alpn.hpp"

#include <cstring>

#include <boost/asio/ssl/context.hpp>

namespace httpbench {

namespace {

// The server's protocols in its order of preference, in ALPN's wire format (length, name).
constexpr unsigned char kServerProtocols[] = {2,   'h', '2', 8,   'h', 't',
                                              't', 'p', '/', '1', '.', '1'};

int select_protocol(SSL*, const unsigned char** out, unsigned char* out_length,
                    const unsigned char* in, unsigned int in_length, void*) {
  unsigned char* selected = nullptr;
  // The first of the server's protocols that the client offers, as nginx chooses.
  if (SSL_select_next_proto(&selected, out_length, kServerProtocols, sizeof kServerProtocols, in,
                            in_length) != OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;
  }
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

void select_h2_or_http11(boost::asio::ssl::context& context) {
  SSL_CTX_set_alpn_select_cb(context.native_handle(), select_protocol, nullptr);
}

bool selected_h2(const SSL* ssl) {
  const unsigned char* protocol = nullptr;
  unsigned int length = 0;
  SSL_get0_alpn_selected(ssl, &protocol, &length);
  return length == 2 && std::memcmp(protocol, "h2", 2) == 0;
}

}  // namespace httpbench
