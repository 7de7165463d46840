#include "httpbench/cli/options.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "httpbench/cli/request_options.hpp"
#include "httpbench/cli/route_options.hpp"
#include "httpbench/connection/route.hpp"
#include "httpbench/engine/schedule.hpp"
#include "httpbench/stats/error.hpp"

namespace httpbench {

namespace {

// Connection-specific header fields, which an HTTP/2 request must not carry (RFC 9113 8.2.2).
bool connection_specific(const Header& h) {
  for (std::string_view name : {"Connection", "Keep-Alive", "Proxy-Connection", "Upgrade"}) {
    if (iequals(h.name, name)) return true;
  }
  // TE is allowed with the one value "trailers".
  return iequals(h.name, "TE") && !iequals(h.value, "trailers");
}

// The connections an async run of `kind` opens for `in_flight` requests: one per request over
// HTTP/1.x, one per `streams` (rounded up) over HTTP/2.
std::uint64_t async_connections(const Options& o, RunKind kind, std::uint64_t in_flight) {
  const std::uint64_t streams = o.streams_per_connection(kind);
  return (in_flight + streams - 1) / streams;
}

// What asked for HTTP/2, for the messages: "--http2", or the --compare entry "async:h2".
std::string http2_source(const Options& o) {
  if (o.http2) return "--http2";
  for (const RunKind& kind : o.run_kinds()) {
    if (kind.protocol == Protocol::http2) {
      return fmt::format("--compare entry '{}'", run_label(kind, true));
    }
  }
  return "--http2";
}

// The combinations an HTTP/2 client cannot honour (yet): each a usage error before any request.
void validate_http2(const Options& o) {
  if (!o.any_http2()) {
    if (o.streams) {
      throw UsageError(
          "--streams sets the HTTP/2 streams per connection, and no run is HTTP/2: add --http2 "
          "(or a --compare entry like async:h2)");
    }
    return;
  }
  const std::string h2 = http2_source(o);
  const std::vector<RunKind> kinds = o.run_kinds();
  if (o.streams &&
      std::find(kinds.begin(), kinds.end(), RunKind{Mode::async, Protocol::http2}) == kinds.end()) {
    throw UsageError(
        "--streams sets the streams per connection of the async mode over HTTP/2, and no async "
        "run is HTTP/2 (sync and threads send one stream at a time): drop --streams, or add "
        "async");
  }
  if (o.http10) throw UsageError(fmt::format("{} and --http1.0 exclude each other", h2));
  if (!o.keep_alive) {
    throw UsageError(fmt::format(
        "{} and --no-keep-alive exclude each other: HTTP/2 sends its streams on kept-alive "
        "connections",
        h2));
  }
  if (o.follow_cross_origin) {
    throw UsageError(fmt::format(
        "{} and --follow-cross-origin exclude each other (a hop to another origin would need a "
        "connection of its own)",
        h2));
  }
  if (o.proxy && o.target.scheme == "http") {
    throw UsageError(fmt::format(
        "{}: h2c (HTTP/2 over http://) cannot go through a proxy ({}): use an https:// target, "
        "whose h2 goes through a CONNECT tunnel, or no proxy",
        h2, o.proxy_from_env ? "--proxy-from-env" : "--proxy"));
  }
  for (const Header& h : o.headers) {
    if (connection_specific(h)) {
      throw UsageError(fmt::format(
          "--header '{}': a connection-specific header, which HTTP/2 does not allow ({})", h.name,
          h2));
    }
  }
}

}  // namespace

Protocol Options::protocol_of(std::size_t index) const {
  if (index < protocols.size()) return protocols[index];
  return http2 ? Protocol::http2 : Protocol::http1;
}

std::vector<RunKind> Options::run_kinds() const {
  std::vector<RunKind> kinds;
  for (std::size_t i = 0; i < modes.size(); ++i)
    kinds.push_back(RunKind{modes[i], protocol_of(i)});
  return kinds;
}

bool Options::any_http2() const {
  for (std::size_t i = 0; i < modes.size(); ++i) {
    if (protocol_of(i) == Protocol::http2) return true;
  }
  return false;
}

std::uint32_t Options::streams_per_connection(RunKind kind) const {
  if (kind.protocol != Protocol::http2 || kind.mode != Mode::async) return 1;
  return streams.value_or(defaults::kHttp2Streams);
}

void Options::validate() const {
  if (requests == 0) throw UsageError("--requests must be at least 1");
  if (concurrency == 0) throw UsageError("--concurrency must be at least 1");
  if (io_threads == 0 || io_threads > 1024) throw UsageError("--threads must be 1..1024");
  if (concurrency > 1'000'000) throw UsageError("--concurrency must be at most 1000000");
  if (modes.empty()) throw UsageError("no mode to run");
  if (protocols.size() > modes.size()) throw UsageError("more protocols than modes");
  if (streams && (*streams == 0 || *streams > 1'000'000)) {
    throw UsageError("--streams must be 1..1000000");
  }
  const std::vector<RunKind> kinds = run_kinds();
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    for (std::size_t j = i + 1; j < kinds.size(); ++j) {
      if (kinds[i] == kinds[j]) {
        throw UsageError(
            fmt::format("mode '{}' is listed twice", run_label(kinds[i], any_http2())));
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
  validate_http2(*this);
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
  // An async HTTP/2 run opens a connection per --streams requests in flight.
  for (const RunKind& kind : kinds) {
    if (kind.mode != Mode::async || kind.protocol != Protocol::http2 || !sweep.empty()) continue;
    const std::uint64_t h2_connections = async_connections(*this, kind, connections);
    if (io_threads > h2_connections) {
      throw UsageError(fmt::format(
          "-t {} needs {} HTTP/2 connections or more: each event loop needs a connection of its "
          "own, and -c {}{} with --streams {} opens {}",
          io_threads, io_threads, connections, shard ? " per shard" : "",
          streams_per_connection(kind), h2_connections));
    }
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
