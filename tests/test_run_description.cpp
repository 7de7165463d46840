// The run description captured from the options before a run: what the reporters read instead of
// Options. Each field comes from the option it names; the request as sent (defaults included,
// credentials redacted); the shard's part; why no DNS lookup is made.
#include "httpbench/cli/describe_run.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "httpbench/cli/cli.hpp"
#include "httpbench/defaults.hpp"
#include "httpbench/report/equivalent_command.hpp"
#include "httpbench/scale/shard.hpp"
#include "httpbench/version.hpp"

using namespace httpbench;
using namespace std::chrono_literals;

namespace {

RunDescription describe(const std::vector<std::string>& args) {
  const Options o = parse_command_line(args).options;
  return describe_run(o);
}

}  // namespace

TEST(RunDescription, DefaultsAreTheRunsValues) {
  const RunDescription d = describe({"http://example.test:8080/a?b=1"});
  EXPECT_EQ(d.url, "http://example.test:8080/a?b=1");
  EXPECT_EQ(d.scheme, "http");
  EXPECT_EQ(d.request_target, "/a?b=1");
  EXPECT_EQ(d.method, "GET");
  EXPECT_EQ(d.http_version, "1.1");
  ASSERT_TRUE(d.headers);
  EXPECT_EQ(*d.headers,
            (std::vector<std::string>{"Host: example.test:8080",
                                      fmt::format("User-Agent: httpbench/{}", kVersion)}));
  EXPECT_TRUE(d.headers_given.empty());
  EXPECT_FALSE(d.body_bytes);
  EXPECT_EQ(d.modes, std::vector<Mode>{Mode::async});
  EXPECT_FALSE(d.compare);
  EXPECT_EQ(d.requests, defaults::kRequests);
  EXPECT_FALSE(d.duration);
  EXPECT_EQ(d.rate, 0);
  EXPECT_EQ(d.warmup_requests, 0u);
  EXPECT_EQ(d.concurrency, defaults::kConcurrency);
  EXPECT_EQ(d.io_threads, defaults::kIoThreads);
  EXPECT_EQ(d.keep_alive, true);
  EXPECT_EQ(d.timeout, defaults::kTimeout);
  EXPECT_EQ(d.connect_timeout, defaults::kConnectTimeout);
  EXPECT_EQ(d.max_header_size, defaults::kMaxHeaderSize);
  EXPECT_EQ(d.trials, defaults::kTrials);
  EXPECT_EQ(d.interval, defaults::kInterval);
  EXPECT_TRUE(d.ok_status_default);
  EXPECT_FALSE(d.shard);
  EXPECT_FALSE(d.proxy);
  EXPECT_FALSE(d.unix_socket);
  // A name: looked up before the run.
  EXPECT_FALSE(d.no_dns_lookup);
  EXPECT_EQ(d.tls_min_version, "1.2");
}

TEST(RunDescription, EveryOptionTheReportersPrint) {
  Options o = parse_command_line({"--json",
                                  "--compare",
                                  "sync,async",
                                  "-n",
                                  "500",
                                  "-d",
                                  "3s",
                                  "--rate",
                                  "250",
                                  "--warmup",
                                  "7",
                                  "-c",
                                  "9",
                                  "-t",
                                  "2",
                                  "--no-keep-alive",
                                  "--timeout",
                                  "4s",
                                  "--connect-timeout",
                                  "2s",
                                  "--max-header-size",
                                  "4096",
                                  "--ok-status",
                                  "200,204",
                                  "--follow",
                                  "3",
                                  "--trials",
                                  "2",
                                  "--interval",
                                  "250ms",
                                  "-X",
                                  "PUT",
                                  "-H",
                                  "X-One: 1",
                                  "-H",
                                  "Cookie: secret",
                                  "--body",
                                  "hello",
                                  "--content-type",
                                  "text/plain",
                                  "--basic-auth",
                                  "al:pw",
                                  "--http1.0",
                                  "--resolve",
                                  "example.test:443:127.0.0.1",
                                  "-k",
                                  "--tls-min",
                                  "1.3",
                                  "--check",
                                  "p99<1s",
                                  "https://example.test/put"})
                  .options;
  const RunDescription d = describe_run(o);
  EXPECT_EQ(d.modes, (std::vector<Mode>{Mode::sync, Mode::async}));
  EXPECT_TRUE(d.compare);
  EXPECT_EQ(d.requests, 500u);
  EXPECT_EQ(d.duration, std::chrono::nanoseconds(3s));
  EXPECT_EQ(d.rate, 250);
  EXPECT_EQ(d.warmup_requests, 7u);
  EXPECT_EQ(d.concurrency, 9u);
  EXPECT_EQ(d.io_threads, 2u);
  EXPECT_EQ(d.keep_alive, false);
  EXPECT_EQ(d.timeout, std::chrono::nanoseconds(4s));
  EXPECT_EQ(d.connect_timeout, std::chrono::nanoseconds(2s));
  EXPECT_EQ(d.max_header_size, 4096u);
  EXPECT_EQ(d.ok_status, "200,204");
  EXPECT_FALSE(d.ok_status_default);
  EXPECT_EQ(d.follow_redirects, 3u);
  EXPECT_EQ(d.trials, 2u);
  EXPECT_EQ(d.interval, std::chrono::nanoseconds(250ms));
  EXPECT_EQ(d.method, "PUT");
  EXPECT_EQ(d.http_version, "1.0");
  EXPECT_EQ(d.body_bytes, 5u);
  EXPECT_EQ(d.content_type, "text/plain");
  EXPECT_TRUE(d.basic_auth);
  // As given, credentials redacted.
  EXPECT_EQ(d.headers_given, (std::vector<std::string>{"X-One: 1", "Cookie: ***"}));
  // As sent: defaults included, the Authorization value never shown.
  ASSERT_TRUE(d.headers);
  const std::string all = fmt::format("{}", fmt::join(*d.headers, "\n"));
  EXPECT_NE(all.find("Authorization: ***"), std::string::npos) << all;
  EXPECT_NE(all.find("Content-Type: text/plain"), std::string::npos) << all;
  EXPECT_NE(all.find("Content-Length: 5"), std::string::npos) << all;
  EXPECT_EQ(all.find("pw"), std::string::npos) << all;
  EXPECT_EQ(all.find("secret"), std::string::npos) << all;
  EXPECT_EQ(d.resolve, std::vector<std::string>{"example.test:443:127.0.0.1"});
  EXPECT_EQ(d.no_dns_lookup, "--resolve");
  EXPECT_TRUE(d.tls_insecure);
  EXPECT_EQ(d.tls_min_version, "1.3");
  EXPECT_EQ(d.checks, std::vector<std::string>{"p99<1s"});
}

TEST(RunDescription, ProxyAndSocketAsTheReportsShowThem) {
  const RunDescription proxied =
      describe({"--proxy", "http://u:p@127.0.0.1:3128", "http://example.test/"});
  EXPECT_EQ(proxied.proxy, "http://***@127.0.0.1:3128");
  EXPECT_EQ(proxied.proxy_address, "http://127.0.0.1:3128");
  EXPECT_TRUE(proxied.proxy_user);
  // The proxy's host is the one looked up: an IP literal.
  EXPECT_EQ(proxied.no_dns_lookup, "IP address");
  const RunDescription socket = describe({"--unix-socket", "/tmp/x.sock", "http://example.test/"});
  EXPECT_EQ(socket.unix_socket, "/tmp/x.sock");
  EXPECT_EQ(socket.no_dns_lookup, "Unix socket");
}

TEST(RunDescription, AShardDescribesTheWholeRunAndItsPart) {
  Options whole = parse_command_line({"-n", "10", "-c", "4", "--rate", "90", "--shard", "1/3",
                                      "http://127.0.0.1:9/"})
                      .options;
  const WorkPart part = make_plan(whole).part;
  const RunDescription d = describe_run(whole);
  EXPECT_EQ(d.requests, 10u);
  EXPECT_EQ(d.concurrency, 4u);
  ASSERT_TRUE(d.shard);
  EXPECT_EQ(d.shard->index, 1u);
  EXPECT_EQ(d.shard->count, 3u);
  EXPECT_EQ(d.shard->requests, part.requests);
  EXPECT_EQ(d.shard->concurrency, part.concurrency);
  EXPECT_DOUBLE_EQ(d.shard->rate, 30);
}

TEST(RunDescription, UnlimitedRequestsAreNone) {
  const RunDescription d = describe({"-d", "2s", "http://127.0.0.1:9/"});
  EXPECT_FALSE(d.requests);
  EXPECT_EQ(d.duration, std::chrono::nanoseconds(2s));
}

// ---- HTTP/2 ----

TEST(RunDescription, TheProtocolOfEachModeAndTheStreams) {
  RunDescription d = describe({"http://example.test/"});
  EXPECT_EQ(d.protocols, std::vector<Protocol>{Protocol::http1});
  EXPECT_FALSE(d.streams);
  d = describe({"--http2", "-c", "40", "--streams", "8", "http://example.test/"});
  EXPECT_EQ(d.protocols, std::vector<Protocol>{Protocol::http2});
  EXPECT_EQ(d.streams, 8u);
  d = describe({"--compare", "sync,async,async:h2", "http://example.test/"});
  EXPECT_EQ(d.modes, (std::vector<Mode>{Mode::sync, Mode::async, Mode::async}));
  EXPECT_EQ(d.protocols,
            (std::vector<Protocol>{Protocol::http1, Protocol::http1, Protocol::http2}));
  EXPECT_EQ(d.streams, defaults::kHttp2Streams);
}

// The report's equivalent command asks for the same protocols and streams.
TEST(RunDescription, TheEquivalentCommandKeepsTheProtocols) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--http2", "-c", "40", "--streams", "8", "http://example.test/"},
           {"--http2", "--compare", "sync,async", "http://example.test/"},
           {"--compare", "async,async:h2", "--streams", "4", "http://example.test/"},
           {"--compare", "sync:h2,async", "http://example.test/"},
           {"--http2", "--sweep", "1,2,4", "http://example.test/"},
           {"--compare", "sync,async", "http://example.test/"}}) {
    const Options o = parse_command_line(args).options;
    const std::string command = equivalent_command(describe_run(o));
    SCOPED_TRACE(command);
    std::vector<std::string> words;
    for (std::size_t pos = 0; pos < command.size();) {
      const std::size_t end = std::min(command.find(' ', pos), command.size());
      words.push_back(command.substr(pos, end - pos));
      pos = end + 1;
    }
    ASSERT_EQ(words.front(), "httpbench");
    const Options back =
        parse_command_line(std::vector<std::string>(words.begin() + 1, words.end())).options;
    EXPECT_EQ(back.run_kinds(), o.run_kinds());
    EXPECT_EQ(back.streams_per_connection(RunKind{Mode::async, Protocol::http2}),
              o.streams_per_connection(RunKind{Mode::async, Protocol::http2}));
    EXPECT_EQ(back.compare, o.compare);
  }
  EXPECT_EQ(
      equivalent_command(describe_run(
          parse_command_line({"--compare", "async,async:h2", "http://example.test/"}).options)),
      "httpbench --compare async,async:h2 -n 200 -c 100 http://example.test/");
}
