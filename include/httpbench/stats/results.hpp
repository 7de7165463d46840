// Layer stats/: recorders, histograms, timelines and the results computed from them. No I/O,
// no clocks but the one in clock.hpp; it uses no other layer.
//
// Immutable summaries computed from merged recorders: no I/O, no clocks.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "httpbench/stats/error.hpp"
#include "httpbench/stats/histogram.hpp"
#include "httpbench/stats/mode.hpp"
#include "httpbench/stats/protocol.hpp"
#include "httpbench/stats/run_timing.hpp"
#include "httpbench/stats/timeline.hpp"

namespace httpbench {

class Recorder;

// Latency figures in milliseconds.
struct LatencySummary {
  double min = 0, mean = 0, stdev = 0;
  double p50 = 0, p75 = 0, p90 = 0, p95 = 0, p99 = 0, p999 = 0, p9999 = 0;
  double max = 0;
};

LatencySummary summarize_latency(const Histogram& h);

// --urls: what one request line got in a run.
struct UrlResult {
  // "METHOD URL".
  std::string label;
  // Requests sent with this line, responses (any status) and requests without one.
  std::uint64_t requests = 0;
  std::uint64_t responses = 0;
  std::uint64_t failed = 0;
  // Responses per second of the run's wall time.
  double rps = 0;
  // Responses by class: 1xx..5xx at 1..5, anything else at 0.
  std::array<std::uint64_t, 6> status_classes{};
  // Latency of the responses, ms, from the coarse per-line histogram (within 6.25%; min and max
  // exact).
  double p50 = 0, p90 = 0, p99 = 0, min = 0, max = 0;
  // The counts behind them, so that trials combine exactly.
  Timeline::Slot histogram;
};

// Fills the figures of `line` from its counts, over `elapsed_s` of wall time.
void summarize_url(UrlResult& line, double elapsed_s);

struct RunResult {
  Mode mode = Mode::async;
  // The protocol its requests went over, and the most streams in flight per connection it
  // asked for (1 for HTTP/1.x).
  Protocol protocol = Protocol::http1;
  std::uint32_t streams_per_connection = 1;
  // Requests that ended: succeeded + failed.
  std::uint64_t requests = 0;
  // Requests with a complete response whose status the run accepts (--ok-status).
  std::uint64_t succeeded = 0;
  // Requests without one: no complete response, or a status not accepted (category `status`).
  std::uint64_t failed = 0;
  // Open loop: requests due by the schedule but never sent, because the deadline came first or
  // they could not start within --timeout of their intended time. Neither sent nor failed.
  std::uint64_t dropped = 0;
  // Requests in flight when the run was interrupted; not part of `requests`.
  std::uint64_t aborted = 0;
  // Failures by category, indexed by ErrorKind.
  std::array<std::uint64_t, kErrorKindCount> errors{};
  // First failure message per category, empty when none.
  std::array<std::string, kErrorKindCount> error_examples{};
  // Responses by HTTP status code.
  std::map<unsigned, std::uint64_t> status_codes;
  // Wall time of the run, seconds.
  double elapsed_s = 0;
  // Succeeded requests per second of wall time: the headline throughput.
  double rps = 0;
  // Ended requests (succeeded + failed) per second of wall time.
  double total_rps = 0;
  // Response bytes (header + body) read.
  std::uint64_t bytes_received = 0;
  // TCP connections established.
  std::uint64_t connections = 0;
  // CPU time (user + sys) of the client threads, seconds.
  double cpu_s = 0;
  // Latency of successful requests, from their intended start in open loop (coordinated
  // omission corrected), else from their actual start.
  LatencySummary latency;
  // Latency from the actual start (uncorrected); equal to `latency` in closed loop.
  LatencySummary service_time;
  // TCP connect time of the connections opened.
  LatencySummary connect_time;
  // TLS handshake time of the connections opened (https only).
  LatencySummary tls_handshake_time;
  // The full latency distribution, nanoseconds.
  Histogram histogram;
  // The distributions behind `service_time` and `connect_time`, nanoseconds, so that runs merge
  // exactly.
  Histogram service_histogram;
  Histogram connect_histogram;
  Histogram tls_handshake_histogram;
  // Completions, errors, bytes and latency per interval of the measured phase (--interval).
  Timeline timeline;
  // Wall-clock start and end of the measured phase, Unix seconds; 0 when unknown.
  double started_at = 0;
  double ended_at = 0;
  // Phases of successful requests: from the start of writing the request to the final
  // response's header (time to first byte), and from there to the end of the body.
  LatencySummary ttfb_time;
  LatencySummary body_time;
  Histogram ttfb_histogram;
  Histogram body_histogram;
  // Requests in flight: as asked (-c; 1 for sync), their time-weighted mean over the run, and
  // the most at once (summed over workers).
  std::uint64_t concurrency_requested = 0;
  double concurrency_mean = 0;
  std::uint64_t concurrency_peak = 0;
  // Requests sent on a connection kept open from an earlier request.
  std::uint64_t connections_reused = 0;
  // --urls: one entry per request line, in file order; empty otherwise.
  std::vector<UrlResult> urls;
  // Client threads that ran the mode.
  std::uint64_t client_threads = 1;
  // How late the event loop's 10 ms probe timer fired (async only; empty otherwise).
  LatencySummary loop_lag;
  Histogram loop_lag_histogram;
  // Resident memory when the mode started and its peak during the mode, KiB; 0 when unknown.
  std::uint64_t rss_start_kb = 0;
  std::uint64_t rss_peak_kb = 0;
  // TLS handshakes: full, and resumed from a session saved on an earlier connection.
  std::uint64_t tls_full_handshakes = 0;
  std::uint64_t tls_resumed_handshakes = 0;
  // Requests resent on a new connection because the server had closed their kept-alive one.
  std::uint64_t reconnects = 0;
  // Redirects followed (--follow), all hops counted.
  std::uint64_t redirects = 0;
  // Of those, hops to another origin (--follow-cross-origin).
  std::uint64_t cross_origin_redirects = 0;
  // Final responses redirecting to another origin, not followed for want of
  // --follow-cross-origin.
  std::uint64_t unfollowed_cross_origin = 0;
  // Requests that ended after the --duration deadline (let finish up to --timeout).
  std::uint64_t after_deadline = 0;
  // Open loop: requests sent at a fixed rate, whatever the responses did.
  bool open_loop = false;
  // Requests per second asked for in open loop.
  double target_rate = 0;
  // Open loop: requests that started more than 1 ms behind schedule (all workers were busy).
  std::uint64_t late_starts = 0;
  // Open loop: the furthest behind schedule a request started, milliseconds.
  double max_start_lag_ms = 0;
  bool interrupted = false;

  std::uint64_t error_count(ErrorKind k) const { return errors[static_cast<std::size_t>(k)]; }
};

RunResult summarize_run(Mode mode, const Recorder& recorder, const RunTiming& timing);

// Requests that succeeded (a response with an accepted status).
inline std::uint64_t successful_responses(const RunResult& r) {
  return r.succeeded;
}
// Succeeded requests per second of wall time: what speedups compare, so that a mode does not
// look faster for getting quick errors.
inline double successful_rps(const RunResult& r) {
  return r.rps;
}
// Sets `rps` and `total_rps` from the counts and `elapsed_s`.
void set_rates(RunResult& r);

// One mode measured against the baseline.
struct Speedup {
  Mode mode = Mode::async;
  Protocol protocol = Protocol::http1;
  // baseline wall time per request / this mode's: 3.69 means 3.69x faster.
  double factor = 0;
  // Share of the baseline's wall time saved, percent: 72.9 means 72.9% less time.
  double time_saved_pct = 0;
};

struct Comparison {
  Mode baseline = Mode::sync;
  Protocol baseline_protocol = Protocol::http1;
  std::vector<Speedup> speedups;
};

// Compares every run with the first; nullopt with fewer than two runs.
std::optional<Comparison> compare_runs(const std::vector<RunResult>& runs);

}  // namespace httpbench
