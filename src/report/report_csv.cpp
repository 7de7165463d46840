#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "httpbench/report/report.hpp"
#include "httpbench/report/report_sweep.hpp"

namespace httpbench {

namespace {

using Out = std::back_insert_iterator<fmt::memory_buffer>;

void write_row(Out out, const RunResult& r, std::size_t trial) {
  // Figures with no value print as empty cells, which spreadsheets read as missing.
  const bool latency = r.succeeded != 0;
  auto ms = [&](double v) { return latency ? fmt::format("{:.3f}", v) : std::string(); };
  fmt::format_to(
      out,
      "{},{},{},{},{},{:.6f},{:.3f},{},{},{},{},{},{},{},{},{:.6f},{:.6f},{:.6f},{:.3f},{},{},{}\n",
      mode_name(r.mode), trial, r.requests, r.succeeded, r.failed, r.elapsed_s, r.rps,
      ms(r.latency.p50), ms(r.latency.p90), ms(r.latency.p99), ms(r.latency.mean),
      ms(r.latency.min), ms(r.latency.max), r.bytes_received, r.connections, r.cpu_s, r.started_at,
      r.ended_at, r.total_rps, r.dropped, protocol_name(r.protocol), r.streams_per_connection);
}

}  // namespace

std::string format_csv(const Report& report) {
  if (report.sweep) return format_sweep_csv(*report.sweep);
  fmt::memory_buffer buf;
  Out out(buf);
  fmt::format_to(
      out,
      "mode,trial,requests,succeeded,failed,elapsed_s,rps,p50_ms,p90_ms,p99_ms,mean_ms,"
      "min_ms,max_ms,bytes_received,connections,cpu_s,started_at,ended_at,total_rps,dropped,"
      // Appended, so that the columns before keep their positions.
      "protocol,streams_per_connection\n");
  if (report.trials.empty()) {
    // A merged report has no trials: one row per mode, numbered 1.
    for (const RunResult& r : report.runs)
      write_row(out, r, 1);
    return fmt::to_string(buf);
  }
  // Rows in the order the trials ran: trial by trial, the modes alternating inside each.
  std::size_t most = 0;
  for (const auto& runs : report.trials)
    most = std::max(most, runs.size());
  for (std::size_t t = 0; t < most; ++t) {
    for (const auto& runs : report.trials) {
      if (t < runs.size()) write_row(out, runs[t], t + 1);
    }
  }
  return fmt::to_string(buf);
}

}  // namespace httpbench
