// Layer connection/: the protocol-neutral part of an exchange (addresses, connect, proxy tunnel,
// TLS, deadlines, redirects, the retry on a dropped connection). It may use codec and stats.
//
// What a client needs to send requests: resolved addresses, the request prepared once, and
// limits. Built once per run by the command line layer (cli/client_setup.hpp).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "httpbench/codec/http1.hpp"
#include "httpbench/codec/http1_codec.hpp"
#include "httpbench/connection/route.hpp"
#include "httpbench/defaults.hpp"
#include "httpbench/stats/status_rule.hpp"

namespace boost::asio::ssl {
class context;
}

namespace httpbench {

class FirstContact;
class RedirectPolicy;

struct ClientConfig {
  // Addresses to try in order when connecting, resolved once before the run: the target's, the
  // proxy's, or one Unix socket. The clients' sockets are generic stream sockets, so TCP and Unix
  // sockets share one connect and transfer path; the endpoint keeps its address inline (no
  // allocation per connect).
  std::vector<ConnectEndpoint> endpoints;
  // https through a proxy: the CONNECT request sent first on every new connection; a 2xx answer
  // opens the tunnel the TLS handshake then runs in. Empty otherwise.
  std::string tunnel_request;
  // Prefix of connect failure messages: "proxy HOST:PORT", "unix socket PATH", or empty.
  std::string connect_label;
  // The request of every exchange (the first line's with --urls), prepared once.
  PreparedRequest request;
  bool keep_alive = true;
  std::chrono::nanoseconds timeout = defaults::kTimeout;
  std::chrono::nanoseconds connect_timeout = defaults::kConnectTimeout;
  // How responses are read: the header limit, whether Location is kept, the first contact.
  ResponseSettings response;
  // The statuses a final response must have for its request to succeed.
  StatusRule ok_status;
  // --urls: one request per line, sent round-robin by request number; empty: every request is
  // `request`.
  std::vector<PreparedRequest> line_requests;
  // Set with --follow: builds the requests that follow redirects.
  std::shared_ptr<const RedirectPolicy> redirects;
  // Set for https targets: every connection does a TLS handshake with this context.
  std::shared_ptr<boost::asio::ssl::context> tls;
  // --follow-cross-origin: the context for hops to https origins other than the target's (the
  // same context as `tls` when the target is https).
  std::shared_ptr<boost::asio::ssl::context> cross_origin_tls;
  // The request of request number `number`: its --urls line's, or the run's.
  const PreparedRequest& request_for(std::size_t line) const {
    return line_requests.empty() ? request : line_requests[line];
  }
  // The --urls line of request number `number` (0 without --urls).
  std::size_t line_of(std::uint64_t number) const {
    return line_requests.empty() ? 0 : static_cast<std::size_t>(number % line_requests.size());
  }

  // Host name sent as SNI and checked against the certificate (unless verification is off).
  std::string server_name;
  bool verify_host = true;
  // Captures the first response's Server header and the first TLS handshake's version and ALPN,
  // for the manifest; shared by every client of the run (each field is written once).
  std::shared_ptr<FirstContact> first_contact;
};

}  // namespace httpbench
