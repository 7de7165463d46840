// Everything a benchmark run is configured with: plain data with defaults and validation.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "httpbench/cli/url_list.hpp"
#include "httpbench/codec/request_spec.hpp"
#include "httpbench/codec/url.hpp"
#include "httpbench/connection/resolve.hpp"
#include "httpbench/connection/tls.hpp"
#include "httpbench/defaults.hpp"
#include "httpbench/scale/shard.hpp"
#include "httpbench/stats/mode.hpp"
#include "httpbench/stats/protocol.hpp"
#include "httpbench/stats/run_kind.hpp"
#include "httpbench/stats/status_rule.hpp"

namespace httpbench {

// What stderr shows while a run goes on, when it is a terminal (--progress).
enum class ProgressStyle {
  live,   // the live panel: progress bar, rates, latency percentiles, statuses
  plain,  // one progress line (--no-live)
  none,   // nothing
};

struct Options {
  Target target;
  // Request method, upper case: GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS.
  std::string method = "GET";
  // -H headers in the order given; one with the name of a default header replaces it.
  std::vector<Header> headers;
  // The request body, sent from memory with a Content-Length (--body, or --body-file once read).
  std::optional<std::string> body;
  // --body-file: read into `body` by run_benchmark before the run.
  std::optional<std::string> body_file;
  // Content-Type for the body; application/octet-stream when a body has none (a -H wins).
  std::optional<std::string> content_type;
  // "user:password" for an Authorization: Basic header; never printed.
  std::optional<std::string> basic_auth;
  // --urls FILE: the requests sent round-robin instead of one (read while parsing the command
  // line); `target` is the first line's.
  std::optional<std::string> urls_file;
  std::vector<RequestLine> request_lines;
  // Send HTTP/1.0 requests instead of HTTP/1.1.
  bool http10 = false;
  // --http2: HTTP/2 for every run (h2 by ALPN over https, h2c with prior knowledge over http);
  // --compare entries without a protocol take it.
  bool http2 = false;
  // --streams as given: the most streams in flight per HTTP/2 connection of the async mode;
  // nullopt: defaults::kHttp2Streams (see streams_per_connection).
  std::optional<std::uint32_t> streams;
  // The statuses that make a response a success (--ok-status); others are `status` failures.
  StatusRule ok_status;
  // Redirects followed per request (--follow); 0: a 3xx is the result.
  unsigned follow_redirects = 0;
  // --follow-cross-origin: also follow redirects to other origins, each hop on a connection of
  // its own (see redirect.hpp).
  bool follow_cross_origin = false;
  // The modes to run, in order; the first is the comparison baseline when there are several.
  std::vector<Mode> modes = {Mode::async};
  // The protocol of each entry of `modes` (--compare async,async:h2), in the same order; an entry
  // past its end takes the run's protocol (h2 with --http2). See protocol_of.
  std::vector<Protocol> protocols;
  // True for --mode compare: print a comparison table and speedups.
  bool compare = false;
  // Requests per mode; Schedule::kUnlimited when only a duration bounds the run.
  std::uint64_t requests = defaults::kRequests;
  // Run each mode this long (with `requests`: whichever ends first).
  std::optional<std::chrono::nanoseconds> duration;
  // Requests per second in total (open loop); 0 sends as fast as responses come back.
  double rate = 0;
  // Requests per mode sent before measuring, on the same connections, and not recorded.
  std::uint64_t warmup_requests = 0;
  // Or: warm up for this long.
  std::optional<std::chrono::nanoseconds> warmup_duration;
  // io_contexts (each on its own thread) the async mode splits its connections over.
  std::uint64_t io_threads = defaults::kIoThreads;
  // Requests in flight for threads and async.
  std::uint64_t concurrency = defaults::kConcurrency;
  // Reuse connections (true) or open a fresh one for every request.
  bool keep_alive = true;
  // Whole-request deadline: connect (when needed), send, and read the full response.
  std::chrono::nanoseconds timeout = defaults::kTimeout;
  // Deadline for establishing one TCP connection.
  std::chrono::nanoseconds connect_timeout = defaults::kConnectTimeout;
  // Fixed addresses for host:port pairs, instead of DNS (--resolve).
  std::vector<ResolveOverride> resolve_overrides;
  // Connect to this Unix domain socket instead of TCP (--unix-socket); the URL still gives the
  // Host header and the request target. No DNS.
  std::optional<std::string> unix_socket;
  // The HTTP proxy (--proxy, or from the environment with --proxy-from-env): http targets are
  // requested from it in absolute form, https targets through a CONNECT tunnel. See route.hpp.
  std::optional<Target> proxy;
  // "user:password" for Proxy-Authorization: Basic (--proxy-user, or the proxy URL); never printed.
  std::optional<std::string> proxy_user;
  // --proxy-from-env: take the proxy from http_proxy/https_proxy/no_proxy (either case).
  bool proxy_from_env = false;
  // Certificate verification and client certificates for https targets.
  TlsOptions tls;
  // Largest response header block accepted, in bytes.
  std::uint32_t max_header_size = defaults::kMaxHeaderSize;
  // Print JSON instead of text on stdout.
  bool json = false;
  // Also write the JSON document to this file.
  std::optional<std::string> output_file;
  // Print only errors.
  bool quiet = false;
  // Print one CSV row per mode and trial instead of text on stdout.
  bool csv = false;
  // Run each mode this many times, modes alternating (ABAB...), for medians and intervals.
  std::uint64_t trials = defaults::kTrials;
  // Also write the JSON document here, to be read back by --baseline.
  std::optional<std::string> save_baseline_file;
  // Compare the run with this saved JSON result.
  std::optional<std::string> baseline_file;
  // --baseline-any: compare with a baseline whose target, method, modes, concurrency, rate or
  // protocol differ from this run's.
  bool baseline_any = false;
  // Exit 1 when a figure is significantly worse than the baseline by more than this, percent.
  std::optional<double> max_regression_pct;
  // --check expressions, as given; the plan (plan.hpp) parses them.
  std::vector<std::string> checks;
  // Width of the timeline's slots: completions, errors and latency per interval (--interval).
  std::chrono::nanoseconds interval = defaults::kInterval;
  // Also write a self-contained HTML report with charts to this file (--report).
  std::optional<std::string> report_file;
  // This process runs one shard of the work (--shard, or from the environment); the other fields
  // describe the whole run.
  std::optional<Shard> shard;
  // Wall-clock instant to start sending at, Unix seconds (--start-at).
  std::optional<double> start_at;
  // --sweep: run the async mode at each of these concurrency levels, increasing; empty: no sweep.
  std::vector<std::uint64_t> sweep;
  // --sweep auto: the levels were generated, and the sweep may stop two levels past the knee.
  bool sweep_auto = false;
  // The arguments as given (argv without argv[0]), for the manifest; redacted before printing.
  std::vector<std::string> command_line;
  // Show a live progress line on stderr (only set when stderr is a terminal).
  bool progress = false;
  // --progress / --no-live: how `progress` is shown.
  ProgressStyle progress_style = ProgressStyle::live;

  // The protocol of the `index`-th entry of `modes`.
  Protocol protocol_of(std::size_t index) const;
  // Each entry of `modes` with its protocol, in order.
  std::vector<RunKind> run_kinds() const;
  // True when some run is HTTP/2.
  bool any_http2() const;
  // The most streams in flight per connection of a run of `kind`: --streams (or
  // defaults::kHttp2Streams) for async over HTTP/2; 1 for HTTP/1.x, and for sync and threads,
  // whose blocking clients send one request at a time on a connection.
  std::uint32_t streams_per_connection(RunKind kind) const;

  // Throws UsageError on a value no run can use. The --check expressions are parsed, and so
  // checked, by make_plan (plan.hpp).
  void validate() const;
};

}  // namespace httpbench
