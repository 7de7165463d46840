// What a run was asked to do and what it sent, captured once when the run starts (cli's
// describe_run) or read back from a result file (merge): the reporters print this, never the
// command line's Options. Fields a merged file does not record stay empty (nullopt), so a merged
// report never shows a default as if it had been chosen.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "httpbench/stats/mode.hpp"
#include "httpbench/stats/protocol.hpp"

namespace httpbench {

// --shard: which part of the whole run this process ran, and that part's share of the work.
struct ShardPart {
  // Shard `index` of `count`, 0-based.
  std::uint64_t index = 0;
  std::uint64_t count = 1;
  // This shard's requests per mode; nullopt when only the duration bounds the run.
  std::optional<std::uint64_t> requests;
  // This shard's requests in flight, requests per second (0: closed loop) and warm-up requests.
  std::uint64_t concurrency = 0;
  double rate = 0;
  std::uint64_t warmup_requests = 0;
};

struct RunDescription {
  // The target URL in canonical form (credentials are never part of it).
  std::string url;
  // "http" or "https", and the origin-form request target ("/path?query"); empty after a merge.
  std::string scheme;
  std::string request_target;
  // --urls: the file, and each request line as "METHOD URL" in file order; empty otherwise.
  std::optional<std::string> urls_file;
  std::vector<std::string> url_lines;

  // The request: method, every header sent (defaults included) as printed with credentials
  // redacted, and "1.0" or "1.1".
  std::optional<std::string> method;
  std::optional<std::vector<std::string>> headers;
  std::optional<std::string> http_version;
  // The -H headers as given, as printed (credentials redacted).
  std::vector<std::string> headers_given;
  // Bytes of the request body; nullopt without a body.
  std::optional<std::uint64_t> body_bytes;
  // --body-file and --content-type as given; whether --basic-auth was given (never its value).
  std::optional<std::string> body_file;
  std::optional<std::string> content_type;
  bool basic_auth = false;

  // The modes in order (the first is the comparison's baseline), and whether they are compared.
  std::vector<Mode> modes;
  bool compare = false;
  // The protocol of each entry of `modes`, in the same order (--http2, --compare async:h2); empty
  // for files written before HTTP/2, whose runs were all HTTP/1.x (see protocol_of).
  std::vector<Protocol> protocols;
  // The most streams in flight per connection asked for the HTTP/2 runs (--streams or its
  // default; async only, sync and threads send one at a time); nullopt when no run is HTTP/2.
  std::optional<std::uint32_t> streams;

  // The protocol of the `index`-th entry of `modes` (HTTP/1.x when not recorded).
  Protocol protocol_of(std::size_t index) const {
    return index < protocols.size() ? protocols[index] : Protocol::http1;
  }
  // Requests per mode; nullopt when only the duration bounds the run.
  std::optional<std::uint64_t> requests;
  // Each mode's duration; nullopt when the request count alone bounds the run.
  std::optional<std::chrono::nanoseconds> duration;
  // Requests per second in open loop; 0 in closed loop.
  double rate = 0;
  // Warm-up: requests, or a duration (nullopt without).
  std::optional<std::uint64_t> warmup_requests;
  std::optional<std::chrono::nanoseconds> warmup_duration;
  // Requests in flight (-c), and the async mode's event loops (-t).
  std::optional<std::uint64_t> concurrency;
  std::optional<std::uint64_t> io_threads;
  // Reuse connections (on) or open one per request (off).
  std::optional<bool> keep_alive;
  // Whole-request and connect deadlines.
  std::optional<std::chrono::nanoseconds> timeout;
  std::optional<std::chrono::nanoseconds> connect_timeout;
  // Largest response header block accepted, bytes.
  std::optional<std::uint32_t> max_header_size;
  // The accepted statuses (--ok-status) as StatusRule::describe() gives them, and whether that is
  // the default rule.
  std::optional<std::string> ok_status;
  bool ok_status_default = true;
  // --follow N and --follow-cross-origin.
  unsigned follow_redirects = 0;
  bool follow_cross_origin = false;
  // Runs of each mode (--trials).
  std::optional<std::uint64_t> trials;
  // Width of the timeline's intervals (--interval).
  std::optional<std::chrono::nanoseconds> interval;
  // --sweep: the levels (empty: no sweep), and whether they were generated (--sweep auto).
  std::vector<std::uint64_t> sweep;
  bool sweep_auto = false;
  // --shard: this process's part of the whole run (the fields above describe the whole run).
  std::optional<ShardPart> shard;

  // The route: --resolve overrides as "HOST:PORT:ADDRESS" (IPv6 bracketed), the Unix socket as
  // given, the proxy as printed ("http://***@HOST:PORT" with credentials) and its address alone
  // ("http://HOST:PORT"); --proxy-from-env and whether --proxy-user was given.
  std::vector<std::string> resolve;
  std::optional<std::string> unix_socket;
  std::optional<std::string> proxy;
  std::optional<std::string> proxy_address;
  bool proxy_from_env = false;
  bool proxy_user = false;
  // Why no DNS lookup was made ("Unix socket", "--resolve", "IP address"); nullopt when the
  // name was resolved (or, after a merge, unknown).
  std::optional<std::string> no_dns_lookup;

  // TLS: -k, --cacert, --cert, --key and the lowest version accepted ("1.2").
  bool tls_insecure = false;
  std::optional<std::string> tls_ca_file;
  std::optional<std::string> tls_cert_file;
  std::optional<std::string> tls_key_file;
  std::string tls_min_version;

  // --check expressions as given.
  std::vector<std::string> checks;
};

}  // namespace httpbench
