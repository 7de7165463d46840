// --baseline and --max-regression: verdicts from intervals or the noise band, both directions,
// and the exit code of a regression against a saved run of the built-in server.
#include "httpbench/report/baseline.hpp"

#include <gtest/gtest.h>

#include <cstdio>

#include <boost/json/parse.hpp>

#include "httpbench/codec/url.hpp"
#include "httpbench/serve/serve.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;
using namespace std::chrono_literals;

namespace {

Interval interval(double median, double low, double high) {
  Interval iv;
  iv.n = 5;
  iv.median = median;
  iv.low = low;
  iv.high = high;
  iv.confidence = 0.9375;
  return iv;
}

BaselineMode mode_figures(Mode mode, FigureValue rps, FigureValue p50, FigureValue p99) {
  BaselineMode m;
  m.mode = mode;
  m.rps = rps;
  m.p50 = p50;
  m.p99 = p99;
  return m;
}

const FigureChange& change_of(const BaselineComparison& c, BaselineFigure f) {
  for (const FigureChange& ch : c.changes) {
    if (ch.figure == f) return ch;
  }
  throw std::logic_error("figure missing");
}

}  // namespace

TEST(Baseline, IntervalsDecideWhenBothSidesHaveThem) {
  Baseline saved;
  saved.path = "saved.json";
  saved.modes.push_back(mode_figures(Mode::async, {1000, interval(1000, 950, 1050)},
                                     {10, interval(10, 9.5, 10.5)}, {20, interval(20, 18, 22)}));
  // rps 30% lower with disjoint intervals; p50 12% higher but overlapping; p99 40% lower.
  const std::vector<BaselineMode> now{mode_figures(Mode::async, {700, interval(700, 680, 720)},
                                                   {11.2, interval(11.2, 10.4, 12)},
                                                   {12, interval(12, 11, 13)})};
  const BaselineComparison c = compare_with_baseline(saved, now);
  const FigureChange& rps = change_of(c, BaselineFigure::rps);
  EXPECT_TRUE(rps.by_interval);
  EXPECT_TRUE(rps.worse);
  EXPECT_TRUE(rps.significant);
  EXPECT_EQ(rps.verdict, Verdict::slower);
  EXPECT_NEAR(rps.change_pct, -30, 1e-9);
  const FigureChange& p50 = change_of(c, BaselineFigure::p50);
  EXPECT_EQ(p50.verdict, Verdict::within_noise);
  EXPECT_FALSE(p50.significant);
  EXPECT_EQ(change_of(c, BaselineFigure::p99).verdict, Verdict::faster);

  // The p50 rise is beyond 10% but not significant, so only rps regresses.
  const auto worse = regressions(c, 10);
  ASSERT_EQ(worse.size(), 1u);
  EXPECT_EQ(worse[0].figure, BaselineFigure::rps);
  EXPECT_EQ(describe_change(worse[0]), "async rps 700.00 req/s vs baseline 1000.00 req/s (-30.0%)");
  EXPECT_TRUE(regressions(c, 35).empty());
}

TEST(Baseline, WithoutIntervalsANoiseBandDecides) {
  Baseline saved;
  saved.modes.push_back(mode_figures(Mode::sync, {100, {}}, {10, {}}, {20, {}}));
  saved.modes.push_back(mode_figures(Mode::async, {1000, {}}, {10, {}}, {20, {}}));
  const std::vector<BaselineMode> now{mode_figures(Mode::sync, {120, {}}, {10.3, {}}, {25, {}}),
                                      mode_figures(Mode::threads, {500, {}}, {10, {}}, {20, {}})};
  const BaselineComparison c = compare_with_baseline(saved, now);
  ASSERT_EQ(c.changes.size(), 3u);  // threads is not in the baseline
  EXPECT_EQ(change_of(c, BaselineFigure::rps).verdict, Verdict::faster);
  EXPECT_EQ(change_of(c, BaselineFigure::p50).verdict, Verdict::within_noise);  // +3%
  EXPECT_EQ(change_of(c, BaselineFigure::p99).verdict, Verdict::slower);        // +25%
  ASSERT_EQ(c.missing.size(), 1u);
  EXPECT_EQ(c.missing[0].mode, Mode::threads);
  EXPECT_EQ(c.missing[0].protocol, Protocol::http1);
  ASSERT_EQ(regressions(c, 10).size(), 1u);
  EXPECT_EQ(regressions(c, 10)[0].figure, BaselineFigure::p99);
}

TEST(Baseline, SlowerTargetFailsTheRegressionGateFasterPasses) {
  auto server = start_server(2ms);
  const std::string saved = private_temp_path("baseline.json");
  std::remove(saved.c_str());
  Outcome first = run_inprocess(
      {"-n", "20", "-c", "4", "--trials", "3", "-q", "--save-baseline", saved, server->url()});
  ASSERT_EQ(first.code, kExitOk) << first.err;

  // The same target answering 10x later: every trial is slower, so the intervals separate.
  // Another query is another target: --baseline-any says the comparison is meant.
  Outcome slower =
      run_inprocess({"-n", "20", "-c", "4", "--trials", "3", "--baseline", saved, "--baseline-any",
                     "--max-regression", "10%", server->url() + "?delay=20ms"});
  EXPECT_EQ(slower.code, kExitFailures) << slower.out << slower.err;
  EXPECT_NE(slower.out.find("Baseline (" + saved + ")"), std::string::npos) << slower.out;
  EXPECT_NE(slower.out.find("slower"), std::string::npos) << slower.out;
  EXPECT_NE(slower.err.find("httpbench: regression: async p50 "), std::string::npos) << slower.err;
  EXPECT_NE(slower.err.find(" vs baseline "), std::string::npos) << slower.err;
  EXPECT_NE(slower.err.find("more than the 10% allowed"), std::string::npos) << slower.err;

  // Saved from the slow target, the fast one is faster: no regression, exit 0.
  Outcome slow_base = run_inprocess({"-n", "20", "-c", "4", "--trials", "3", "-q",
                                     "--save-baseline", saved, server->url() + "?delay=20ms"});
  ASSERT_EQ(slow_base.code, kExitOk) << slow_base.err;
  Outcome faster =
      run_inprocess({"-n", "20", "-c", "4", "--trials", "3", "--json", "--baseline", saved,
                     "--baseline-any", "--max-regression", "10%", server->url()});
  EXPECT_EQ(faster.code, kExitOk) << faster.err;
  auto doc = boost::json::parse(faster.out).as_object();
  const auto& changes = doc.at("baseline").at("changes").as_array();
  ASSERT_EQ(changes.size(), 3u);
  for (const auto& c : changes) {
    EXPECT_EQ(c.at("verdict").as_string(), "faster") << c;
    EXPECT_TRUE(c.at("by_interval").as_bool());
  }
  std::remove(saved.c_str());
}

TEST(Baseline, UnreadableBaselineExitsTwoBeforeAnyRequest) {
  auto server = start_server(0ms);
  Outcome o = run_inprocess({"-n", "5", "--baseline", "/nonexistent/base.json", server->url()});
  EXPECT_EQ(o.code, kExitUsage);
  EXPECT_EQ(o.err, "httpbench: cannot read result file '/nonexistent/base.json'\n");
  Outcome gate = run_inprocess({"-n", "5", "--max-regression", "10%", server->url()});
  EXPECT_EQ(gate.code, kExitUsage);
  EXPECT_NE(gate.err.find("--max-regression needs --baseline"), std::string::npos);
  expect_usage_error({"-n", "5", "--baseline-any", server->url()},
                     "--baseline-any needs --baseline");
  EXPECT_EQ(server->requests_received(), 0u);
}

// A POST to another path at -c 8 is not judged against a GET baseline at -c 2: exit 2 before any
// request, one line naming every difference, saved value first; --baseline-any compares anyway.
TEST(Baseline, RefusesASavedRunOfAnotherShape) {
  auto server = start_server(0ms);
  const std::string saved = private_temp_path("baseline_shape.json");
  std::remove(saved.c_str());
  ASSERT_EQ(
      run_inprocess({"-n", "10", "-c", "2", "-q", "--save-baseline", saved, server->url()}).code,
      kExitOk);
  const std::uint64_t sent = server->requests_received();

  Outcome o = run_binary(
      {"-n", "10", "-c", "8", "-X", "POST", "--baseline", saved, server->url() + "other"});
  EXPECT_EQ(o.code, kExitUsage) << o.out << o.err;
  EXPECT_TRUE(o.out.empty()) << o.out;
  EXPECT_EQ(o.err, "httpbench: --baseline: saved run differs: target " + server->url() + " vs " +
                       server->url() +
                       "other, method GET vs POST, concurrency 2 vs 8 (use "
                       "--baseline-any to compare anyway)\n");
  EXPECT_EQ(server->requests_received(), sent);

  // Mode, rate and protocol each count too.
  expect_usage_error(
      {"-n", "5", "-c", "2", "--mode", "threads", "--baseline", saved, server->url()},
      "saved run differs: mode async vs threads (use --baseline-any");
  expect_usage_error({"-n", "5", "-c", "2", "--rate", "100", "--baseline", saved, server->url()},
                     "saved run differs: rate closed loop vs 100/s (use");
  expect_usage_error(
      {"-n", "5", "-c", "2", "--http1.0", "--no-keep-alive", "--baseline", saved, server->url()},
      "saved run differs: http version 1.1 vs 1.0, keep-alive on vs off (use");
  EXPECT_EQ(server->requests_received(), sent);

  // The same shape compares; so does another with --baseline-any.
  Outcome same = run_inprocess({"-n", "10", "-c", "2", "--baseline", saved, server->url()});
  EXPECT_EQ(same.code, kExitOk) << same.err;
  EXPECT_NE(same.out.find("Baseline (" + saved + ")"), std::string::npos) << same.out;
  Outcome any =
      run_inprocess({"-n", "10", "-c", "8", "--baseline", saved, "--baseline-any", server->url()});
  EXPECT_EQ(any.code, kExitOk) << any.err;
  EXPECT_NE(any.out.find("Baseline (" + saved + ")"), std::string::npos) << any.out;
  std::remove(saved.c_str());
}

// A file that does not record what the current run is (an older or edited file) is not taken to
// match: the missing key reads "(not recorded)", never a default.
TEST(Baseline, AnUnrecordedOptionIsADifference) {
  Baseline saved;
  saved.shape.url = "http://127.0.0.1:1/";
  saved.shape.method = "GET";
  saved.shape.modes = {Mode::async};
  saved.shape.rate = 0;
  saved.shape.http_version = "1.1";
  saved.shape.keep_alive = true;
  RunShape now;
  now.url = parse_target("http://127.0.0.1:1/").url();
  now.modes = {Mode::async};
  now.concurrency = 0;
  const auto d = baseline_differences(saved, now);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0], "concurrency (not recorded) vs 0");
  // Sync runs one request at a time whatever -c says: its concurrency is not compared.
  saved.shape.modes = {Mode::sync};
  now.modes = {Mode::sync};
  EXPECT_TRUE(baseline_differences(saved, now).empty());
}

// The protocol and HTTP/2 streams decide what a figure means, like the HTTP version.
TEST(Baseline, TheProtocolAndStreamsMustMatch) {
  Baseline saved;
  saved.shape.url = "http://127.0.0.1:1/";
  saved.shape.method = "GET";
  saved.shape.modes = {Mode::async};
  saved.shape.concurrency = 8;
  saved.shape.rate = 0;
  saved.shape.http_version = "1.1";
  saved.shape.keep_alive = true;
  // A file written before HTTP/2 records no protocol: its runs were HTTP/1.x.
  RunShape now;
  now.url = "http://127.0.0.1:1/";
  now.modes = {Mode::async};
  now.concurrency = 8;
  now.protocols = {Protocol::http1};
  EXPECT_TRUE(baseline_differences(saved, now).empty());
  now.protocols = {Protocol::http2};
  now.streams = 10;
  auto d = baseline_differences(saved, now);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0], "protocol async:h1 vs async:h2");
  EXPECT_EQ(d[1], "streams (not recorded) vs 10");
  saved.shape.protocols = {Protocol::http2};
  saved.shape.streams = 8;
  d = baseline_differences(saved, now);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0], "streams 8 vs 10");
  saved.shape.streams = 10;
  EXPECT_TRUE(baseline_differences(saved, now).empty());
  try {
    saved.shape.protocols = {Protocol::http1};
    require_like_baseline(saved, now);
    ADD_FAILURE() << "no error";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("protocol async:h1 vs async:h2"), std::string::npos)
        << e.what();
  }
}

// async over HTTP/1.1 and over HTTP/2 in one run are compared each with its own saved figures.
TEST(Baseline, RunsOfOneModeOverTwoProtocolsPairWithTheirOwn) {
  Baseline saved;
  BaselineMode h1 = mode_figures(Mode::async, {1000, {}}, {10, {}}, {20, {}});
  BaselineMode h2 = mode_figures(Mode::async, {2000, {}}, {5, {}}, {10, {}});
  h2.protocol = Protocol::http2;
  saved.modes = {h1, h2};
  BaselineMode now_h2 = mode_figures(Mode::async, {1000, {}}, {5, {}}, {10, {}});
  now_h2.protocol = Protocol::http2;
  const BaselineComparison c = compare_with_baseline(saved, {h1, now_h2});
  EXPECT_TRUE(c.labels_protocol);
  EXPECT_TRUE(c.missing.empty());
  ASSERT_EQ(c.changes.size(), 6u);
  // The HTTP/2 run's rps halved against its own saved figure, not the HTTP/1.1 one's.
  EXPECT_EQ(c.changes[3].protocol, Protocol::http2);
  EXPECT_EQ(c.changes[3].figure, BaselineFigure::rps);
  EXPECT_DOUBLE_EQ(c.changes[3].change_pct, -50);
  EXPECT_EQ(c.changes[0].protocol, Protocol::http1);
  EXPECT_DOUBLE_EQ(c.changes[0].change_pct, 0);
  EXPECT_EQ(describe_change(c.changes[3]).rfind("async:h2 rps 1000.00 req/s", 0), 0u)
      << describe_change(c.changes[3]);
  // An HTTP/2 run with no saved HTTP/2 figures is missing from the baseline.
  saved.modes = {h1};
  const BaselineComparison m = compare_with_baseline(saved, {h1, now_h2});
  ASSERT_EQ(m.missing.size(), 1u);
  EXPECT_EQ(m.missing[0], (RunKind{Mode::async, Protocol::http2}));
}
