#include "httpbench/cli/cli.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <map>
#include <optional>

#include <CLI/CLI.hpp>

#include "httpbench/cli/cli_docs.hpp"
#include "httpbench/cli/request_options.hpp"
#include "httpbench/cli/route_options.hpp"
#include "httpbench/cli/sweep_option.hpp"
#include "httpbench/connection/route.hpp"
#include "httpbench/defaults.hpp"
#include "httpbench/engine/schedule.hpp"
#include "httpbench/stats/error.hpp"
#include "httpbench/stats/units.hpp"
#include "httpbench/version.hpp"

namespace httpbench {

namespace {

// Raw option text, parsed with our own unit parsers so that errors name the option and the value.
struct RawOptions {
  std::string url;
  std::string mode = "async";
  std::string compare;
  std::string requests;  // empty: 200, or unlimited when --duration is given
  std::string duration;
  std::string rate;
  std::string warmup;
  std::vector<std::string> resolve;
  std::optional<std::string> proxy;
  // Unset: the default of Options (defaults.hpp).
  std::optional<std::string> concurrency;
  std::optional<std::string> timeout;
  std::optional<std::string> connect_timeout;
  std::optional<std::string> max_header_size;
  std::optional<std::string> streams;
  std::string port = "8080";
  std::string delay = "0";
  std::string jitter = "0";
  std::string body_size = "2";
  std::string demo_delay = "50ms";
  std::string sweep;
  std::string max_concurrent;
  std::optional<std::string> threads;
  std::optional<std::string> follow;
  // -c was given (the cap of --sweep auto; refused when no mode uses it).
  bool concurrency_given = false;
  // Given explicitly, for the conventions and conflicts that depend on it.
  bool mode_given = false;
  bool method_given = false;
  std::string trials;
  std::string format;
  std::string max_regression;
  std::string interval;
  std::string method = "GET";
  std::vector<std::string> headers;
  std::string shard;
  std::string start_at;
  std::string urls;
  std::string ok_status;
};

// --compare LIST: MODE[:PROTOCOL] entries ("async,async:h2") onto the modes and protocols; an
// entry without a protocol takes the run's (h2 with --http2).
void apply_compare_list(const std::string& text, Options& o) {
  o.modes.clear();
  o.protocols.clear();
  const Protocol run_protocol = o.http2 ? Protocol::http2 : Protocol::http1;
  for (const std::string& item : split_list(text)) {
    const RunKind kind = parse_run_kind(item, run_protocol);
    o.modes.push_back(kind.mode);
    o.protocols.push_back(kind.protocol);
  }
}

// "10%" or "10": a percentage >= 0.
double parse_percent(const std::string& text) {
  std::string_view digits(text);
  if (!digits.empty() && digits.back() == '%') digits.remove_suffix(1);
  double value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc{} || ptr != digits.data() + digits.size() ||
      !(value >= 0) || value > 1e6) {
    throw UsageError(fmt::format("invalid percentage '{}': use e.g. 10%", text));
  }
  return value;
}

// --format text|json|csv onto the json and csv flags.
void apply_format(const std::string& format, Options& o) {
  if (format.empty() || format == "text") return;
  if (format == "json") {
    o.json = true;
  } else if (format == "csv") {
    o.csv = true;
  } else {
    throw UsageError(fmt::format("--format: unknown format '{}': use text, json or csv", format));
  }
}

// A default duration as the help shows it: "30s", "250ms".
std::string duration_text(std::chrono::nanoseconds d) {
  if (d.count() % 1'000'000'000 == 0) return fmt::format("{}s", d.count() / 1'000'000'000);
  return fmt::format("{}ms", d.count() / 1'000'000);
}

// A default byte size as the help shows it (the suffixes of parse_size): "1m", "64k", "512".
std::string size_text(std::uint64_t bytes) {
  if (bytes % (1024 * 1024) == 0) return fmt::format("{}m", bytes / (1024 * 1024));
  if (bytes % 1024 == 0) return fmt::format("{}k", bytes / 1024);
  return fmt::format("{}", bytes);
}

template <class Fn>
auto with_option_name(const char* option, const std::string& value, Fn parse) {
  try {
    return parse(value);
  } catch (const UsageError& e) {
    throw UsageError(fmt::format("{}: {}", option, e.what()));
  }
}

// A count option within [min, max]: 0 and -5 below a minimum of 1 get the same words.
std::uint64_t count_option(const char* option, const std::string& text, std::uint64_t min,
                           std::uint64_t max = std::numeric_limits<std::uint64_t>::max()) {
  const auto too_small = [&] {
    return min == 0 ? UsageError(fmt::format("{} must not be negative", option))
                    : UsageError(fmt::format("{} must be at least {}", option, min));
  };
  if (!text.empty() && text.front() == '-') {
    // Only a number is "out of range"; "-x" is not a number at all.
    with_option_name(option, text.substr(1), parse_count);
    throw too_small();
  }
  const std::uint64_t value = with_option_name(option, text, parse_count);
  if (value < min) throw too_small();
  if (value > max) throw UsageError(fmt::format("{} must be at most {}", option, max));
  return value;
}

// Optimal string alignment distance (Levenshtein with adjacent transpositions): "reqests" is 1
// from "requests", "requsets" 1 too.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i)
    d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j)
    d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// The long option of `app` nearest to `given` ("--reqests"), when it is close enough to be the
// likely intent: one edit for short names, two from six letters, three from eleven.
std::optional<std::string> nearest_option(const CLI::App& app, std::string_view given) {
  if (given.substr(0, 2) != "--") return std::nullopt;
  given.remove_prefix(2);
  const std::size_t allowed = given.size() >= 11 ? 3 : given.size() >= 6 ? 2 : 1;
  std::optional<std::string> best;
  std::size_t best_distance = allowed + 1;
  for (const CLI::Option* option : app.get_options()) {
    for (const std::string& name : option->get_lnames()) {
      const std::size_t d = edit_distance(given, name);
      if (d < best_distance) {
        best_distance = d;
        best = "--" + name;
      }
    }
  }
  // "--no-keep-alive" is the negation of a flag, not in get_lnames().
  for (std::string_view name : {"--no-keep-alive", "--help", "--version"}) {
    if (edit_distance(given, name.substr(2)) < best_distance) {
      best_distance = edit_distance(given, name.substr(2));
      best = std::string(name);
    }
  }
  return best;
}

// CLI11 would list the extra arguments, but that is where the rest of an unquoted
// `-H Authorization: Bearer TOKEN` or a misplaced password lands: option names are shown, values
// never are.
std::string unexpected_arguments(const CLI::App& app, const std::vector<std::string>& extras) {
  std::string options;
  std::size_t values = 0;
  for (const std::string& a : extras) {
    if (a.size() > 1 && a[0] == '-') {
      const std::string name = a.substr(0, a.find('='));
      options += fmt::format("{}{}", options.empty() ? "" : ", ", redact_for_display(name));
      if (auto near = nearest_option(app, name))
        options += fmt::format(" (did you mean {}?)", *near);
    } else {
      ++values;
    }
  }
  // The values after an unknown option are most likely its own: naming the option is enough.
  if (!options.empty()) return fmt::format("unknown option {}", options);
  if (values != 0) {
    return fmt::format(
        "{} unexpected argument{} (not shown: arguments may hold credentials): give one URL, "
        "and quote values with spaces, e.g. -H 'Name: value'",
        values, values == 1 ? "" : "s");
  }
  return "unexpected arguments";
}

// The option a CLI11 message is about: the first word that names an option of `app` ("--mode: At
// Most 1 ...", "The value maybe is not an allowed value for --json").
std::string option_of(const CLI::App& app, const std::string& message) {
  std::size_t pos = 0;
  while (pos < message.size()) {
    const std::size_t end = std::min(message.find(' ', pos), message.size());
    std::string word = message.substr(pos, end - pos);
    while (!word.empty() && (word.back() == ':' || word.back() == ',' || word.back() == '.'))
      word.pop_back();
    if (word.size() > 1 && word[0] == '-' && app.get_option_no_throw(word) != nullptr) return word;
    pos = end + 1;
  }
  return {};
}

// Our one-line message for a CLI11 parse error: never CLI11's own text, which can hold values
// and reads like a stack of internals ("At Most 1 required but received 2").
std::string parse_error_message(const CLI::App& app, const CLI::ParseError& e) {
  const std::string option = option_of(app, e.what());
  const CLI::Option* opt = option.empty() ? nullptr : app.get_option_no_throw(option);
  std::string form = option;
  if (opt && !opt->get_type_name().empty()) form += " " + opt->get_type_name();
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr && !option.empty()) {
    if (std::string_view(e.what()).find("At Most") != std::string_view::npos) {
      return fmt::format("{} was given more than once: give it once", option);
    }
    if (opt && opt->get_type_size_max() == 0) {
      return fmt::format("{} is a flag and takes no value", option);
    }
    return fmt::format("{} needs a value: {}", option, form);
  }
  if (dynamic_cast<const CLI::ConversionError*>(&e) != nullptr && !option.empty()) {
    return fmt::format("{} is a flag and takes no value", option);
  }
  if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr && app.get_name() == "merge") {
    return "merge: give one or more JSON result files (from --json or -o)";
  }
  if (!option.empty())
    return fmt::format("invalid use of {}: expected {} (see --help)", option, form);
  return "invalid command line (see --help)";
}

void add_request_options(CLI::App& app, RawOptions& raw, Options& o) {
  app.add_option("-X,--method", raw.method,
                 "GET (default), HEAD, POST, PUT, PATCH, DELETE or OPTIONS, any case");
  app.add_option("-H,--header", raw.headers,
                 "request header 'Name: value', repeatable; replaces a default of the same name, "
                 "and 'Name:' leaves that default out")
      ->allow_extra_args(false);
  app.add_option("--body", o.body,
                 "request body, sent with Content-Length; without -X the method is POST (as "
                 "curl -d)");
  app.add_option("--body-file", o.body_file,
                 "request body read once from FILE before the run; without -X the method is POST");
  app.add_option("--content-type", o.content_type,
                 "Content-Type of the body (default application/octet-stream)");
  app.add_option("--basic-auth", o.basic_auth, "user:password for Authorization: Basic");
  app.add_flag("--http1.0", o.http10, "send HTTP/1.0 requests");
  app.add_flag("--http2", o.http2,
               "HTTP/2 for every request (https negotiates h2 by ALPN, http uses h2c with prior "
               "knowledge); a server that does not speak it fails every request, never a fallback "
               "to HTTP/1.1");
}

void add_benchmark_options(CLI::App& app, RawOptions& raw, Options& o) {
  app.add_option("-m,--mode", raw.mode, "sync, threads, async or compare (default async)");
  app.add_option("--compare", raw.compare,
                 fmt::format("modes to compare, first is the baseline (default {}); implies "
                             "--mode compare; an entry MODE:h1 or MODE:h2 also names the protocol "
                             "(async,async:h2 compares HTTP/1.1 with HTTP/2)",
                             defaults::kCompareModes));
  app.add_option("-n,--requests", raw.requests,
                 fmt::format("requests per mode (default {}, or unlimited with --duration)",
                             defaults::kRequests));
  app.add_option("-d,--duration", raw.duration,
                 "run each mode this long, e.g. 10s (with -n: whichever ends first)");
  app.add_option("-r,--rate", raw.rate,
                 "send this many requests per second in total (open loop, latency corrected for "
                 "coordinated omission)");
  app.add_option("--warmup", raw.warmup,
                 "requests (e.g. 100) or a duration (e.g. 2s) per mode sent before measuring");
  app.add_option("-c,--concurrency", raw.concurrency,
                 fmt::format("requests in flight for threads and async (default {}; not with "
                             "--mode sync)",
                             defaults::kConcurrency));
  // No ':' at a line's end (--help's sections are found by such lines) and no "-p" after a blank
  // (the install test takes every " -x" of the help for an option of httpbench).
  app.add_option("--streams", raw.streams,
                 fmt::format("most HTTP/2 streams in flight per connection (default {}, HTTP/1.x "
                             "has 1); -c stays the requests in flight and async opens -c / M "
                             "connections, so -c 40 --streams 8 is 5 connections x 8 streams, "
                             "what h2load and oha call 5 clients with 8 streams each (their "
                             "-c/-m, -c/-p); sync and threads send one stream at a time",
                             defaults::kHttp2Streams));
  app.add_flag("--keep-alive,!--no-keep-alive", o.keep_alive,
               "reuse connections (default) or open a new one per request");
  app.add_option("--timeout", raw.timeout,
                 fmt::format("per-request deadline, e.g. 500ms, 30s (default {})",
                             duration_text(defaults::kTimeout)));
  app.add_option(
      "--connect-timeout", raw.connect_timeout,
      fmt::format("TCP connect deadline (default {})", duration_text(defaults::kConnectTimeout)));
  app.add_option("-t,--threads", raw.threads,
                 fmt::format("async mode: event loops (io_contexts), each on its own thread, the "
                             "connections split among them (default {}, at most -c)",
                             defaults::kIoThreads));
  app.add_option("--follow", raw.follow,
                 "follow up to N same-origin redirects per request (default 0: a 3xx is the "
                 "result)");
  app.add_flag("--follow-cross-origin", o.follow_cross_origin,
               "with --follow: also follow redirects to other origins (a connection per hop)");
  app.add_option("--resolve", raw.resolve,
                 "HOST:PORT:ADDRESS: connect there instead of resolving HOST (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--unix-socket", o.unix_socket,
                 "connect to this Unix domain socket instead of TCP; the URL gives the Host "
                 "header and path");
  app.add_option("--proxy", raw.proxy,
                 "send requests through this HTTP proxy, http://HOST:PORT (https targets through "
                 "a CONNECT tunnel)");
  app.add_option("--proxy-user", o.proxy_user, "user:password for Proxy-Authorization: Basic");
  app.add_flag("--proxy-from-env", o.proxy_from_env,
               "take the proxy from http_proxy, https_proxy and no_proxy (either case)");
  app.add_flag("-k,--insecure", o.tls.insecure,
               "https: do not verify the server's certificate or host name");
  app.add_option("--cacert", o.tls.ca_file, "https: trust these CA certificates (PEM file)");
  app.add_option("--cert", o.tls.cert_file, "https: client certificate (PEM file)");
  app.add_option("--key", o.tls.key_file, "https: client private key (PEM file)");
  app.add_option("--tls-min", o.tls.min_version,
                 "https: lowest TLS version, 1.2 or 1.3 (default 1.2)");
  app.add_option("--max-header-size", raw.max_header_size,
                 fmt::format("largest response header block accepted (default {})",
                             size_text(defaults::kMaxHeaderSize)));
  app.add_flag("--json", o.json, "print the results as JSON on stdout");
  app.add_option("-o,--output", o.output_file, "also write the JSON results to FILE");
  app.add_option("--report", o.report_file,
                 "also write a self-contained HTML report with charts to FILE");
  app.add_option("--interval", raw.interval,
                 fmt::format("timeline slot width (JSON \"timeline\" and --report charts), e.g. "
                             "500ms (default {})",
                             duration_text(defaults::kInterval)));
  app.add_flag("-q,--quiet", o.quiet, "print nothing but errors");
  app.add_option("--format", raw.format, "text (default), json, or csv (a row per mode and trial)");
  app.add_option("--sweep", raw.sweep,
                 fmt::format("concurrency sweep of the async mode: auto (1,2,4,... up to -c, or "
                             "{}) or levels like 1,2,4,8; reports throughput and p99 per level, "
                             "a USL fit and the knee",
                             defaults::kSweepAutoMax));
  app.add_option("--trials", raw.trials,
                 fmt::format("run each mode K times, modes alternating, and report medians with "
                             "intervals (default {})",
                             defaults::kTrials));
  app.add_option("--save-baseline", o.save_baseline_file,
                 "also write the JSON results to FILE, for a later --baseline");
  app.add_option("--baseline", o.baseline_file,
                 "compare rps, p50 and p99 with a saved JSON result, mode by mode");
  app.add_flag("--baseline-any", o.baseline_any,
               "with --baseline: compare even when target, method, modes, concurrency, rate or "
               "protocol differ from the saved run");
  app.add_option("--max-regression", raw.max_regression,
                 "with --baseline: exit 1 when a figure is significantly worse by more than PCT, "
                 "e.g. 10%");
  app.add_option("--check", o.checks,
                 "threshold checked after the run, repeatable: p99<200ms, rps>5000, errors<1%, "
                 "speedup>2, async:p50<=20ms; exit 1 when one fails")
      ->allow_extra_args(false);
  app.add_option("--ok-status", raw.ok_status,
                 "statuses that count as success, e.g. 200,204 or 200-299 or 2xx (default "
                 "2xx and 3xx); any other is a failure of category status");
  app.add_option("--urls", raw.urls,
                 "send the requests of FILE round-robin, one per line: [METHOD] URL [BODY_FILE] "
                 "(one origin); results per line and in total");
  app.add_option("--shard", raw.shard,
                 "run shard I of N (I from 0) of the work: -n, -c and --rate split, --duration "
                 "kept; also HTTPBENCH_SHARD, or JOB_COMPLETION_INDEX with HTTPBENCH_SHARDS");
  app.add_option("--start-at", raw.start_at,
                 "wait until this wall-clock time before sending (RFC 3339 or Unix seconds), so "
                 "shards start together");
  app.add_option("--progress", o.progress_style,
                 "what stderr shows during the run when it is a terminal: live (default: a "
                 "panel with progress, rates, latency and statuses), plain (one line) or none")
      ->transform(CLI::CheckedTransformer(
                      std::map<std::string, ProgressStyle>{{"live", ProgressStyle::live},
                                                           {"plain", ProgressStyle::plain},
                                                           {"none", ProgressStyle::none}})
                      .description(""));
  app.add_flag_callback(
      "--no-live", [&o] { o.progress_style = ProgressStyle::plain; },
      "same as --progress plain: one progress line instead of the live panel");
  add_request_options(app, raw, o);
}

// Names the value of every option in --help and in error messages ("--requests N").
void name_values(CLI::App& app) {
  static const std::pair<std::string_view, std::string_view> kForms[] = {
      {"method", "M"},
      {"header", "'NAME: VALUE'"},
      {"body", "STRING"},
      {"body-file", "FILE"},
      {"content-type", "TYPE"},
      {"basic-auth", "USER:PASS"},
      {"mode", "sync|threads|async|compare"},
      {"compare", "LIST"},
      {"requests", "N"},
      {"duration", "D"},
      {"rate", "R"},
      {"warmup", "N|D"},
      {"concurrency", "N"},
      {"streams", "M"},
      {"timeout", "D"},
      {"connect-timeout", "D"},
      {"threads", "N"},
      {"follow", "N"},
      {"resolve", "HOST:PORT:ADDR"},
      {"unix-socket", "PATH"},
      {"proxy", "URL"},
      {"proxy-user", "USER:PASS"},
      {"cacert", "FILE"},
      {"cert", "FILE"},
      {"key", "FILE"},
      {"tls-min", "1.2|1.3"},
      {"max-header-size", "B"},
      {"output", "FILE"},
      {"report", "FILE.html"},
      {"interval", "D"},
      {"format", "text|json|csv"},
      {"sweep", "auto|LIST"},
      {"trials", "K"},
      {"save-baseline", "FILE"},
      {"baseline", "FILE"},
      {"max-regression", "PCT"},
      {"check", "EXPR"},
      {"urls", "FILE"},
      {"shard", "I/N"},
      {"start-at", "TIME"},
      {"progress", "live|plain|none"},
      {"ok-status", "LIST"},
      {"address", "ADDR"},
      {"port", "P"},
      {"delay", "D"},
      {"jitter", "D"},
      {"body-size", "B"},
      {"max-concurrent", "N"},
      {"tls-cert", "FILE"},
      {"tls-key", "FILE"},
  };
  for (CLI::Option* option : app.get_options()) {
    if (option->get_lnames().empty()) continue;
    for (const auto& [name, form] : kForms) {
      if (option->get_lnames().front() == name) option->type_name(std::string(form));
    }
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
    name_values(*sub);
}

// --warmup N|D: a count (200, 1k) when it looks like one, else a duration (2s, 1m).
void apply_warmup(const std::string& text, Options& o) {
  const char last = text.empty() ? '\0' : text.back();
  const bool count = std::isdigit(static_cast<unsigned char>(last)) || last == 'k' || last == 'K' ||
                     last == 'M' || (!text.empty() && text.front() == '-');
  try {
    if (count) {
      o.warmup_requests = count_option("--warmup", text, 0);
    } else {
      o.warmup_duration = parse_duration(text);
    }
  } catch (const UsageError&) {
    if (count && !text.empty() && text.front() == '-') throw;
    throw UsageError(fmt::format(
        "--warmup: invalid value '{}': use a request count (100, 1k) or a duration (2s, 500ms)",
        text));
  }
}

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

void finish_benchmark_options(RawOptions& raw, Options& o, const EnvironmentLookup& getenv) {
  for (const std::string& h : raw.headers)
    o.headers.push_back(with_option_name("--header", h, parse_header));
  if (!raw.urls.empty()) {
    if (!raw.url.empty()) {
      throw UsageError("--urls: give the URLs in the file, not on the command line");
    }
    o.urls_file = raw.urls;
    o.request_lines = read_request_lines(raw.urls);
    o.target = o.request_lines.front().target;
  } else {
    std::optional<std::string> credentials;
    o.target = parse_target_argument(raw.url, credentials);
    // As curl: userinfo in the URL is Basic auth; --basic-auth or -H Authorization wins.
    const bool authorization_header =
        std::any_of(o.headers.begin(), o.headers.end(),
                    [](const Header& h) { return iequals(h.name, "Authorization"); });
    if (credentials && !o.basic_auth && !authorization_header)
      o.basic_auth = std::move(credentials);
  }
  if (!raw.shard.empty()) {
    o.shard = with_option_name("--shard", raw.shard, parse_shard);
  } else {
    o.shard = shard_from_environment(getenv);
  }
  if (!raw.start_at.empty()) {
    o.start_at = with_option_name("--start-at", raw.start_at, parse_start_time);
  }
  for (const std::string& r : raw.resolve)
    o.resolve_overrides.push_back(parse_resolve_override(r));
  if (raw.proxy) {
    if (o.proxy_from_env) throw UsageError("--proxy and --proxy-from-env exclude each other");
    std::optional<std::string> credentials;
    o.proxy = with_option_name("--proxy", *raw.proxy, [&](const std::string& text) {
      return parse_proxy_url(text, credentials);
    });
    if (credentials && !o.proxy_user) o.proxy_user = std::move(credentials);
  }
  apply_proxy_environment(o, getenv);
  if (!raw.duration.empty()) {
    o.duration = with_option_name("--duration", raw.duration, parse_duration);
  }
  if (!raw.requests.empty()) {
    o.requests = count_option("--requests", raw.requests, 1);
  } else if (o.duration) {
    o.requests = Schedule::kUnlimited;
  }
  if (!raw.rate.empty()) {
    o.rate = with_option_name("--rate", raw.rate, parse_rate);
    if (!(o.rate > 0)) {
      throw UsageError("--rate must be greater than 0 (requests per second, e.g. 500 or 2k)");
    }
  }
  if (!raw.warmup.empty()) apply_warmup(raw.warmup, o);
  if (raw.concurrency) {
    o.concurrency = count_option("--concurrency", *raw.concurrency, 1, 1'000'000);
  }
  if (raw.threads) o.io_threads = count_option("--threads", *raw.threads, 1, 1024);
  if (raw.streams) {
    o.streams = static_cast<std::uint32_t>(count_option("--streams", *raw.streams, 1, 1'000'000));
  }
  if (raw.follow) {
    o.follow_redirects = static_cast<unsigned>(count_option("--follow", *raw.follow, 0, 1000));
  }
  if (raw.timeout) o.timeout = with_option_name("--timeout", *raw.timeout, parse_duration);
  if (raw.connect_timeout) {
    o.connect_timeout = with_option_name("--connect-timeout", *raw.connect_timeout, parse_duration);
  }
  if (raw.max_header_size) {
    const std::uint64_t header =
        with_option_name("--max-header-size", *raw.max_header_size, parse_size);
    if (header > std::numeric_limits<std::uint32_t>::max()) {
      throw UsageError("--max-header-size: too large");
    }
    o.max_header_size = static_cast<std::uint32_t>(header);
  }
  if (!raw.trials.empty()) o.trials = count_option("--trials", raw.trials, 1, 1000);
  if (!raw.interval.empty()) {
    o.interval = with_option_name("--interval", raw.interval, parse_duration);
  }
  if (!raw.max_regression.empty()) {
    o.max_regression_pct = with_option_name("--max-regression", raw.max_regression, parse_percent);
  }
  if (o.json && !raw.format.empty() && raw.format != "json") {
    throw UsageError("--json and --format exclude each other unless it is --format json");
  }
  apply_format(raw.format, o);
  if (!raw.ok_status.empty()) o.ok_status = StatusRule::parse(raw.ok_status);
  // The timeline is only in the JSON document and the HTML report.
  if (!raw.interval.empty() && !o.json && !o.output_file && !o.save_baseline_file &&
      !o.report_file) {
    throw UsageError(
        "--interval sets the timeline of the JSON and of --report: add --json, -o, "
        "--save-baseline or --report, or drop --interval");
  }
  o.method = with_option_name("--method", raw.method, normalize_method);
  if (o.body && o.body_file) throw UsageError("--body and --body-file exclude each other");
  // As curl -d: a body without -X is a POST.
  if ((o.body || o.body_file) && !raw.method_given) o.method = "POST";
  if (raw.mode == "compare" || !raw.compare.empty()) {
    if (raw.mode_given && raw.mode != "compare" && !raw.compare.empty()) {
      throw UsageError(
          "--mode and --compare exclude each other: --compare LIST runs the modes it lists "
          "(it implies --mode compare)");
    }
    o.compare = true;
    with_option_name("--compare",
                     raw.compare.empty() ? std::string(defaults::kCompareModes) : raw.compare,
                     [&](const std::string& text) { apply_compare_list(text, o); });
  } else {
    o.modes = {with_option_name("--mode", raw.mode, parse_mode)};
  }
  // -c 1 says what sync does; anything else would be ignored (and printed in the header).
  if (raw.concurrency_given && o.concurrency != 1 && raw.sweep.empty() &&
      std::all_of(o.modes.begin(), o.modes.end(), [](Mode m) { return m == Mode::sync; })) {
    throw UsageError(fmt::format(
        "-c/--concurrency {} is not used by --mode sync (one request at a time): drop -c, or "
        "use --mode threads or async",
        o.concurrency));
  }
  if (!raw.sweep.empty()) apply_sweep_option(raw.sweep, raw.concurrency_given, o);
  o.validate();
}

// The subcommand being parsed, or the program itself.
const CLI::App& active_command(const CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands())
    return *sub;
  return app;
}

}  // namespace

CommandLine parse_command_line(const std::vector<std::string>& args,
                               const EnvironmentLookup& getenv) {
  CommandLine cl;
  RawOptions raw;
  CLI::App app{"httpbench: HTTP load benchmarker comparing sync, threads and async clients",
               "httpbench"};
  app.set_version_flag("--version", fmt::format("httpbench {}", kVersion));
  app.add_option("url", raw.url,
                 "target URL, e.g. http://127.0.0.1:8080/ (http:// is assumed without a scheme; "
                 "user:password@ becomes Basic auth)")
      ->type_name("URL");
  add_benchmark_options(app, raw, cl.options);

  CLI::App* serve = app.add_subcommand("serve", "run the built-in test target");
  serve->add_option("--address", cl.serve.address, "address to listen on (default 127.0.0.1)");
  serve->add_option("--port", raw.port, "port, 0 picks a free one (default 8080)");
  serve->add_option("--delay", raw.delay, "delay before each response (default 0)");
  serve->add_option("--jitter", raw.jitter, "extra uniform random delay up to this (default 0)");
  serve->add_option("--body-size", raw.body_size, "response body bytes (default 2)");
  serve->add_option("--max-concurrent", raw.max_concurrent,
                    "handle at most N requests at once; more wait in a queue (default: no limit)");
  serve->add_flag("--shed", cl.serve.shed,
                  "with --max-concurrent: answer 503 at once when all slots are taken, instead of "
                  "queueing");
  serve->add_option("--tls-cert", cl.serve.tls_cert, "serve https with this certificate (PEM)");
  serve->add_option("--tls-key", cl.serve.tls_key, "private key for --tls-cert (PEM)");
  serve->add_option("--unix-socket", cl.serve.unix_socket,
                    "listen on this Unix domain socket instead of TCP (replaced if stale)");
  std::optional<std::string> max_streams;
  std::optional<std::string> h2_max_requests;
  serve
      ->add_option("--max-streams", max_streams,
                   "HTTP/2: streams a client may have open at once on a connection, sent as "
                   "SETTINGS_MAX_CONCURRENT_STREAMS (default 128, as nginx)")
      ->type_name("N");
  serve
      ->add_option("--h2-max-requests", h2_max_requests,
                   "HTTP/2: send GOAWAY after N streams on a connection, like nginx's "
                   "keepalive_requests (default 0: no limit)")
      ->type_name("N");

  CLI::App* demo =
      app.add_subcommand("demo",
                         "reproduce the sync vs threads vs async benchmark offline, and async over "
                         "HTTP/1.1 vs HTTP/2");
  demo->add_option("-n,--requests", raw.requests,
                   fmt::format("requests per mode (default {})", defaults::kRequests));
  demo->add_option("--delay", raw.demo_delay, "server delay per request (default 50ms)");
  demo->add_flag("--json", cl.options.json, "print the results as JSON on stdout");
  CLI::App* merge = app.add_subcommand("merge", "merge JSON result files of the same target");
  merge->add_option("files", cl.merge_files, "JSON result files (from --json, -o)")
      ->required()
      ->type_name("FILE...");
  merge->add_flag("--json", cl.options.json, "print the merged results as JSON on stdout");
  merge->add_option("-o,--output", cl.options.output_file, "also write the merged JSON to FILE");
  merge->add_option("--report", cl.options.report_file,
                    "also write a self-contained HTML report of the merged runs to FILE");
  merge->add_option("--format", raw.format, "text (default), json or csv");
  merge->add_flag("--require-complete", cl.merge_require_complete,
                  "refuse shard files unless every shard of the run is there");
  std::string shell;
  CLI::App* completions = app.add_subcommand(
      "completions", "print the shell completion script for bash, zsh or fish on stdout");
  completions->add_option("shell", shell, "the shell to complete for")->type_name("bash|zsh|fish");
  CLI::App* man = app.add_subcommand("man", "print the manual page httpbench(1) as troff");
  app.require_subcommand(0, 1);
  name_values(app);
  arrange_help(app);

  // `httpbench help [serve|demo|merge]`, as git and go: the same text as --help.
  if (!args.empty() && args.front() == "help") {
    cl.command = Command::info;
    cl.message = app.help();
    for (const CLI::App* sub : {serve, demo, merge, completions, man}) {
      if (args.size() > 1 && args[1] == sub->get_name()) cl.message = sub->help("httpbench");
    }
    return cl;
  }

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    cl.command = Command::info;
    cl.message = app.help();
    return cl;
  } catch (const CLI::CallForVersion& e) {
    cl.command = Command::info;
    cl.message = std::string(e.what()) + "\n";
    return cl;
  } catch (const CLI::ExtrasError&) {
    throw UsageError(unexpected_arguments(active_command(app), app.remaining(true)));
  } catch (const CLI::ParseError& e) {
    throw UsageError(parse_error_message(active_command(app), e));
  }

  if (serve->parsed()) {
    cl.command = Command::serve;
    if (cl.serve.unix_socket && (serve->count("--address") != 0 || serve->count("--port") != 0)) {
      throw UsageError("serve: --unix-socket excludes --address and --port");
    }
    cl.serve.port = static_cast<std::uint16_t>(count_option("--port", raw.port, 0, 65535));
    cl.serve.delay = with_option_name("--delay", raw.delay, parse_duration);
    cl.serve.jitter = with_option_name("--jitter", raw.jitter, parse_duration);
    cl.serve.body_size = with_option_name("--body-size", raw.body_size, parse_size);
    if (!raw.max_concurrent.empty()) {
      cl.serve.max_concurrent = count_option("--max-concurrent", raw.max_concurrent, 1);
    }
    if (max_streams) {
      cl.serve.max_streams =
          static_cast<std::uint32_t>(count_option("--max-streams", *max_streams, 1, 2147483647));
    }
    if (h2_max_requests) {
      cl.serve.h2_max_requests = count_option("--h2-max-requests", *h2_max_requests, 0);
    }
    cl.serve.validate();
    return cl;
  }
  if (demo->parsed()) {
    cl.command = Command::demo;
    cl.demo_delay = with_option_name("--delay", raw.demo_delay, parse_duration);
    if (!raw.requests.empty()) cl.options.requests = count_option("--requests", raw.requests, 1);
    // sync, threads and async over HTTP/1.1, then async over HTTP/2 (h2c, prior knowledge: the
    // built-in server tells the two apart by the connection preface) on the same server.
    cl.options.modes = {Mode::sync, Mode::threads, Mode::async, Mode::async};
    cl.options.protocols = {Protocol::http1, Protocol::http1, Protocol::http1, Protocol::http2};
    cl.options.compare = true;
    return cl;
  }
  if (completions->parsed() || man->parsed()) {
    cl.command = Command::info;
    cl.message = man->parsed() ? man_page(app) : completion_script(app, shell);
    return cl;
  }
  if (merge->parsed()) {
    cl.command = Command::merge;
    if (cl.options.json && !raw.format.empty() && raw.format != "json") {
      throw UsageError("--json and --format exclude each other unless it is --format json");
    }
    apply_format(raw.format, cl.options);
    return cl;
  }
  if (raw.url.empty() && raw.urls.empty()) throw UsageError("missing URL (try --help)");
  raw.concurrency_given = app.count("--concurrency") != 0;
  raw.mode_given = app.count("--mode") != 0;
  raw.method_given = app.count("--method") != 0;
  finish_benchmark_options(raw, cl.options, getenv);
  return cl;
}

}  // namespace httpbench
