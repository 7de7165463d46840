// Bad command lines end with exit code 2 and one line naming the problem, before any request.
#include "httpbench/cli/cli.hpp"

#include <sys/resource.h>

#include <gtest/gtest.h>

#include <mutex>

#include "hostile_server.hpp"
#include "httpbench/stats/error.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;

namespace {

struct BadArgs {
  std::vector<std::string> args;
  const char* expected;  // a fragment of the message
};

void PrintTo(const BadArgs& b, std::ostream* os) {
  if (b.args.empty()) *os << "(no arguments)";
  for (const auto& a : b.args)
    *os << a << ' ';
}

class RejectsBadInput : public ::testing::TestWithParam<BadArgs> {};

}  // namespace

TEST_P(RejectsBadInput, ExitsTwoWithOneLine) {
  expect_usage_error(GetParam().args, GetParam().expected);
}

const std::string kUrl = "http://127.0.0.1:9/";

INSTANTIATE_TEST_SUITE_P(
    Cli, RejectsBadInput,
    ::testing::Values(BadArgs{{"-n", "0", kUrl}, "--requests must be at least 1"},
                      BadArgs{{"-c", "0", kUrl}, "--concurrency must be at least 1"},
                      BadArgs{{"-n", "-5", kUrl}, "--requests must be at least 1"},
                      BadArgs{{"-n", "1", "-n", "2", kUrl}, "--requests was given more than once"},
                      BadArgs{{kUrl, "-n"}, "--requests needs a value: --requests N"},
                      BadArgs{{"-n", "2m", kUrl}, "--requests: invalid number '2m': use M"},
                      BadArgs{{"-n", "1.2345k", kUrl}, "--requests: invalid number"},
                      BadArgs{{"-t", "x", kUrl}, "--threads: invalid number 'x'"},
                      BadArgs{{"-t", "0", kUrl}, "--threads must be at least 1"},
                      BadArgs{{"--follow", "x", kUrl}, "--follow: invalid number 'x'"},
                      BadArgs{{"--trials", "-2", kUrl}, "--trials must be at least 1"},
                      BadArgs{{"--warmup", "-5", kUrl}, "--warmup must not be negative"},
                      BadArgs{{"--warmup", "abc", kUrl}, "--warmup: invalid value 'abc'"},
                      BadArgs{{"-r", "0", kUrl}, "--rate must be greater than 0"},
                      BadArgs{{"-r", "fast", kUrl}, "--rate: invalid rate 'fast'"},
                      BadArgs{{"--compare", "sync,,async", kUrl}, "--compare: empty item"},
                      BadArgs{{"--json", "--format", "csv", kUrl}, "--json and --format"},
                      BadArgs{{"--interval", "1s", kUrl}, "--interval sets the timeline"},
                      BadArgs{{"merge"}, "merge: give one or more JSON result files"},
                      BadArgs{{"--json=maybe", kUrl}, "--json is a flag and takes no value"},
                      BadArgs{{kUrl, "--mode"}, "--mode needs a value: --mode sync|threads"},
                      BadArgs{{"serve", "--port", "-1"}, "--port must not be negative"},
                      BadArgs{{"-n", "abc", kUrl}, "--requests: invalid number 'abc'"},
                      BadArgs{{"-n", "1.5", kUrl}, "--requests"},
                      BadArgs{{"-c", "-1", kUrl}, "concurrency"},
                      BadArgs{{"--timeout", "5x", kUrl}, "--timeout: invalid duration '5x'"},
                      BadArgs{{"--timeout", "-1s", kUrl}, "--timeout"},
                      BadArgs{{"--timeout", "0", kUrl}, "--timeout must be greater than 0"},
                      BadArgs{{"--connect-timeout", "soon", kUrl}, "--connect-timeout"},
                      BadArgs{{}, "missing URL"}, BadArgs{{"-n", "5"}, "missing URL"},
                      BadArgs{{"ftp://127.0.0.1/"}, "unsupported scheme 'ftp'"},
                      BadArgs{{"http://"}, "malformed URL"},
                      BadArgs{{"--mode", "fast", kUrl}, "unknown mode 'fast'"},
                      BadArgs{{"--compare", "sync,sync", kUrl}, "listed twice"},
                      BadArgs{{"--compare", "async", kUrl}, "at least two modes"},
                      BadArgs{{"--bogus", kUrl}, "unknown option --bogus"},
                      BadArgs{{"http:/127.0.0.1/"}, "malformed URL 'http:/127.0.0.1/'"},
                      BadArgs{{"http://127.0.0.1:9/a b"}, "must be percent-encoded"},
                      BadArgs{{"-o", "/nonexistent-dir/x.json", kUrl}, "cannot write output"},
                      BadArgs{{"serve", "--port", "70000"}, "--port"},
                      BadArgs{{"serve", "--delay", "xyz"}, "--delay"}));

TEST(Cli, DefaultsMatchTheContract) {
  CommandLine cl = parse_command_line({"http://127.0.0.1:8080/"});
  EXPECT_EQ(cl.command, Command::bench);
  ASSERT_EQ(cl.options.modes.size(), 1u);
  EXPECT_EQ(cl.options.modes[0], Mode::async);
  EXPECT_EQ(cl.options.requests, 200u);
  EXPECT_EQ(cl.options.concurrency, 100u);
  EXPECT_TRUE(cl.options.keep_alive);
  EXPECT_EQ(cl.options.timeout, std::chrono::seconds(30));
  EXPECT_EQ(cl.options.connect_timeout, std::chrono::seconds(10));
  EXPECT_FALSE(cl.options.compare);
}

TEST(Cli, CompareDefaultsToSyncThenAsync) {
  CommandLine cl = parse_command_line({"-m", "compare", "--no-keep-alive", "http://h/"});
  EXPECT_TRUE(cl.options.compare);
  EXPECT_EQ(cl.options.modes, (std::vector<Mode>{Mode::sync, Mode::async}));
  EXPECT_FALSE(cl.options.keep_alive);
  cl = parse_command_line({"--compare", "threads,async,sync", "http://h/"});
  EXPECT_EQ(cl.options.modes, (std::vector<Mode>{Mode::threads, Mode::async, Mode::sync}));
}

TEST(Cli, HelpAndVersionExitZero) {
  Outcome help = run_inprocess({"--help"});
  EXPECT_EQ(help.code, kExitOk);
  EXPECT_NE(help.out.find("--concurrency"), std::string::npos);
  Outcome version = run_inprocess({"--version"});
  EXPECT_EQ(version.code, kExitOk);
  EXPECT_EQ(version.out.rfind("httpbench ", 0), 0u) << version.out;
}

TEST(Cli, CredentialsAndControlCharactersAreNeverEchoed) {
  // The URL is refused (the port), and its credentials are not in the message.
  Outcome o = run_inprocess({"http://alice:s3cret@127.0.0.1:99999/"});
  EXPECT_EQ(o.code, kExitUsage);
  EXPECT_EQ(o.err.find("s3cret"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("***"), std::string::npos) << o.err;
  o = run_inprocess({"alice:s3cret@127.0.0.1:99999/"});
  EXPECT_EQ(o.code, kExitUsage);
  EXPECT_EQ(o.err.find("s3cret"), std::string::npos) << o.err;
  o = run_inprocess({"http://127.0.0.1:9/a\nb\x1b[2J"});
  EXPECT_EQ(o.code, kExitUsage);
  EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
  EXPECT_EQ(o.err.find('\x1b'), std::string::npos) << o.err;
}

TEST(Cli, Ipv6LiteralAndSpacesInUrls) {
  EXPECT_EQ(run_inprocess({"http://127.0.0.1:9/a b"}).code, kExitUsage);
  CommandLine cl = parse_command_line({"http://[::1]:8080/"});
  EXPECT_EQ(cl.options.target.host, "::1");
}

TEST(Cli, ConcurrencyBeyondTheOpenFileLimitIsRefusedUpFront) {
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur > 900'000)
    GTEST_SKIP() << "no usable limit";
  Outcome o = run_inprocess(
      {"-c", std::to_string(limit.rlim_cur + 10), "-n", "1000000", "http://127.0.0.1:9/"});
  EXPECT_EQ(o.code, kExitUsage);
  EXPECT_NE(o.err.find("open files"), std::string::npos) << o.err;
  // A blocking client can hold two descriptors: its connection and one waiting for a FIN.
  o = run_inprocess({"--mode", "threads", "-c", std::to_string(limit.rlim_cur / 2 + 10), "-n",
                     "1000000", "http://127.0.0.1:9/"});
  EXPECT_EQ(o.code, kExitUsage);
  EXPECT_NE(o.err.find("open files"), std::string::npos) << o.err;
}

// Options that contradict each other, or one that no mode would use, are refused with one line
// naming both, instead of being ignored (issue 20, item 9).
INSTANTIATE_TEST_SUITE_P(
    Conflicts, RejectsBadInput,
    ::testing::Values(
        BadArgs{{"--mode", "sync", "--compare", "sync,async", kUrl},
                "--mode and --compare exclude each other"},
        BadArgs{{"--mode", "threads", "-t", "4", kUrl}, "-t/--threads"},
        BadArgs{{"--mode", "sync", "-t", "2", kUrl}, "--mode sync runs no async mode"},
        BadArgs{{"--compare", "sync,threads", "-t", "2", kUrl}, "--compare runs no async mode"},
        BadArgs{{"--mode", "sync", "-c", "50", kUrl},
                "-c/--concurrency 50 is not used by --mode sync"},
        BadArgs{{"-t", "1000", "-c", "100", kUrl}, "-t 1000 needs -c 1000 or more"},
        BadArgs{{"-t", "4", "-c", "6", "--shard", "0/2", kUrl},
                "-t 4 needs -c 4 or more per shard"},
        BadArgs{{"-X", "HEAD", "--body", "x", kUrl}, "-X HEAD and --body exclude each other"},
        BadArgs{{"-X", "head", "--body-file", "/etc/hostname", kUrl},
                "-X HEAD and --body-file exclude each other"},
        BadArgs{{"--body", "x", "--body-file", "/etc/hostname", kUrl},
                "--body and --body-file exclude each other"}));

TEST(Cli, CombinationsThatAreFine) {
  // compare with an explicit --mode compare; -c and -t where a mode uses them.
  EXPECT_NO_THROW(parse_command_line({"--mode", "compare", "--compare", "sync,async", kUrl}));
  EXPECT_NO_THROW(parse_command_line({"--compare", "sync,async", "-c", "4", "-t", "2", kUrl}));
  EXPECT_NO_THROW(parse_command_line({"--compare", "sync,threads", "-c", "4", "-t", "1", kUrl}));
  EXPECT_NO_THROW(parse_command_line({"-t", "4", "-c", "4", kUrl}));
  EXPECT_NO_THROW(parse_command_line({"--mode", "sync", kUrl}));
  EXPECT_NO_THROW(parse_command_line({"--mode", "sync", "-c", "1", kUrl}));  // what sync does
  EXPECT_NO_THROW(parse_command_line({"--sweep", "1,2,4", "-t", "2", kUrl}));
  EXPECT_NO_THROW(parse_command_line({"--interval", "100ms", "--json", kUrl}));
  EXPECT_NO_THROW(parse_command_line({"--json", "--format", "json", kUrl}));
}

TEST(Cli, ABodyWithoutAMethodIsAPostAsCurlDashD) {
  EXPECT_EQ(parse_command_line({"--body", "x", kUrl}).options.method, "POST");
  EXPECT_EQ(parse_command_line({"--body-file", "/etc/hostname", kUrl}).options.method, "POST");
  // An explicit method is kept, even GET.
  EXPECT_EQ(parse_command_line({"-X", "GET", "--body", "x", kUrl}).options.method, "GET");
  EXPECT_EQ(parse_command_line({"-X", "put", "--body", "x", kUrl}).options.method, "PUT");
  EXPECT_EQ(parse_command_line({kUrl}).options.method, "GET");
}

TEST(Cli, UrlWithoutASchemeIsHttpAsCurl) {
  Target t = parse_command_line({"127.0.0.1:18080"}).options.target;
  EXPECT_EQ(t.scheme, "http");
  EXPECT_EQ(t.host, "127.0.0.1");
  EXPECT_EQ(t.port, 18080);
  EXPECT_EQ(t.target, "/");
  t = parse_command_line({"localhost:8080/"}).options.target;
  EXPECT_EQ(t.host, "localhost");
  EXPECT_EQ(t.port, 8080);
  t = parse_command_line({"example.test/a/b?c=1"}).options.target;
  EXPECT_EQ(t.url(), "http://example.test/a/b?c=1");
  t = parse_command_line({"[::1]:9000/x"}).options.target;
  EXPECT_EQ(t.host, "::1");
  EXPECT_EQ(parse_command_line({"HTTPS://example.test/"}).options.target.scheme, "https");
}

TEST(Cli, UserinfoInTheUrlIsBasicAuthUnlessGivenOtherwise) {
  Options o = parse_command_line({"http://al%40ice:s3%3Acret@127.0.0.1:9/x"}).options;
  ASSERT_TRUE(o.basic_auth);
  EXPECT_EQ(*o.basic_auth, "al@ice:s3:cret");  // percent-decoded, as curl
  EXPECT_EQ(o.target.url(), "http://127.0.0.1:9/x");
  o = parse_command_line({"bob:pw@127.0.0.1:9/"}).options;
  EXPECT_EQ(o.basic_auth.value_or(""), "bob:pw");
  // --basic-auth wins over the URL, and so does a -H Authorization.
  o = parse_command_line({"--basic-auth", "carol:other", "http://bob:pw@127.0.0.1:9/"}).options;
  EXPECT_EQ(o.basic_auth.value_or(""), "carol:other");
  o = parse_command_line({"-H", "authorization: Bearer t", "http://bob:pw@127.0.0.1:9/"}).options;
  EXPECT_FALSE(o.basic_auth);
}

TEST(Cli, UserinfoIsSentAsBasicAuthAndNeverPrinted) {
  std::mutex mutex;
  std::vector<std::string> heads;
  HostileServer server([&](HostileConnection& c) {
    while (c.read_request()) {
      {
        std::lock_guard lock(mutex);
        heads.push_back(c.request_head());
      }
      if (!c.send(http_response(200, "ok"))) return;
    }
  });
  const std::string url = server.url();  // http://127.0.0.1:PORT/
  const std::string with_user = "http://al%40ice:s3cret@" + url.substr(7);
  Outcome o = run_inprocess({"-n", "2", "-c", "1", "--json", with_user});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_EQ(o.out.find("s3cret"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("http://***@127.0.0.1"), std::string::npos) << o.out;  // manifest
  Outcome text = run_inprocess({"-n", "2", "-c", "1", "al:s3cret@" + url.substr(7)});
  ASSERT_EQ(text.code, kExitOk) << text.err;
  EXPECT_EQ(text.out.find("s3cret"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Authorization: ***"), std::string::npos) << text.out;
  std::lock_guard lock(mutex);
  ASSERT_EQ(heads.size(), 4u);
  // base64("al@ice:s3cret") and base64("al:s3cret")
  EXPECT_NE(heads[0].find("\r\nAuthorization: Basic YWxAaWNlOnMzY3JldA==\r\n"), std::string::npos)
      << heads[0];
  EXPECT_NE(heads[3].find("\r\nAuthorization: Basic YWw6czNjcmV0\r\n"), std::string::npos)
      << heads[3];
  EXPECT_EQ(heads[0].find("s3cret"), std::string::npos);
  EXPECT_EQ(heads[0].rfind("GET / HTTP/1.1\r\n", 0), 0u) << heads[0];
}

TEST(Cli, ABodyAloneIsSentAsAPost) {
  std::mutex mutex;
  std::vector<std::string> heads;
  HostileServer server([&](HostileConnection& c) {
    while (c.read_request()) {
      {
        std::lock_guard lock(mutex);
        heads.push_back(c.request_head());
      }
      if (!c.read_body(5) || !c.send(http_response(200, "ok"))) return;
    }
  });
  Outcome o = run_inprocess({"-n", "1", "-c", "1", "--body", "hello", server.url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  std::lock_guard lock(mutex);
  ASSERT_EQ(heads.size(), 1u);
  EXPECT_EQ(heads[0].rfind("POST / HTTP/1.1\r\n", 0), 0u) << heads[0];
}

TEST(Cli, CountsAndRatesTakeKAndMAndListsAndChecksTakeSpaces) {
  Options o =
      parse_command_line({"-n", "1K", "-r", "1k", "-c", "1.5k", "--warmup", "2k", "--trials", "3",
                          "--check", "p99 < 50ms", "--compare", "sync, async", kUrl})
          .options;
  EXPECT_EQ(o.requests, 1000u);
  EXPECT_DOUBLE_EQ(o.rate, 1000);
  EXPECT_EQ(o.concurrency, 1500u);
  EXPECT_EQ(o.warmup_requests, 2000u);
  EXPECT_EQ(o.modes, (std::vector<Mode>{Mode::sync, Mode::async}));
  EXPECT_EQ(parse_command_line({"-n", "1M", kUrl}).options.requests, 1'000'000u);
  EXPECT_DOUBLE_EQ(parse_command_line({"-r", "2.5k", kUrl}).options.rate, 2500);
  // --warmup: m is minutes, as in every duration.
  EXPECT_EQ(parse_command_line({"--warmup", "1m", kUrl}).options.warmup_duration,
            std::chrono::minutes(1));
  EXPECT_EQ(parse_command_line({"--sweep", "1, 2, 4", kUrl}).options.sweep,
            (std::vector<std::uint64_t>{1, 2, 4}));
  // Bare durations are seconds everywhere.
  EXPECT_EQ(parse_command_line({"--timeout", "2", kUrl}).options.timeout, std::chrono::seconds(2));
  EXPECT_EQ(parse_command_line({"-d", "1.5", kUrl}).options.duration,
            std::chrono::milliseconds(1500));
}

TEST(Cli, ZeroAndNegativeCountsGetTheSameWords) {
  for (const char* option : {"-n", "-c", "-t", "--trials"}) {
    const Outcome zero = run_inprocess({option, "0", kUrl});
    const Outcome negative = run_inprocess({option, "-5", kUrl});
    EXPECT_EQ(zero.code, kExitUsage);
    EXPECT_EQ(zero.err, negative.err) << option;
  }
}

TEST(Cli, UnknownOptionsSuggestTheNearestOfTheirCommand) {
  expect_usage_error({"--reqests", "5", kUrl},
                     "unknown option --reqests (did you mean --requests?)");
  expect_usage_error({"--concurency", "5", kUrl}, "(did you mean --concurrency?)");
  expect_usage_error({"--jsno", kUrl}, "(did you mean --json?)");
  expect_usage_error({"--no-keepalive", kUrl}, "(did you mean --no-keep-alive?)");
  expect_usage_error({"serve", "--prot", "0"}, "unknown option --prot (did you mean --port?)");
  expect_usage_error({"merge", "--requir-complete", "a.json"},
                     "(did you mean --require-complete?)");
  // Nothing close: no guess. The value after the option is never echoed.
  Outcome o = run_inprocess({"--xyzzy=s3cret", kUrl});
  EXPECT_EQ(o.err, "httpbench: unknown option --xyzzy\n");
}

TEST(Cli, NoRawParserTextEver) {
  const std::vector<std::vector<std::string>> lines = {{"-n", "1", "-n", "2", kUrl},
                                                       {"-n"},
                                                       {"merge"},
                                                       {"-t", "x", kUrl},
                                                       {"--follow", "1x", kUrl},
                                                       {"--body", "x", "--body-file", "y", kUrl},
                                                       {"--json=maybe", kUrl},
                                                       {"--mode"},
                                                       {"serve", "--port"},
                                                       {"-c", "1", "-c", "2", kUrl}};
  for (const auto& args : lines) {
    Outcome o = run_inprocess(args);
    EXPECT_EQ(o.code, kExitUsage) << args.front();
    EXPECT_EQ(o.err.rfind("httpbench: ", 0), 0u) << o.err;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
    for (const char* raw : {"Could not convert", "At Most", "is required", "required TEXT",
                            "excludes", "not expected", "Expected exactly"}) {
      EXPECT_EQ(o.err.find(raw), std::string::npos) << o.err;
    }
  }
}

TEST(Cli, HelpSubcommandPrintsTheHelp) {
  const Outcome dashes = run_inprocess({"--help"});
  const Outcome word = run_inprocess({"help"});
  EXPECT_EQ(word.code, kExitOk);
  EXPECT_EQ(word.out, dashes.out);
  const Outcome serve = run_inprocess({"help", "serve"});
  EXPECT_EQ(serve.code, kExitOk);
  EXPECT_NE(serve.out.find("--max-concurrent"), std::string::npos) << serve.out;
  EXPECT_EQ(serve.out, run_inprocess({"serve", "--help"}).out);
  // Values are named in the help: "--requests N", not "TEXT".
  EXPECT_NE(dashes.out.find("--requests N"), std::string::npos) << dashes.out;
}

// ---- HTTP/2: --http2, --streams and mode:protocol entries ----

INSTANTIATE_TEST_SUITE_P(
    Http2, RejectsBadInput,
    ::testing::Values(
        BadArgs{{"--streams", "8", kUrl}, "--streams sets the HTTP/2 streams per connection"},
        BadArgs{{"--compare", "sync,async", "--streams", "8", kUrl},
                "no run is HTTP/2: add --http2"},
        BadArgs{{"--http2", "--streams", "0", kUrl}, "--streams must be at least 1"},
        BadArgs{{"--http2", "--mode", "sync", "--streams", "4", kUrl},
                "no async run is HTTP/2 (sync and threads send one stream at a time)"},
        BadArgs{{"--compare", "sync:h2,async", "--streams", "4", kUrl}, "no async run is HTTP/2"},
        BadArgs{{"--http2", "--streams", "-3", kUrl}, "--streams must be at least 1"},
        BadArgs{{"--http2", "--streams", "x", kUrl}, "--streams: invalid number 'x'"},
        BadArgs{{"--http2", "--http1.0", kUrl}, "--http2 and --http1.0 exclude each other"},
        BadArgs{{"--compare", "async,async:h2", "--http1.0", kUrl},
                "--compare entry 'async:h2' and --http1.0 exclude each other"},
        BadArgs{{"--http2", "--no-keep-alive", kUrl},
                "--http2 and --no-keep-alive exclude each other"},
        BadArgs{{"--http2", "--follow", "2", "--follow-cross-origin", kUrl},
                "--http2 and --follow-cross-origin exclude each other"},
        BadArgs{{"--http2", "--proxy", "http://127.0.0.1:3128", kUrl},
                "h2c (HTTP/2 over http://) cannot go through a proxy (--proxy)"},
        BadArgs{{"--compare", "sync,async:h2", "--proxy", "127.0.0.1:3128", kUrl},
                "--compare entry 'async:h2': h2c (HTTP/2 over http://) cannot go through a proxy"},
        BadArgs{{"--http2", "-H", "Connection: close", kUrl},
                "--header 'Connection': a connection-specific header"},
        BadArgs{{"--http2", "-H", "Upgrade: h2c", kUrl}, "--header 'Upgrade'"},
        BadArgs{{"--http2", "-H", "TE: gzip", kUrl}, "--header 'TE'"},
        BadArgs{{"--http2", "-c", "8", "--streams", "8", "-t", "2", kUrl},
                "-t 2 needs 2 HTTP/2 connections or more"},
        BadArgs{{"--compare", "async,async:h3", kUrl}, "--compare: unknown protocol 'h3'"},
        BadArgs{{"--compare", "async:h2,async:h2", kUrl}, "mode 'async:h2' is listed twice"},
        BadArgs{{"--http2", "--compare", "async,async:h2", kUrl},
                "mode 'async:h2' is listed twice"},
        BadArgs{{"--compare", "async,async:h1", kUrl}, "mode 'async' is listed twice"},
        BadArgs{{"--mode", "async:h2", kUrl}, "unknown mode 'async:h2'"},
        BadArgs{{"--http2", "--check", "sync:p99<1s", kUrl}, "mode 'sync:h2' is not run"},
        BadArgs{{"--compare", "sync,async", "--check", "async:h2:p99<1s", kUrl},
                "mode 'async:h2' is not run"},
        BadArgs{{"--compare", "async,async:h2", "--check", "async:h1:speedup>2", kUrl},
                "'async:h1' is the baseline of the comparison"},
        BadArgs{{"--check", "async:h9:p99<1s", kUrl}, "unknown protocol 'h9'"}));

TEST(Cli, Http2IsOffUnlessAsked) {
  const Options o = parse_command_line({kUrl}).options;
  EXPECT_FALSE(o.http2);
  EXPECT_FALSE(o.streams);
  EXPECT_FALSE(o.any_http2());
  EXPECT_EQ(o.protocol_of(0), Protocol::http1);
  EXPECT_EQ(o.streams_per_connection(RunKind{Mode::async, Protocol::http1}), 1u);
}

TEST(Cli, Http2AndStreams) {
  Options o = parse_command_line({"--http2", "-c", "40", "--streams", "8", kUrl}).options;
  EXPECT_TRUE(o.http2);
  EXPECT_EQ(o.streams, 8u);
  EXPECT_EQ(o.modes, std::vector<Mode>{Mode::async});
  EXPECT_EQ(o.protocol_of(0), Protocol::http2);
  EXPECT_EQ(o.streams_per_connection(RunKind{Mode::async, Protocol::http2}), 8u);
  // The blocking clients send one request at a time on a connection, whatever --streams says.
  EXPECT_EQ(o.streams_per_connection(RunKind{Mode::sync, Protocol::http2}), 1u);
  EXPECT_EQ(o.streams_per_connection(RunKind{Mode::threads, Protocol::http2}), 1u);
  EXPECT_EQ(o.streams_per_connection(RunKind{Mode::async, Protocol::http1}), 1u);
  // Without --streams: the default.
  o = parse_command_line({"--http2", kUrl}).options;
  EXPECT_FALSE(o.streams);
  EXPECT_EQ(o.streams_per_connection(RunKind{Mode::async, Protocol::http2}),
            defaults::kHttp2Streams);
}

TEST(Cli, CompareEntriesNameTheirProtocol) {
  Options o = parse_command_line({"--compare", "async,async:h2", kUrl}).options;
  EXPECT_EQ(o.modes, (std::vector<Mode>{Mode::async, Mode::async}));
  EXPECT_EQ(o.protocols, (std::vector<Protocol>{Protocol::http1, Protocol::http2}));
  EXPECT_FALSE(o.http2);
  EXPECT_TRUE(o.any_http2());
  // An entry without a protocol takes the run's: h2 with --http2.
  o = parse_command_line({"--http2", "--compare", "sync,async", kUrl}).options;
  EXPECT_EQ(o.protocols, (std::vector<Protocol>{Protocol::http2, Protocol::http2}));
  o = parse_command_line({"--http2", "--compare", "async:h1, async", kUrl}).options;
  EXPECT_EQ(o.protocols, (std::vector<Protocol>{Protocol::http1, Protocol::http2}));
  o = parse_command_line({"--compare", "sync:h2,async:h2", "--streams", "4", kUrl}).options;
  EXPECT_EQ(o.modes, (std::vector<Mode>{Mode::sync, Mode::async}));
  EXPECT_EQ(o.protocols, (std::vector<Protocol>{Protocol::http2, Protocol::http2}));
  EXPECT_EQ(o.streams, 4u);
  // Plain lists still read as before, over HTTP/1.x.
  o = parse_command_line({"--compare", "threads,async,sync", kUrl}).options;
  EXPECT_EQ(o.modes, (std::vector<Mode>{Mode::threads, Mode::async, Mode::sync}));
  EXPECT_FALSE(o.any_http2());
}

TEST(Cli, Http2CombinationsThatAreFine) {
  const std::string https = "https://127.0.0.1:9/";
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--http2", "-r", "100", "-d", "1s", "--warmup", "10", "--timeout", "2s", kUrl},
           {"--http2", "--trials", "3", "--compare", "sync,async", kUrl},
           {"--http2", "--sweep", "1,2,4", kUrl},
           {"--http2", "--check", "p99<1s", "--check", "async:errors<5", kUrl},
           {"--compare", "async,async:h2", "--check", "async:h2:p99<1s", "--check",
            "async:h2:speedup>1", kUrl},
           {"--http2", "--shard", "0/2", "-c", "4", kUrl},
           {"--http2", "--unix-socket", "/tmp/x.sock", kUrl},
           {"--http2", "--resolve", "example.test:80:127.0.0.1", "http://example.test/"},
           {"--http2", "-X", "PUT", "--body", "abc", "-H", "X-A: 1", "-H", "TE: trailers", kUrl},
           {"--http2", "--max-header-size", "64k", kUrl},
           {"--http2", "--proxy", "127.0.0.1:3128", https},  // h2 inside a CONNECT tunnel
           {"--http2", "--mode", "sync", kUrl},
           {"--http2", "--mode", "threads", "-c", "4", kUrl},
           {"--http2", "-c", "40", "--streams", "8", "-t", "5", kUrl},
           {"--compare", "sync,async:h2", "--streams", "1", kUrl}}) {
    std::vector<std::string> with_url = args;
    EXPECT_NO_THROW(parse_command_line(with_url)) << with_url.front() << " " << with_url[1];
  }
}

TEST(Cli, Http2WithAProxyFromTheEnvironmentThatApplies) {
  const auto env = [](const char* name) -> const char* {
    return std::string_view(name) == "http_proxy" ? "http://127.0.0.1:3128" : nullptr;
  };
  EXPECT_THROW(parse_command_line({"--http2", "--proxy-from-env", kUrl}, env), UsageError);
  // no_proxy exempts the target: no proxy applies, so h2c is fine.
  const auto exempt = [](const char* name) -> const char* {
    if (std::string_view(name) == "http_proxy") return "http://127.0.0.1:3128";
    if (std::string_view(name) == "no_proxy") return "127.0.0.1";
    return nullptr;
  };
  EXPECT_NO_THROW(parse_command_line({"--http2", "--proxy-from-env", kUrl}, exempt));
}

TEST(Cli, TheDemoComparesAsyncOverHttp1WithAsyncOverHttp2) {
  const CommandLine cl = parse_command_line({"demo"});
  ASSERT_EQ(cl.command, Command::demo);
  const std::vector<RunKind> kinds = cl.options.run_kinds();
  ASSERT_EQ(kinds.size(), 4u);
  EXPECT_EQ(kinds[0], (RunKind{Mode::sync, Protocol::http1}));
  EXPECT_EQ(kinds[1], (RunKind{Mode::threads, Protocol::http1}));
  EXPECT_EQ(kinds[2], (RunKind{Mode::async, Protocol::http1}));
  EXPECT_EQ(kinds[3], (RunKind{Mode::async, Protocol::http2}));
  EXPECT_TRUE(cl.options.compare);
  // Its options hold up once the server's URL is in (as run_demo validates them).
  Options o = cl.options;
  o.target = parse_target("http://127.0.0.1:9/");
  EXPECT_NO_THROW(o.validate());
}
