#include "httpbench/report/insight.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "httpbench/report/run_label.hpp"

namespace httpbench {

namespace {

// "async", or "async:h2" for a run over HTTP/2 (a note names one run, and says its protocol
// when it is not the HTTP/1.x every note meant before).
std::string label(const RunResult& r) {
  return run_label(r, r.protocol == Protocol::http2);
}

double share(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0 : static_cast<double>(part) / static_cast<double>(whole);
}

// Body and header bytes per successful response; 0 when none succeeded.
double bytes_per_response(const RunResult& r) {
  const std::uint64_t ok = successful_responses(r);
  return ok == 0 ? 0 : static_cast<double>(r.bytes_received) / static_cast<double>(ok);
}

void note_client_bound(const RunResult& r, unsigned cores, std::vector<std::string>& notes) {
  const ClientLoad load = assess_client(r, cores);
  if (!load.bound) return;
  std::string lag;
  if (load.loop_lag_p99_ms)
    lag = fmt::format(", event loop late by {:.1f} ms at p99", *load.loop_lag_p99_ms);
  std::string advice;
  if (r.mode == Mode::async) {
    advice = cores > r.client_threads
                 ? fmt::format("; try --threads {} (an event loop per core)", cores)
                 : "; run the client on a machine of its own, or shard it (--shard)";
  } else if (r.mode == Mode::threads) {
    advice = "; try --mode async";
  }
  notes.push_back(fmt::format(
      "{}: client-bound: httpbench used {:.0f}% of its {} thread{}' CPU{}: these figures measure "
      "httpbench more than the server{}",
      label(r), load.cpu_utilisation * 100, r.client_threads, r.client_threads == 1 ? "" : "s", lag,
      advice));
}

void note_low_concurrency(const RunResult& r, std::vector<std::string>& notes) {
  if (r.mode == Mode::sync || r.concurrency_requested < 2 || r.requests == 0) return;
  const double asked = static_cast<double>(r.concurrency_requested);
  if (r.concurrency_mean >= 0.5 * asked) return;
  std::string why;
  if (r.open_loop) {
    why = "the --rate, not -c, set it (in flight = rate x latency)";
  } else if (r.requests < 4 * r.concurrency_requested) {
    why = fmt::format(
        "{} requests over {} connections leave most of the run to ramp-up and drain; send more "
        "(-n) or run longer (-d)",
        r.requests, r.concurrency_requested);
  } else {
    why = fmt::format(
        "connections finished their share at different times while slow requests (p99 {:.1f} "
        "ms against p50 {:.1f} ms) held the run open",
        r.latency.p99, r.latency.p50);
  }
  notes.push_back(fmt::format("{}: {:.1f} requests in flight on average of the {} asked for: {}",
                              label(r), r.concurrency_mean, r.concurrency_requested, why));
}

void note_server_cap(const Report& report, const RunResult& r, std::vector<std::string>& notes) {
  const std::optional<double> parallel = server_parallelism(report, r);
  if (!parallel || *parallel < 0.5 || r.concurrency_mean < 1.5 * *parallel) return;
  notes.push_back(fmt::format(
      "{}: the server handled at most about {:.0f} request{} at once (throughput x {} latency) "
      "while {:.0f} were in flight: the speedup is capped near {:.0f}, whatever -c",
      label(r), *parallel, std::lround(*parallel) == 1 ? "" : "s", label(report.runs.front()),
      r.concurrency_mean, *parallel));
}

void note_different_work(const RunResult& base, const RunResult& r,
                         std::vector<std::string>& notes) {
  const double base_ok = share(successful_responses(base), base.requests);
  const double ok = share(successful_responses(r), r.requests);
  if (std::abs(base_ok - ok) > 0.05) {
    const RunResult& worse = ok < base_ok ? r : base;
    std::string what;
    for (const auto& [status, count] : worse.status_codes) {
      if (status >= 400) what += fmt::format(", {} x {}", count, status);
    }
    if (worse.failed) what += fmt::format(", {} failed", worse.failed);
    notes.push_back(fmt::format(
        "{} and {} did not do the same work: {:.0f}% of {}'s requests got a 2xx/3xx response, "
        "{:.0f}% of {}'s ({}{}); the speedup counts successful responses only, and {} may look "
        "faster only for answers that came back quickly as errors",
        label(base), label(r), base_ok * 100, label(base), ok * 100, label(r), label(worse),
        what.empty() ? "" : what.substr(1), label(worse)));
    return;
  }
  // HTTP/2 frames and compresses headers: its bytes per response say nothing about the content
  // next to HTTP/1.1's.
  if (base.protocol != r.protocol) return;
  const double base_bytes = bytes_per_response(base);
  const double bytes = bytes_per_response(r);
  if (base_bytes > 0 && bytes > 0 && std::abs(bytes / base_bytes - 1) > 0.10) {
    notes.push_back(fmt::format(
        "{} and {} did not get the same responses: {:.0f} bytes per response against {:.0f}",
        label(base), label(r), base_bytes, bytes));
  }
}

}  // namespace

ClientLoad assess_client(const RunResult& r, unsigned cores) {
  ClientLoad load;
  const double threads = static_cast<double>(
      std::max<std::uint64_t>(1, std::min<std::uint64_t>(r.client_threads, std::max(cores, 1u))));
  if (r.elapsed_s > 0) load.cpu_utilisation = std::min(1.0, r.cpu_s / (r.elapsed_s * threads));
  if (r.loop_lag_histogram.count() != 0) load.loop_lag_p99_ms = r.loop_lag.p99;
  // A blocking client waits in the kernel while the server works, so only a busy one is bound;
  // an event loop is bound when it is busy or when its timers fire late.
  load.bound = load.cpu_utilisation >= kClientBoundCpu ||
               (load.loop_lag_p99_ms && *load.loop_lag_p99_ms >= kClientBoundLagMs);
  return load;
}

double littles_law_in_flight(const RunResult& r) {
  if (r.elapsed_s <= 0) return 0;
  return static_cast<double>(r.requests) / r.elapsed_s * r.service_time.mean / 1e3;
}

std::optional<double> server_parallelism(const Report& report, const RunResult& run) {
  if (!report.comparison || report.runs.empty()) return std::nullopt;
  const RunResult& base = report.runs.front();
  if (base.mode != Mode::sync || &base == &run || successful_responses(base) == 0) {
    return std::nullopt;
  }
  return successful_rps(run) * base.service_time.mean / 1e3;
}

std::vector<std::string> insight_notes(const Report& report, unsigned cores) {
  std::vector<std::string> notes;
  for (const RunResult& r : report.runs) {
    note_client_bound(r, cores, notes);
    note_low_concurrency(r, notes);
    note_server_cap(report, r, notes);
  }
  if (report.comparison) {
    for (std::size_t i = 1; i < report.runs.size(); ++i)
      note_different_work(report.runs.front(), report.runs[i], notes);
  }
  return notes;
}

}  // namespace httpbench
