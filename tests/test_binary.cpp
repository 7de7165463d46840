// The installed program as users run it: serve's first line, exit codes, Ctrl-C.
#include <signal.h>

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <regex>

#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;
using namespace std::chrono_literals;

namespace {

// Starts `httpbench serve --port 0 ...` and returns the child with the URL it printed.
std::pair<std::unique_ptr<Child>, std::string> start_serve(std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"serve", "--port", "0"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto child = std::make_unique<Child>(args);
  const std::string line = child->read_line(10s);
  std::smatch m;
  static const std::regex re(R"(^listening on (http://127\.0\.0\.1:\d+/)$)");
  if (!std::regex_match(line, m, re)) {
    ADD_FAILURE() << "unexpected first line: '" << line << "'";
    return {std::move(child), ""};
  }
  return {std::move(child), m[1].str()};
}

}  // namespace

TEST(Binary, ServePrintsItsUrlAndStopsOnSigterm) {
  auto [serve, url] = start_serve({"--delay", "1ms"});
  ASSERT_FALSE(url.empty());
  Outcome o = run_binary({"-n", "50", "-c", "5", url});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("[async] 50 requests"), std::string::npos) << o.out;
  serve->signal(SIGTERM);
  EXPECT_EQ(serve->wait(10s), 0);
}

TEST(Binary, FailuresExitOneAndSayWhy) {
  auto [serve, url] = start_serve();
  ASSERT_FALSE(url.empty());
  serve->signal(SIGTERM);
  ASSERT_EQ(serve->wait(10s), 0);
  Outcome o = run_binary({"-n", "3", "--mode", "sync", url});
  EXPECT_EQ(o.code, 1) << o.err;
  EXPECT_NE(o.out.find("failed     3 (connect 3)"), std::string::npos) << o.out;
}

TEST(Binary, UsageErrorExitsTwo) {
  Outcome o = run_binary({"-n", "0", "http://127.0.0.1:9/"});
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.err, "httpbench: --requests must be at least 1\n");
}

TEST(Binary, CtrlCPrintsAndWritesPartialResultsAndExits130) {
  auto [serve, url] = start_serve({"--delay", "20ms"});
  ASSERT_FALSE(url.empty());
  const std::string path = private_temp_path("interrupted.json");
  std::remove(path.c_str());
  Child run({"--mode", "sync", "-n", "100000", "-o", path, url});
  std::this_thread::sleep_for(700ms);
  const auto sent = std::chrono::steady_clock::now();
  run.signal(SIGINT);
  EXPECT_EQ(run.wait(10s), 130) << run.err();
  EXPECT_LT(std::chrono::steady_clock::now() - sent, 3s);
  EXPECT_NE(run.out().find("(interrupted)"), std::string::npos) << run.out();
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto doc = boost::json::parse(text).as_object();
  EXPECT_TRUE(doc.at("interrupted").as_bool());
  const auto& r = doc.at("runs").as_array().at(0).as_object();
  EXPECT_GT(r.at("succeeded").as_int64(), 5);
  EXPECT_LT(r.at("requests").as_int64(), 100000);
  EXPECT_EQ(r.at("requests").as_int64(), r.at("succeeded").as_int64() + r.at("failed").as_int64());
  serve->signal(SIGTERM);
  EXPECT_EQ(serve->wait(10s), 0);
}

TEST(Binary, CtrlCInAsyncModeAbandonsInFlightRequests) {
  auto [serve, url] = start_serve({"--delay", "10s"});
  ASSERT_FALSE(url.empty());
  Child run({"-n", "20", "-c", "20", "--json", url});
  std::this_thread::sleep_for(500ms);
  run.signal(SIGINT);
  EXPECT_EQ(run.wait(10s), 130) << run.err();
  auto r = boost::json::parse(run.out()).at("runs").as_array().at(0).as_object();
  EXPECT_EQ(r.at("aborted").as_int64(), 20);
  EXPECT_EQ(r.at("requests").as_int64(), 0);
  serve->signal(SIGTERM);
  EXPECT_EQ(serve->wait(10s), 0);
}

TEST(Binary, TwoGibibyteResponseIsStreamedInBoundedMemory) {
  auto [serve, url] = start_serve();
  ASSERT_FALSE(url.empty());
#ifdef HTTPBENCH_SANITIZED
  // Sanitized builds parse ten times slower; a smaller body still shows memory stays flat.
  const std::int64_t mib = 256;
#else
  const std::int64_t mib = 2048;
#endif
  Child run({"--mode", "async", "-n", "1", "--timeout", "100s", "--json",
             url + "?size=" + std::to_string(mib) + "m"});
  ASSERT_EQ(run.wait(110s), 0) << run.err();
  auto r = boost::json::parse(run.out()).at("runs").as_array().at(0).as_object();
  EXPECT_GT(r.at("bytes_received").as_int64(), mib << 20);
  // The body is counted as it streams, never kept: a few MiB of buffers, not 2 GiB. (ASan
  // builds carry their own shadow memory, hence the generous bound.)
  EXPECT_LT(run.max_rss_kb(), 256 * 1024) << run.max_rss_kb() << " KiB";
  serve->signal(SIGTERM);
  EXPECT_EQ(serve->wait(10s), 0);
}

TEST(Binary, CtrlCInThreadsModeStillWritesTheResults) {
  auto [serve, url] = start_serve({"--delay", "10s"});
  ASSERT_FALSE(url.empty());
  Child run({"--mode", "threads", "-n", "8", "-c", "8", "--json", url});
  std::this_thread::sleep_for(500ms);
  const auto sent = std::chrono::steady_clock::now();
  run.signal(SIGINT);
  EXPECT_EQ(run.wait(10s), 130) << run.err();
  // One thread gets the signal; the other seven sleep in their reads, 100 ms at a time.
  EXPECT_LT(std::chrono::steady_clock::now() - sent, 3s);
  auto r = boost::json::parse(run.out()).at("runs").as_array().at(0).as_object();
  EXPECT_EQ(r.at("aborted").as_int64(), 8);
  serve->signal(SIGTERM);
  EXPECT_EQ(serve->wait(10s), 0);
}

// Issue 20, items 9-11, through the real binary: conflicts and bad input exit 2 with one line
// (nothing on stdout, no parser text); curl's conventions run.
TEST(Binary, ConflictsAndBadInputExitTwoWithOneLineNamingTheOptions) {
  const std::string url = "http://127.0.0.1:9/";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--mode", "sync", "--compare", "sync,async", url},
       "httpbench: --mode and --compare exclude each other"},
      {{"--mode", "threads", "-t", "4", url}, "httpbench: -t/--threads sets the event loops"},
      {{"--mode", "sync", "-c", "50", url},
       "httpbench: -c/--concurrency 50 is not used by --mode sync"},
      {{"-t", "1000", "-c", "100", url}, "httpbench: -t 1000 needs -c 1000 or more"},
      {{"-X", "HEAD", "--body", "x", url}, "httpbench: -X HEAD and --body exclude each other"},
      {{"--reqests", "5", url}, "httpbench: unknown option --reqests (did you mean --requests?)"},
      {{"-n", "1", "-n", "2", url}, "httpbench: --requests was given more than once"},
      {{"-n", "-5", url}, "httpbench: --requests must be at least 1"},
      {{"--check", "p99<50", url}, "httpbench: --check 'p99<50': a latency needs a unit"},
      {{"-t", "many", url}, "httpbench: --threads: invalid number 'many'"},
  };
  for (const auto& [args, start] : cases) {
    Outcome o = run_binary(args);
    EXPECT_EQ(o.code, 2) << start;
    EXPECT_TRUE(o.out.empty()) << o.out;
    EXPECT_EQ(o.err.rfind(start, 0), 0u) << o.err;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
  }
}

TEST(Binary, HelpAsAWordExitsZero) {
  Outcome word = run_binary({"help"});
  EXPECT_EQ(word.code, 0) << word.err;
  EXPECT_EQ(word.out, run_binary({"--help"}).out);
  EXPECT_NE(word.out.find("--requests N"), std::string::npos) << word.out;
}

TEST(Binary, UrlWithoutSchemeAndWithUserinfoRunAsCurlWouldAndHideTheSecret) {
  auto [serve, url] = start_serve();
  ASSERT_FALSE(url.empty());
  const std::string bare = url.substr(std::string("http://").size());  // 127.0.0.1:PORT/
  Outcome o = run_binary({"-n", "5", "-c", "1", bare});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("[async] 5 requests"), std::string::npos) << o.out;
  o = run_binary({"-n", "3", "-c", "1", "--json", "-r", "1k", "al:s3cret@" + bare});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ((o.out + o.err).find("s3cret"), std::string::npos) << o.out;
  auto doc = boost::json::parse(o.out).as_object();
  EXPECT_EQ(doc.at("runs").as_array().at(0).at("succeeded").as_int64(), 3);
  const auto& command = doc.at("manifest").at("command_line").as_array();
  EXPECT_EQ(command.back().as_string(), "***@" + bare);
  // A body alone is a POST (the built-in server answers any method alike).
  o = run_binary({"-n", "2", "-c", "1", "--body", "x", "--json", url});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(boost::json::parse(o.out).at("options").at("method").as_string(), "POST");
  serve->signal(SIGTERM);
  EXPECT_EQ(serve->wait(10s), 0);
}
