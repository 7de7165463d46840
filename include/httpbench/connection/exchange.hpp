// One request from its start to its end, as every driver records it, whatever its concurrency
// model (a blocking client, coroutines) or its protocol's codec: started, its --urls line, in
// flight, its start lag, its deadlines, the connection it went out on, the retry on a kept-alive
// connection the server had closed, the redirects it follows, and how it ended: a final response
// or a failure with its category and message. A driver only does the I/O between these calls.
#pragma once

#include <cstdint>
#include <optional>

#include <boost/system/error_code.hpp>

#include "httpbench/codec/transfer.hpp"
#include "httpbench/connection/client_config.hpp"
#include "httpbench/connection/redirect.hpp"
#include "httpbench/stats/clock.hpp"
#include "httpbench/stats/recorder.hpp"

struct ssl_st;

namespace httpbench {

class Exchange {
 public:
  // Request number `number`, meant to start at `intended`, started at `start` (a clock reading
  // the driver already has).
  Exchange(const ClientConfig& config, Recorder& recorder, Clock::time_point intended,
           std::uint64_t number, Clock::time_point start);
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  // The request to send now, and the origin it goes to when not the target's
  // (--follow-cross-origin: a connection of its own); null for the target's origin.
  const PreparedRequest& request() const { return chain_.request(); }
  const Target* away() const { return chain_.away(); }
  // The whole-request deadline (--timeout), and the deadline of establishing a connection.
  Clock::time_point deadline() const { return deadline_; }
  Clock::time_point connect_deadline() const;

  // Establishing a connection: it was set up (TCP, and the proxy's tunnel) in the time since
  // `connect_start`; a TLS handshake started at `handshake_start` completed on `ssl`, to the
  // target (whose TLS version and ALPN the run's first contact keeps) or, for a hop, to another
  // origin.
  void connected(Clock::time_point connect_start);
  void handshake_done(ssl_st* ssl, Clock::time_point handshake_start);
  void hop_handshake_done(ssl_st* ssl, Clock::time_point handshake_start);

  // The request goes out on the target's connection, `reused` when it was open already. Returns
  // when its first byte is written: the start itself when only bookkeeping came between (a
  // kept-alive connection's first attempt), otherwise a new clock reading.
  Clock::time_point write_on(bool reused);
  // The transfer on that connection failed before any response byte on a reused connection the
  // server had closed (an idle keep-alive connection it dropped): true when the request is to be
  // sent again on a new connection, once.
  bool retry(const Transfer& t);
  // An HTTP/2 stream the server refused (REFUSED_STREAM, or above its GOAWAY's last stream id) was
  // not processed: true when it is to be sent again on a new connection (once), counted as a
  // reconnect rather than a failure.
  bool retry_refused(const Transfer& t);

  // The request failed: in step `phase` with `ec`; `deadline_hit` when the driver's own
  // --timeout deadline ended it (the message then names --timeout). Its message is built for the
  // first failure of its category only.
  void fail(const boost::system::error_code& ec, Phase phase, bool deadline_hit = false);
  // The proxy refused the CONNECT tunnel with `status`.
  void fail_tunnel(unsigned status);
  // A hop to the other origin `origin` failed (t.ec in step t.phase).
  void fail_hop(const Target& origin, const Transfer& t);

  // The complete response `t` arrived: nullopt when the chain follows a redirect (request() is
  // the next hop's); otherwise the request is recorded, as a success, a status failure or a
  // redirect failure, and the result says whether it succeeded.
  std::optional<bool> settle(const Transfer& t);

 private:
  const ClientConfig& config_;
  Recorder& recorder_;
  std::size_t line_;
  Clock::time_point intended_;
  Clock::time_point start_;
  Clock::time_point deadline_;
  Recorder::InFlight in_flight_;
  RedirectChain chain_;
  // Response bytes over the chain so far.
  std::uint64_t bytes_ = 0;
  // No redirect followed and no retry yet.
  bool first_attempt_ = true;
  // The current attempt went out on a connection that was open already.
  bool reused_ = false;
};

// The start of a hop to another origin (--follow-cross-origin), on a connection of its own: when
// it began, its connect deadline, the addresses it needs no lookup for, and the Transfer its
// failures come back in. The driver resolves the name its own way when `endpoints` is empty.
struct OriginHop {
  OriginHop(const Exchange& x, const ClientConfig& config, const Target& origin);

  bool needs_lookup() const { return endpoints.empty(); }
  // The lookup's answer: its addresses, or its error (a timeout when it ended past the
  // deadline, as a lookup cannot be interrupted). False when the hop failed.
  template <class Results>
  bool resolved(const boost::system::error_code& ec, const Results& results) {
    t.ec = ec;
    if (!t.ec && Clock::now() >= connect_deadline) t.ec = make_timed_out();
    if (t.ec) return false;
    for (const auto& entry : results)
      endpoints.emplace_back(entry.endpoint());
    return true;
  }

  Clock::time_point connect_start;
  Clock::time_point connect_deadline;
  std::vector<ConnectEndpoint> endpoints;
  Transfer t;

 private:
  static boost::system::error_code make_timed_out();
};

// https through a proxy: the proxy's answer to CONNECT, `status`, with `bytes_after` bytes read
// past it. A refusal is no error here (the caller reports the status); bytes past a 2xx answer
// are, since the TLS layer reads from the socket and they would be lost.
boost::system::error_code tunnel_answer_error(unsigned status, std::size_t bytes_after);

}  // namespace httpbench
