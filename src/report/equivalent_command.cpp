#include "httpbench/report/equivalent_command.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include <fmt/format.h>

#include "httpbench/defaults.hpp"
#include "httpbench/report/text_format.hpp"
#include "httpbench/stats/redact.hpp"

namespace httpbench {

namespace {

// A shell word: quoted when it holds anything a shell would interpret.
std::string shell_word(std::string_view word) {
  const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("_./:,=@%+-").find(c) != std::string_view::npos;
  });
  if (plain) return std::string(word);
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string join_levels(const std::vector<std::uint64_t>& levels) {
  std::string out;
  for (std::uint64_t l : levels)
    out += fmt::format("{}{}", out.empty() ? "" : ",", l);
  return out;
}

}  // namespace

std::string equivalent_command(const RunDescription& o) {
  std::string cmd = "httpbench";
  // Every run HTTP/2: --http2; some of them: their --compare entries say so ("async:h2").
  bool all_http2 = !o.modes.empty();
  for (std::size_t i = 0; i < o.modes.size(); ++i)
    all_http2 = all_http2 && o.protocol_of(i) == Protocol::http2;
  if (!o.sweep.empty()) {
    // The sweep runs the async mode; -c only bounds an automatic sweep's levels.
    cmd += o.sweep_auto ? fmt::format(" --sweep auto -c {}", o.concurrency.value_or(0))
                        : " --sweep " + join_levels(o.sweep);
  } else if (o.compare) {
    std::string modes;
    for (std::size_t i = 0; i < o.modes.size(); ++i) {
      const bool h2_entry = !all_http2 && o.protocol_of(i) == Protocol::http2;
      modes += fmt::format("{}{}{}", modes.empty() ? "" : ",", mode_name(o.modes[i]),
                           h2_entry ? ":h2" : "");
    }
    cmd += " --compare " + modes;
  } else if (!o.modes.empty()) {
    cmd += fmt::format(" --mode {}", mode_name(o.modes.front()));
  }
  if (o.requests) cmd += fmt::format(" -n {}", *o.requests);
  if (o.duration) cmd += " -d " + format_duration_option(*o.duration);
  if (o.rate > 0) cmd += fmt::format(" --rate {:g}", o.rate);
  if (o.warmup_requests.value_or(0)) cmd += fmt::format(" --warmup {}", *o.warmup_requests);
  if (o.warmup_duration) cmd += " --warmup " + format_duration_option(*o.warmup_duration);
  if (o.sweep.empty() && o.concurrency) cmd += fmt::format(" -c {}", *o.concurrency);
  if (o.io_threads && *o.io_threads != defaults::kIoThreads) {
    cmd += fmt::format(" -t {}", *o.io_threads);
  }
  if (o.keep_alive == false) cmd += " --no-keep-alive";
  if (o.timeout && *o.timeout != defaults::kTimeout) {
    cmd += " --timeout " + format_duration_option(*o.timeout);
  }
  if (o.connect_timeout && *o.connect_timeout != defaults::kConnectTimeout) {
    cmd += " --connect-timeout " + format_duration_option(*o.connect_timeout);
  }
  if (o.follow_redirects) cmd += fmt::format(" --follow {}", o.follow_redirects);
  if (o.follow_cross_origin) cmd += " --follow-cross-origin";
  if (o.trials.value_or(defaults::kTrials) > defaults::kTrials) {
    cmd += fmt::format(" --trials {}", *o.trials);
  }
  if (o.interval && *o.interval != defaults::kInterval) {
    cmd += " --interval " + format_duration_option(*o.interval);
  }
  if (o.shard) cmd += fmt::format(" --shard {}/{}", o.shard->index, o.shard->count);
  if (o.method && *o.method != "GET") cmd += " -X " + *o.method;
  for (const std::string& h : o.headers_given)
    cmd += " -H " + shell_word(h);
  if (o.body_file) {
    cmd += " --body-file " + shell_word(*o.body_file);
  } else if (o.body_bytes) {
    cmd += fmt::format(" --body <{} bytes>", *o.body_bytes);
  }
  if (o.content_type) cmd += " --content-type " + shell_word(*o.content_type);
  if (o.basic_auth) cmd += " --basic-auth '***'";
  if (o.http_version == "1.0") cmd += " --http1.0";
  if (all_http2) cmd += " --http2";
  if (o.streams && *o.streams != defaults::kHttp2Streams) {
    cmd += fmt::format(" --streams {}", *o.streams);
  }
  if (o.max_header_size && *o.max_header_size != defaults::kMaxHeaderSize) {
    cmd += fmt::format(" --max-header-size {}", *o.max_header_size);
  }
  for (const std::string& r : o.resolve)
    cmd += " --resolve " + shell_word(r);
  if (o.unix_socket) cmd += " --unix-socket " + shell_word(redact_for_display(*o.unix_socket));
  if (o.proxy_from_env) {
    cmd += " --proxy-from-env";
  } else if (o.proxy) {
    cmd += " --proxy " + shell_word(*o.proxy);
  }
  if (o.proxy_user) cmd += " --proxy-user '***'";
  if (o.tls_insecure) cmd += " -k";
  if (o.tls_ca_file) cmd += " --cacert " + shell_word(*o.tls_ca_file);
  if (o.tls_cert_file) cmd += " --cert " + shell_word(*o.tls_cert_file);
  if (o.tls_key_file) cmd += " --key " + shell_word(*o.tls_key_file);
  if (!o.tls_min_version.empty() && o.tls_min_version != defaults::kTlsMinVersion) {
    cmd += " --tls-min " + o.tls_min_version;
  }
  if (o.urls_file) {
    cmd += " --urls " + shell_word(*o.urls_file);
  } else {
    cmd += " " + shell_word(redact_for_display(o.url));
  }
  return cmd;
}

}  // namespace httpbench
