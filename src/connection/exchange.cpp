#include "httpbench/connection/exchange.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>

#include "httpbench/codec/http2_error.hpp"
#include "httpbench/connection/failure.hpp"
#include "httpbench/connection/route.hpp"
#include "httpbench/connection/tls_session.hpp"

namespace httpbench {

Exchange::Exchange(const ClientConfig& config, Recorder& recorder, Clock::time_point intended,
                   std::uint64_t number, Clock::time_point start)
    : config_(config),
      recorder_(recorder),
      line_(config.line_of(number)),
      intended_(intended),
      start_(start),
      deadline_(start + config.timeout),
      in_flight_((recorder.record_started(), recorder), start),
      chain_(config, line_) {
  recorder_.record_url_started(line_);
  recorder_.record_start_lag(elapsed_ns(intended, start));
}

Clock::time_point Exchange::connect_deadline() const {
  return std::min(deadline_, start_ + config_.connect_timeout);
}

void Exchange::connected(Clock::time_point connect_start) {
  recorder_.record_connection(elapsed_ns(connect_start, Clock::now()));
}

void Exchange::handshake_done(ssl_st* ssl, Clock::time_point handshake_start) {
  hop_handshake_done(ssl, handshake_start);
  offer_first_contact(config_.first_contact.get(), ssl);
}

void Exchange::hop_handshake_done(ssl_st* ssl, Clock::time_point handshake_start) {
  recorder_.record_handshake(SSL_session_reused(ssl) == 1,
                             elapsed_ns(handshake_start, Clock::now()));
}

Clock::time_point Exchange::write_on(bool reused) {
  reused_ = reused;
  if (!reused || !first_attempt_) return Clock::now();
  recorder_.record_reuse();
  // Nothing but bookkeeping since `start_` on a kept-alive connection's first attempt.
  return start_;
}

bool Exchange::retry(const Transfer& t) {
  if (!reused_ || !first_attempt_ || t.got_response_bytes || !is_dropped_connection(t.ec)) {
    return false;
  }
  first_attempt_ = false;
  recorder_.record_reconnect();
  return true;
}

bool Exchange::retry_refused(const Transfer& t) {
  if (t.ec != Http2Error::refused_stream || !first_attempt_) return false;
  first_attempt_ = false;
  recorder_.record_reconnect();
  return true;
}

void Exchange::fail(const boost::system::error_code& ec, Phase phase, bool deadline_hit) {
  const ErrorKind kind = classify(ec, phase);
  if (!recorder_.first_error(kind).empty()) {
    recorder_.record_failure(kind, {});
  } else if (phase == Phase::connect) {
    recorder_.record_failure(kind, connect_failure(config_.connect_label, ec));
  } else if (kind == ErrorKind::timeout && deadline_hit) {
    // Say which deadline it was, rather than "Connection timed out".
    recorder_.record_failure(kind, request_deadline_message(config_.timeout));
  } else {
    recorder_.record_failure(kind, describe_error(ec));
  }
}

void Exchange::fail_tunnel(unsigned status) {
  recorder_.record_failure(ErrorKind::connect, tunnel_refused(config_.connect_label, status));
}

void Exchange::fail_hop(const Target& origin, const Transfer& t) {
  recorder_.record_failure(classify(t.ec, t.phase), connect_failure(redirect_label(origin), t.ec));
}

std::optional<bool> Exchange::settle(const Transfer& t) {
  bytes_ += t.bytes;
  first_attempt_ = false;
  bool ok = false;
  switch (chain_.advance(t.status, t.location)) {
    case RedirectChain::Step::follow:
      recorder_.record_redirect(chain_.crossed());
      return std::nullopt;
    case RedirectChain::Step::too_many:
      recorder_.record_failure(
          ErrorKind::redirect,
          recorder_.first_error(ErrorKind::redirect).empty()
              ? fmt::format(
                    "too many redirects: status {} after --follow {} hops (a redirect loop?)",
                    t.status, chain_.limit())
              : std::string());
      in_flight_.end(t.finished_at);
      return false;
    case RedirectChain::Step::other_origin:
      recorder_.record_unfollowed_cross_origin();
      break;
    case RedirectChain::Step::result:
      break;
  }
  ok = recorder_.record_final_response(
      line_, FinalResponse{t.status, bytes_, t.ttfb_ns, t.body_ns, t.finished_at}, intended_,
      start_);
  in_flight_.end(t.finished_at);
  return ok;
}

OriginHop::OriginHop(const Exchange& x, const ClientConfig& config, const Target& origin)
    : connect_start(Clock::now()),
      connect_deadline(std::min(x.deadline(), connect_start + config.connect_timeout)),
      endpoints(fixed_endpoints(origin, config.redirects->resolve_overrides())) {
  t.phase = Phase::connect;
}

boost::system::error_code OriginHop::make_timed_out() {
  return boost::asio::error::timed_out;
}

boost::system::error_code tunnel_answer_error(unsigned status, std::size_t bytes_after) {
  if (tunnel_opened(status) && bytes_after != 0) return boost::beast::http::error::unexpected_body;
  return {};
}

}  // namespace httpbench
