#include "httpbench/stats/results.hpp"

#include "httpbench/stats/recorder.hpp"

namespace httpbench {

namespace {
double to_ms(std::uint64_t ns) {
  return static_cast<double>(ns) / 1e6;
}
double to_seconds(std::chrono::nanoseconds d) {
  return static_cast<double>(d.count()) / 1e9;
}
}  // namespace

LatencySummary summarize_latency(const Histogram& h) {
  LatencySummary s;
  s.min = to_ms(h.min());
  s.mean = h.mean() / 1e6;
  s.stdev = h.stdev() / 1e6;
  s.p50 = to_ms(h.value_at_quantile(0.50));
  s.p75 = to_ms(h.value_at_quantile(0.75));
  s.p90 = to_ms(h.value_at_quantile(0.90));
  s.p95 = to_ms(h.value_at_quantile(0.95));
  s.p99 = to_ms(h.value_at_quantile(0.99));
  s.p999 = to_ms(h.value_at_quantile(0.999));
  s.p9999 = to_ms(h.value_at_quantile(0.9999));
  s.max = to_ms(h.max());
  return s;
}

RunResult summarize_run(Mode mode, const Recorder& rec, const RunTiming& timing) {
  RunResult r;
  r.mode = mode;
  r.succeeded = rec.succeeded();
  r.failed = rec.failed();
  r.requests = r.succeeded + r.failed;
  r.aborted = rec.started() - r.requests;
  for (ErrorKind k : kAllErrorKinds) {
    const auto i = static_cast<std::size_t>(k);
    r.errors[i] = rec.errors(k);
    r.error_examples[i] = rec.first_error(k);
  }
  for (unsigned s = 0; s < Recorder::kStatusSlots; ++s) {
    if (rec.status_count(s) != 0) r.status_codes[s] = rec.status_count(s);
  }
  r.elapsed_s = to_seconds(timing.elapsed);
  set_rates(r);
  r.bytes_received = rec.bytes_received();
  r.connections = rec.connections();
  r.cpu_s = to_seconds(timing.cpu);
  r.latency = summarize_latency(rec.latency());
  r.service_time = summarize_latency(rec.service_time());
  r.connect_time = summarize_latency(rec.connect_time());
  r.after_deadline = rec.after_deadline();
  r.dropped = rec.dropped();
  r.reconnects = rec.reconnects();
  r.redirects = rec.redirects();
  r.cross_origin_redirects = rec.cross_origin_redirects();
  r.unfollowed_cross_origin = rec.unfollowed_cross_origin();
  r.tls_full_handshakes = rec.tls_full_handshakes();
  r.tls_resumed_handshakes = rec.tls_resumed_handshakes();
  r.late_starts = rec.late_starts();
  r.max_start_lag_ms = to_ms(rec.max_start_lag_ns());
  r.histogram = rec.latency();
  r.service_histogram = rec.service_time();
  r.connect_histogram = rec.connect_time();
  r.tls_handshake_time = summarize_latency(rec.tls_handshake_time());
  r.tls_handshake_histogram = rec.tls_handshake_time();
  r.ttfb_time = summarize_latency(rec.ttfb());
  r.body_time = summarize_latency(rec.body_time());
  r.ttfb_histogram = rec.ttfb();
  r.body_histogram = rec.body_time();
  r.concurrency_mean = timing.elapsed.count() > 0
                           ? rec.in_flight_area_ns() / static_cast<double>(timing.elapsed.count())
                           : 0;
  r.concurrency_peak = rec.peak_in_flight();
  r.connections_reused = rec.reused();
  for (const Recorder::UrlStats& u : rec.urls()) {
    UrlResult line;
    line.requests = u.started;
    line.status_classes = u.status_classes;
    line.histogram = u.responses;
    summarize_url(line, r.elapsed_s);
    r.urls.push_back(std::move(line));
  }
  r.client_threads = timing.client_threads;
  r.loop_lag = summarize_latency(rec.loop_lag());
  r.loop_lag_histogram = rec.loop_lag();
  r.rss_start_kb = timing.rss_start_kb;
  r.rss_peak_kb = timing.rss_peak_kb;
  r.timeline = rec.timeline();
  r.timeline.finish(timing.elapsed);
  r.started_at = timing.started_at;
  r.ended_at = timing.ended_at;
  r.interrupted = timing.interrupted;
  return r;
}

void summarize_url(UrlResult& line, double elapsed_s) {
  const Timeline::Slot& h = line.histogram;
  line.responses = h.completed;
  line.failed = line.requests > line.responses ? line.requests - line.responses : 0;
  line.rps = elapsed_s > 0 ? static_cast<double>(line.responses) / elapsed_s : 0;
  line.p50 = to_ms(h.latency_at_quantile(0.5));
  line.p90 = to_ms(h.latency_at_quantile(0.9));
  line.p99 = to_ms(h.latency_at_quantile(0.99));
  line.min = to_ms(h.min_ns);
  line.max = to_ms(h.max_ns);
}

void set_rates(RunResult& r) {
  const double s = r.elapsed_s;
  r.rps = s > 0 ? static_cast<double>(r.succeeded) / s : 0;
  r.total_rps = s > 0 ? static_cast<double>(r.requests) / s : 0;
}

std::optional<Comparison> compare_runs(const std::vector<RunResult>& runs) {
  if (runs.size() < 2) return std::nullopt;
  Comparison c;
  const RunResult& base = runs.front();
  c.baseline = base.mode;
  c.baseline_protocol = base.protocol;
  for (std::size_t i = 1; i < runs.size(); ++i) {
    // Successful responses per second rather than total time, so that runs that ended different
    // numbers of requests (an interruption) still compare fairly, and quick errors (429, 503,
    // resets) do not pass for speed.
    Speedup s;
    s.mode = runs[i].mode;
    s.protocol = runs[i].protocol;
    const double base_rate = successful_rps(base);
    const double rate = successful_rps(runs[i]);
    if (base_rate > 0 && rate > 0) {
      s.factor = rate / base_rate;
      s.time_saved_pct = (1.0 - base_rate / rate) * 100.0;
    }
    c.speedups.push_back(s);
  }
  return c;
}

}  // namespace httpbench
