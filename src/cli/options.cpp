#include "httpbench/cli/options.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "httpbench/cli/request_options.hpp"
#include "httpbench/cli/route_options.hpp"
#include "httpbench/connection/route.hpp"
#include "httpbench/engine/schedule.hpp"
#include "httpbench/stats/error.hpp"

namespace httpbench {

void Options::validate() const {
  if (requests == 0) throw UsageError("--requests must be at least 1");
  if (concurrency == 0) throw UsageError("--concurrency must be at least 1");
  if (io_threads == 0 || io_threads > 1024) throw UsageError("--threads must be 1..1024");
  if (concurrency > 1'000'000) throw UsageError("--concurrency must be at most 1000000");
  if (modes.empty()) throw UsageError("no mode to run");
  for (std::size_t i = 0; i < modes.size(); ++i) {
    for (std::size_t j = i + 1; j < modes.size(); ++j) {
      if (modes[i] == modes[j]) {
        throw UsageError(fmt::format("mode '{}' is listed twice", mode_name(modes[i])));
      }
    }
  }
  if (compare && modes.size() < 2) throw UsageError("--compare needs at least two modes");
  if (duration && duration->count() <= 0) throw UsageError("--duration must be greater than 0");
  if (!(rate >= 0) || rate > 1e8) throw UsageError("--rate must be between 0 and 100000000");
  if (warmup_duration && warmup_duration->count() <= 0) {
    throw UsageError("--warmup must be greater than 0");
  }
  if (timeout.count() <= 0) throw UsageError("--timeout must be greater than 0");
  if (connect_timeout.count() <= 0) throw UsageError("--connect-timeout must be greater than 0");
  tls.validate();
  if (max_header_size < 1024) throw UsageError("--max-header-size must be at least 1024");
  if (trials == 0) throw UsageError("--trials must be at least 1");
  if (trials > 1000) throw UsageError("--trials must be at most 1000");
  if (json && csv) throw UsageError("--json and --format csv exclude each other");
  if (max_regression_pct && !baseline_file) throw UsageError("--max-regression needs --baseline");
  if (baseline_any && !baseline_file) throw UsageError("--baseline-any needs --baseline");
  if (interval < std::chrono::milliseconds(1) || interval > std::chrono::hours(1)) {
    throw UsageError("--interval must be between 1ms and 1h");
  }
  validate_request(*this);
  validate_route(*this);
  if (follow_cross_origin) {
    if (follow_redirects == 0) throw UsageError("--follow-cross-origin needs --follow N (N > 0)");
    if (unix_socket) {
      throw UsageError(
          "--follow-cross-origin and --unix-socket exclude each other (the socket is one "
          "origin)");
    }
    if (proxy) {
      throw UsageError(
          "--follow-cross-origin cannot be combined with a proxy (--proxy, --proxy-from-env)");
    }
  }
  if (!sweep.empty()) {
    if (compare) throw UsageError("--sweep and --compare exclude each other");
    if (modes.size() != 1 || modes.front() != Mode::async) {
      throw UsageError(
          fmt::format("--sweep runs the async mode only, not --mode {}", mode_name(modes.front())));
    }
    if (trials > 1) throw UsageError("--sweep and --trials exclude each other");
    if (!checks.empty()) throw UsageError("--sweep and --check exclude each other");
    if (baseline_file || save_baseline_file) {
      throw UsageError("--sweep and --baseline/--save-baseline exclude each other");
    }
    if (shard) throw UsageError("--sweep and --shard exclude each other");
  }
  if (shard) {
    // Every shard needs a request and a connection of its own (the plan splits them).
    if (requests != Schedule::kUnlimited && requests < shard->count) {
      throw UsageError(
          fmt::format("-n {} cannot be split over {} shards: give at least one request "
                      "per shard",
                      requests, shard->count));
    }
    if (concurrency < shard->count) {
      throw UsageError(fmt::format(
          "-c {} cannot be split over {} shards: give at least one connection per shard",
          concurrency, shard->count));
    }
  }
  const bool async = std::find(modes.begin(), modes.end(), Mode::async) != modes.end();
  if (io_threads > 1 && !async) {
    throw UsageError(fmt::format(
        "-t/--threads sets the event loops of the async mode, and {} runs no async mode: drop "
        "-t, or add async",
        compare ? "--compare" : fmt::format("--mode {}", mode_name(modes.front()))));
  }
  // Each event loop needs a connection of its own; a sweep's lower levels use fewer loops.
  const std::uint64_t connections = shard ? concurrency / shard->count : concurrency;
  if (async && sweep.empty() && io_threads > connections) {
    throw UsageError(fmt::format(
        "-t {} needs -c {} or more{}: each event loop needs a connection of its own ({})",
        io_threads, io_threads, shard ? " per shard" : "",
        shard ? fmt::format("-c {} over {} shards gives {}", concurrency, shard->count, connections)
              : fmt::format("-c is {}", concurrency)));
  }
  if (method == "HEAD" && (body || body_file)) {
    throw UsageError(fmt::format("-X HEAD and {} exclude each other: a HEAD request has no body",
                                 body_file ? "--body-file" : "--body"));
  }
  if (!request_lines.empty()) {
    if (follow_redirects > 0) throw UsageError("--urls cannot be combined with --follow yet");
    if (body || body_file) {
      throw UsageError("--urls gives each request's body in its file: drop --body/--body-file");
    }
    if (method != "GET")
      throw UsageError("--urls gives each request's method in its file: drop -X");
  }
}

}  // namespace httpbench
