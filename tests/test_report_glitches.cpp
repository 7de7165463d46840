// Item 12 of the verdicts issue: the text says when no DNS lookup was made, a sync timeout names
// the --timeout deadline, a trials run shows one speedup everywhere, and the README's request
// example is what httpbench prints.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <boost/json/parse.hpp>

#include "httpbench/serve/serve.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

double num(const json::value& v) {
  return v.is_double() ? v.to_number<double>() : static_cast<double>(v.as_int64());
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

// An IP literal, --resolve and a Unix socket need no lookup: the text says which, the JSON has
// null; a name that is looked up still gets its time.
TEST(DnsLine, SaysWhenNoLookupWasMade) {
  auto server = start_server(0ms);
  const std::string port = std::to_string(server->port());
  Outcome ip = run_inprocess({"-n", "3", "-c", "1", server->url()});
  ASSERT_EQ(ip.code, kExitOk) << ip.err;
  EXPECT_NE(ip.out.find("no DNS lookup (IP address)\n"), std::string::npos) << ip.out;
  EXPECT_EQ(ip.out.find("DNS resolved"), std::string::npos) << ip.out;
  EXPECT_NE(ip.out.find("no lookup (IP address)"), std::string::npos) << ip.out;

  Outcome fixed =
      run_inprocess({"-n", "3", "-c", "1", "--json", "--resolve",
                     "bench.test:" + port + ":127.0.0.1", "http://bench.test:" + port + "/"});
  ASSERT_EQ(fixed.code, kExitOk) << fixed.err;
  const auto doc = json::parse(fixed.out);
  EXPECT_TRUE(doc.at("dns_ms").is_null()) << fixed.out;
  Outcome fixed_text =
      run_inprocess({"-n", "3", "-c", "1", "--resolve", "bench.test:" + port + ":127.0.0.1",
                     "http://bench.test:" + port + "/"});
  EXPECT_NE(fixed_text.out.find("no DNS lookup (--resolve)\n"), std::string::npos)
      << fixed_text.out;

  Outcome sweep = run_inprocess({"--sweep", "1,2", "-n", "4", server->url()});
  ASSERT_EQ(sweep.code, kExitOk) << sweep.err;
  EXPECT_NE(sweep.out.find("no DNS lookup (IP address)\n"), std::string::npos) << sweep.out;

  Outcome named = run_inprocess({"-n", "3", "-c", "1", "--json", "http://localhost:" + port + "/"});
  ASSERT_EQ(named.code, kExitOk) << named.err;
  EXPECT_TRUE(json::parse(named.out).at("dns_ms").is_number()) << named.out;
}

// A response that does not come within --timeout: every mode says it was the --timeout
// deadline, not the kernel's "Connection timed out" or Beast's "socket was closed".
TEST(TimeoutMessage, EveryModeNamesTheTimeoutDeadline) {
  auto server = start_server(0ms);
  for (const char* mode : {"sync", "threads", "async"}) {
    SCOPED_TRACE(mode);
    Outcome o = run_inprocess({"--mode", mode, "-n", "1", "-c", "1", "--timeout", "200ms", "--json",
                               server->url() + "?delay=2s"});
    EXPECT_EQ(o.code, kExitFailures) << o.err;
    const auto run = first_run(o);
    EXPECT_EQ(run.at("errors").at("timeout").as_int64(), 1);
    const std::string example(run.at("error_examples").at("timeout").as_string());
    EXPECT_EQ(example.find("Connection timed out"), std::string::npos) << example;
    EXPECT_NE(example.find("--timeout 200ms"), std::string::npos) << example;
  }
}

// --trials with --compare: the comparison table, the JSON comparison and the per-trial section
// give one speedup, the median of the per-trial ratios.
TEST(TrialsSpeedup, OneFigureEverywhere) {
  auto server = start_server(2ms);
  Outcome o = run_inprocess(
      {"--compare", "sync,async", "--trials", "3", "-n", "20", "-c", "4", "--json", server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const auto doc = json::parse(o.out);
  const double median = num(doc.at("trials").at("speedup").at("async").at("median"));
  EXPECT_DOUBLE_EQ(num(doc.at("comparison").at("speedup").at("async")), median);

  Outcome text = run_inprocess(
      {"--compare", "sync,async", "--trials", "3", "-n", "20", "-c", "4", server->url()});
  ASSERT_EQ(text.code, kExitOk) << text.err;
  // "2.93x faster, -65.9% wall time" in the table, "async 2.93x faster than sync" per pair.
  const auto table_at = text.out.find("x faster, -");
  const auto pair_at = text.out.find("x faster than sync");
  ASSERT_NE(table_at, std::string::npos) << text.out;
  ASSERT_NE(pair_at, std::string::npos) << text.out;
  const auto factor_before = [&](std::size_t at) {
    const std::size_t start = text.out.rfind(' ', at) + 1;
    return text.out.substr(start, at - start);
  };
  EXPECT_EQ(factor_before(table_at), factor_before(pair_at)) << text.out;
  EXPECT_NE(text.out.find("speedup: median of the 3 per-trial ratios"), std::string::npos)
      << text.out;
}

// The README's request example is what the text report prints for that request (no Accept: */*,
// which is never sent).
TEST(Readme, RequestExampleIsWhatIsPrinted) {
  const std::string readme = read_all(std::string(HTTPBENCH_SOURCE_DIR) + "/README.md");
  const std::size_t start = readme.find("request    POST /orders HTTP/1.1");
  ASSERT_NE(start, std::string::npos);
  const std::string example = readme.substr(start, readme.find("```", start) - start);
  EXPECT_EQ(example.find("Accept"), std::string::npos) << example;

  auto server = start_server(0ms);
  const std::string body = private_temp_path("readme.body");
  std::ofstream(body, std::ios::binary) << std::string(1 << 20, 'x');
  Outcome o = run_inprocess(
      {"-X", "POST", "--body-file", body, "--content-type", "application/json", "--basic-auth",
       "user:secret", "-H", "X-Request-Id: bench", "-n", "1", "-c", "1", server->url() + "orders"});
  std::remove(body.c_str());
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const std::size_t at = o.out.find("request    POST");
  ASSERT_NE(at, std::string::npos) << o.out;
  std::string printed = o.out.substr(at);
  // The README shows port 8080; the test server has its own.
  const std::string host = fmt::format("127.0.0.1:{}", server->port());
  printed.replace(printed.find(host), host.size(), "127.0.0.1:8080");
  printed.resize(example.size());
  EXPECT_EQ(printed, example);
}
