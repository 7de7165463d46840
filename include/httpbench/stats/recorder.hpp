// Per-worker measurements of one run. Not thread-safe by design: each thread or io_context owns
// one, and they are merged after the workers have stopped.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "httpbench/stats/clock.hpp"
#include "httpbench/stats/error.hpp"
#include "httpbench/stats/histogram.hpp"
#include "httpbench/stats/status_rule.hpp"
#include "httpbench/stats/timeline.hpp"

namespace httpbench {

struct Transfer;

// A request's final response, as the recorder counts it.
struct FinalResponse {
  unsigned status = 0;
  // Response bytes over the whole redirect chain.
  std::uint64_t bytes = 0;
  // From the start of writing the request to the final response's header, and from there to the
  // end of its body, nanoseconds.
  std::uint64_t ttfb_ns = 0;
  std::uint64_t body_ns = 0;
  // When the final response was complete.
  Clock::time_point finished_at{};
};

class Recorder {
 public:
  // --urls: what one request line got. Responses (any status) with their coarse latency;
  // requests that did not get one are `started` less the responses.
  struct UrlStats {
    std::uint64_t started = 0;
    // Responses by status class: index 1..5 for 1xx..5xx, 0 for anything else.
    std::array<std::uint64_t, 6> status_classes{};
    Timeline::Slot responses;
  };

  // Status codes 0..999 are counted; the parser accepts no others.
  static constexpr std::size_t kStatusSlots = 1000;

  // `open_loop`: latency is measured from intended send times, so the service time (from the
  // actual send) is kept apart too; in closed loop the two are the same and only one is kept.
  // `ok`: the statuses that make a final response a success; any other is a failure of kind
  // `status`.
  explicit Recorder(bool open_loop = false, StatusRule ok = {}) : open_loop_(open_loop), ok_(ok) {}

  // The measured phase began at `origin` (the same instant for every worker of a run): the
  // timeline counts from there in slots of `interval`. Recorders never started keep no timeline.
  void start_timeline(Clock::time_point origin, std::chrono::nanoseconds interval) {
    timeline_.start(origin, interval);
  }
  // A request was handed to a client.
  void record_started() { ++started_; }
  // A complete response was read at `end`. `latency_ns` runs from the request's intended start
  // (equal to its actual start in closed loop), `service_ns` from its actual start.
  void record_success(unsigned status, std::uint64_t latency_ns, std::uint64_t service_ns,
                      std::uint64_t bytes, Clock::time_point end = Clock::now());
  // The request ended without a complete response. `message` is kept for the first failure of
  // each kind, so the report can say why.
  // `end`: when it ended, a clock reading the caller already has.
  void record_failure(ErrorKind kind, std::string_view message,
                      Clock::time_point end = Clock::now());
  // A TCP connection was established in `connect_ns`.
  void record_connection(std::uint64_t connect_ns) {
    ++connections_;
    connect_time_.record(connect_ns);
  }
  // A TLS handshake completed; `resumed` when the server accepted a saved session.
  void record_handshake(bool resumed, std::uint64_t handshake_ns) {
    ++(resumed ? tls_resumed_ : tls_full_);
    tls_handshake_time_.record(handshake_ns);
  }
  // A request began or ended at `now`: the requests in flight over time give the achieved
  // concurrency (their time-weighted mean and peak).
  void request_began(Clock::time_point now) {
    account_in_flight(now);
    ++in_flight_;
    peak_in_flight_ = std::max(peak_in_flight_, in_flight_);
  }
  void request_ended(Clock::time_point now) {
    account_in_flight(now);
    --in_flight_;
  }
  // --urls: keeps per-line figures for `lines` request lines (allocated here, once).
  void track_urls(std::size_t lines) { urls_.assign(lines, UrlStats{}); }
  // Request line `line` was started / got a response.
  void record_url_started(std::size_t line) {
    if (line < urls_.size()) ++urls_[line].started;
  }
  void record_url_response(std::size_t line, unsigned status, std::uint64_t latency_ns,
                           std::uint64_t bytes) {
    if (line >= urls_.size()) return;
    UrlStats& u = urls_[line];
    ++u.status_classes[status >= 100 && status < 600 ? status / 100 : 0];
    u.responses.record(latency_ns, bytes);
  }
  // A request went out on a connection kept open from an earlier one.
  void record_reuse() { ++reused_; }
  // A successful request's phases: from the start of writing it to its final response's header,
  // and from there to the end of the body.
  void record_phases(std::uint64_t ttfb_ns, std::uint64_t body_ns) {
    ttfb_.record(ttfb_ns);
    body_time_.record(body_ns);
  }
  // How late a periodic timer of the event loop fired: the loop was busy that long.
  void record_loop_lag(std::uint64_t lag_ns) { loop_lag_.record(lag_ns); }
  // A redirect was followed (counted per hop), to another origin when `cross_origin`
  // (--follow-cross-origin; counted apart too).
  void record_redirect(bool cross_origin) {
    ++redirects_;
    if (cross_origin) ++cross_origin_redirects_;
  }
  // The request of request line `line` got its final response `r`: phases, the line's figures
  // and the success, timed from `intended` (latency) and `start` (service time) to
  // `r.finished_at`; or, when the status rule does not accept its status, a failure of kind
  // `status` (the status still counted). What every driver records at the end of an exchange.
  // Returns whether the request succeeded.
  bool record_final_response(std::size_t line, const FinalResponse& r, Clock::time_point intended,
                             Clock::time_point start);
  // The final response was a redirect to another origin, not followed for want of
  // --follow-cross-origin (the response is the result).
  void record_unfollowed_cross_origin() { ++unfollowed_cross_origin_; }
  // A reused connection turned out closed by the server; the request was resent on a new one.
  void record_reconnect() { ++reconnects_; }
  // A request ended after the run's --duration deadline.
  void record_after_deadline() { ++after_deadline_; }
  // Open loop: `n` requests were due but never sent (the deadline, or too late to start).
  void record_dropped(std::uint64_t n) { dropped_ += n; }
  // A request started `lag_ns` after its intended time (open loop only).
  void record_start_lag(std::uint64_t lag_ns);

  void merge(const Recorder& other);

  // Requests handed to a client, including ones cut short by an interruption.
  std::uint64_t started() const { return started_; }
  std::uint64_t succeeded() const { return succeeded_; }
  std::uint64_t failed() const { return failed_; }
  std::uint64_t errors(ErrorKind kind) const { return errors_[static_cast<std::size_t>(kind)]; }
  const std::string& first_error(ErrorKind kind) const {
    return first_error_[static_cast<std::size_t>(kind)];
  }
  std::uint64_t status_count(unsigned status) const {
    return status < kStatusSlots ? status_[status] : 0;
  }
  // Bytes of response header and body consumed by the parser.
  std::uint64_t bytes_received() const { return bytes_; }
  std::uint64_t connections() const { return connections_; }
  std::uint64_t after_deadline() const { return after_deadline_; }
  std::uint64_t dropped() const { return dropped_; }
  std::uint64_t reconnects() const { return reconnects_; }
  std::uint64_t redirects() const { return redirects_; }
  std::uint64_t cross_origin_redirects() const { return cross_origin_redirects_; }
  std::uint64_t unfollowed_cross_origin() const { return unfollowed_cross_origin_; }
  std::uint64_t tls_full_handshakes() const { return tls_full_; }
  std::uint64_t tls_resumed_handshakes() const { return tls_resumed_; }
  std::uint64_t late_starts() const { return late_starts_; }
  std::uint64_t max_start_lag_ns() const { return max_start_lag_ns_; }
  // Latency of successful requests from their intended start, nanoseconds.
  const Histogram& latency() const { return latency_; }
  // Latency of successful requests from their actual start, nanoseconds; in closed loop the
  // same as latency(), which is then the only one kept.
  const Histogram& service_time() const { return open_loop_ ? service_time_ : latency_; }
  bool open_loop() const { return open_loop_; }
  // Time to establish each TCP connection, nanoseconds.
  const Histogram& connect_time() const { return connect_time_; }
  // Time of each TLS handshake, nanoseconds.
  const Histogram& tls_handshake_time() const { return tls_handshake_time_; }
  std::uint64_t reused() const { return reused_; }
  const std::vector<UrlStats>& urls() const { return urls_; }
  // The most requests in flight at once (per worker; summed over merged workers).
  std::uint64_t peak_in_flight() const { return peak_in_flight_; }
  // Integral of the requests in flight over time, request-nanoseconds.
  double in_flight_area_ns() const { return in_flight_area_ns_; }
  const Histogram& ttfb() const { return ttfb_; }
  const Histogram& body_time() const { return body_time_; }
  const Histogram& loop_lag() const { return loop_lag_; }
  // Completions, errors, bytes and latency per interval of the measured phase.
  const Timeline& timeline() const { return timeline_; }

  // Counts a request in flight from construction to destruction, whichever way it ends.
  class InFlight {
   public:
    InFlight(Recorder& r, Clock::time_point start) : r_(r) { r_.request_began(start); }
    // The request ended at `end`, a clock reading the caller already has; without it, the end is
    // read from the clock when this goes out of scope.
    void end(Clock::time_point end) { end_ = end; }
    ~InFlight() { r_.request_ended(end_ == Clock::time_point{} ? Clock::now() : end_); }
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;

   private:
    Recorder& r_;
    Clock::time_point end_{};
  };

  // A start later than this behind schedule counts as a late start.
  static constexpr std::uint64_t kLateStartNs = 1'000'000;

 private:
  void account_in_flight(Clock::time_point now) {
    // An end stamped before a change already counted (HTTP/2 streams that one read ended share
    // that read's clock reading, and their lanes record them one after another): counted from
    // that change, so no interval is counted twice.
    if (now <= last_change_) return;
    if (in_flight_ != 0) {
      in_flight_area_ns_ +=
          static_cast<double>(in_flight_) * static_cast<double>(elapsed_ns(last_change_, now));
    }
    last_change_ = now;
  }

  // Latency runs from intended send times; service time is kept apart.
  bool open_loop_ = false;
  // Requests handed to a client.
  std::uint64_t started_ = 0;
  // The statuses a final response must have to succeed.
  StatusRule ok_;
  // Requests that got a complete response with an accepted status.
  std::uint64_t succeeded_ = 0;
  // Requests that ended without one: no complete response, or a status not accepted.
  std::uint64_t failed_ = 0;
  // Failures by ErrorKind.
  std::array<std::uint64_t, kErrorKindCount> errors_{};
  // First failure message per ErrorKind, empty when none.
  std::array<std::string, kErrorKindCount> first_error_{};
  // Responses by status code.
  std::array<std::uint64_t, kStatusSlots> status_{};
  // Response bytes (header and body) read.
  std::uint64_t bytes_ = 0;
  // TCP connections established.
  std::uint64_t connections_ = 0;
  // Requests that ended after the --duration deadline.
  std::uint64_t after_deadline_ = 0;
  // Open loop: requests due by the schedule and never sent.
  std::uint64_t dropped_ = 0;
  // Requests resent because their reused connection had been closed by the server.
  std::uint64_t reconnects_ = 0;
  // Redirects followed, all hops counted.
  std::uint64_t redirects_ = 0;
  // Of those, hops to another origin than the response that redirected.
  std::uint64_t cross_origin_redirects_ = 0;
  // Final responses that redirected to another origin, not followed (no --follow-cross-origin).
  std::uint64_t unfollowed_cross_origin_ = 0;
  // TLS handshakes, full and resumed from a saved session.
  std::uint64_t tls_full_ = 0;
  std::uint64_t tls_resumed_ = 0;
  // Requests that started more than kLateStartNs after their intended time.
  std::uint64_t late_starts_ = 0;
  // Largest delay between a request's intended and actual start, nanoseconds.
  std::uint64_t max_start_lag_ns_ = 0;
  // Latency from the intended start of successful requests, nanoseconds.
  Histogram latency_;
  // Latency from the actual start of successful requests, nanoseconds.
  Histogram service_time_;
  // TCP connect time, nanoseconds.
  Histogram connect_time_;
  // TLS handshake time, nanoseconds.
  Histogram tls_handshake_time_;
  // Requests sent on a kept-open connection.
  std::uint64_t reused_ = 0;
  // Requests in flight now, the most at once, and their integral over time (request-ns) up to
  // `last_change_`.
  std::uint64_t in_flight_ = 0;
  std::uint64_t peak_in_flight_ = 0;
  double in_flight_area_ns_ = 0;
  Clock::time_point last_change_{};
  // Request write start to final response header, nanoseconds (successful requests).
  Histogram ttfb_;
  // Final response header to end of body, nanoseconds (successful requests).
  Histogram body_time_;
  // Lateness of the event loop's periodic probe timer, nanoseconds (async mode).
  Histogram loop_lag_;
  // --urls: per request line; empty otherwise.
  std::vector<UrlStats> urls_;
  // Per-interval counts and latency since start_timeline().
  Timeline timeline_;
};

}  // namespace httpbench
