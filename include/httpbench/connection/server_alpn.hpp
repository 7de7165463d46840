// ALPN on the built-in server's side: h2 for a client that offers it, else http/1.1.
#pragma once

#include <openssl/ssl.h>

namespace boost::asio::ssl {
class context;
}

namespace httpbench {

// Makes `context` answer ALPN: h2 when the client's list has it, else http/1.1 when it has that;
// no ALPN in the handshake (or neither offered) selects nothing, which means HTTP/1.1.
void select_h2_or_http11(boost::asio::ssl::context& context);

// Whether the handshake on `ssl` selected h2.
bool selected_h2(const SSL* ssl);

}  // namespace httpbench
