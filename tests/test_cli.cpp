// Bad command lines end with exit code 2 and one line naming the problem, before any request.
#include "httpbench/cli.hpp"

#include <sys/resource.h>

#include <gtest/gtest.h>

#include "httpbench/error.hpp"
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
                      BadArgs{{"-n", "-5", kUrl}, "requests"},
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
                      BadArgs{{"--bogus", kUrl}, "bogus"},
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
  Outcome o = run_inprocess({"http://alice:s3cret@127.0.0.1:9/"});
  EXPECT_EQ(o.code, kExitUsage);
  EXPECT_EQ(o.err.find("s3cret"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("***"), std::string::npos) << o.err;
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
