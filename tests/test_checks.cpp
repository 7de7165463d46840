// --check: parsing (malformed expressions exit 2 before any request) and each kind of threshold
// passing and failing against the built-in server, with the exit code that follows.
#include "httpbench/report/checks.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "httpbench/cli/check_parser.hpp"
#include "httpbench/report/report.hpp"
#include "httpbench/serve/serve.hpp"
#include "httpbench/stats/error.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;
using namespace std::chrono_literals;

namespace {

struct CheckCase {
  std::vector<std::string> args;  // before the URL
  bool passes;
};

void PrintTo(const CheckCase& c, std::ostream* os) {
  for (const auto& a : c.args)
    *os << a << ' ';
}

class EveryCheckKind : public ::testing::TestWithParam<CheckCase> {};

}  // namespace

TEST(Checks, ParsesFiguresOperatorsAndUnits) {
  Check c = parse_check("p99<200ms");
  EXPECT_EQ(c.figure, CheckFigure::p99);
  EXPECT_EQ(c.op, CheckOp::less);
  EXPECT_DOUBLE_EQ(c.threshold, 200);
  EXPECT_DOUBLE_EQ(parse_check("p50<=1.5s").threshold, 1500);
  EXPECT_EQ(parse_check("p50<=1.5s").op, CheckOp::less_equal);
  EXPECT_DOUBLE_EQ(parse_check("mean<250us").threshold, 0.25);
  EXPECT_EQ(parse_check("p99.9<1s").figure, CheckFigure::p999);
  c = parse_check("rps>5k");
  EXPECT_EQ(c.figure, CheckFigure::rps);
  EXPECT_EQ(c.op, CheckOp::greater);
  EXPECT_DOUBLE_EQ(c.threshold, 5000);
  c = parse_check("errors<1%");
  EXPECT_EQ(c.figure, CheckFigure::errors_pct);
  EXPECT_DOUBLE_EQ(c.threshold, 1);
  EXPECT_EQ(parse_check("errors<5").figure, CheckFigure::errors);
  c = parse_check("async:speedup>=2.5x");
  EXPECT_EQ(c.figure, CheckFigure::speedup);
  EXPECT_EQ(c.op, CheckOp::greater_equal);
  EXPECT_EQ(c.mode, Mode::async);
  EXPECT_DOUBLE_EQ(c.threshold, 2.5);
  EXPECT_DOUBLE_EQ(parse_check("rps>1.5K").threshold, 1500);
  EXPECT_DOUBLE_EQ(parse_check("rps>1M").threshold, 1e6);
}

TEST(Checks, BlanksAroundThePartsAreAllowed) {
  Check c = parse_check("p99 < 50ms");
  EXPECT_EQ(c.figure, CheckFigure::p99);
  EXPECT_EQ(c.op, CheckOp::less);
  EXPECT_DOUBLE_EQ(c.threshold, 50);
  EXPECT_EQ(c.text, "p99 < 50ms");
  c = parse_check(" async : p50 <= 1.5s ");
  EXPECT_EQ(c.mode, Mode::async);
  EXPECT_EQ(c.op, CheckOp::less_equal);
  EXPECT_DOUBLE_EQ(c.threshold, 1500);
  EXPECT_EQ(parse_check("errors < 1 %").figure, CheckFigure::errors_pct);
  EXPECT_DOUBLE_EQ(parse_check("speedup >= 2 x").threshold, 2);
}

TEST(Checks, ABareLatencyIsRefusedWithTheUnitSuggested) {
  // Milliseconds or seconds? Every other duration option reads a bare number as seconds.
  for (const char* bare : {"p99<50", "mean<250", "max <= 1.5", "async:p50<0"}) {
    EXPECT_THROW(parse_check(bare), UsageError) << bare;
  }
  expect_usage_error({"--check", "p99<50", "http://127.0.0.1:9/"}, "write 50ms");
  expect_usage_error({"--check", "p99 < 50", "http://127.0.0.1:9/"}, "write 50ms");
}

// parse_checks takes the modes that will run and whether they are compared: a check must apply
// to one of them.
TEST(Checks, ParsingTakesTheModesThatRun) {
  const std::vector<Mode> compared = {Mode::sync, Mode::async};
  const auto message = [](const std::vector<std::string>& texts, const std::vector<Mode>& modes,
                          bool compare) -> std::string {
    try {
      parse_checks(texts, modes, compare);
    } catch (const UsageError& e) {
      return e.what();
    }
    return "(no error)";
  };
  EXPECT_EQ(message({"sync:p99<1s"}, {Mode::async}, false),
            "--check 'sync:p99<1s': mode 'sync' is not run");
  EXPECT_EQ(message({"speedup>2"}, compared, false),
            "--check 'speedup>2': speedup needs --mode compare");
  EXPECT_EQ(message({"sync:speedup>2"}, compared, true),
            "--check 'sync:speedup>2': 'sync' is the baseline of the comparison");
  const std::vector<Check> checks =
      parse_checks({"async:speedup>=2", "p99<1s", "errors<1%"}, compared, true);
  ASSERT_EQ(checks.size(), 3u);
  EXPECT_EQ(checks[0].text, "async:speedup>=2");
  EXPECT_EQ(checks[0].mode, Mode::async);
  EXPECT_EQ(checks[0].figure, CheckFigure::speedup);
  EXPECT_EQ(checks[1].figure, CheckFigure::p99);
  EXPECT_FALSE(checks[1].mode);
  EXPECT_DOUBLE_EQ(checks[1].threshold, 1000);
  EXPECT_EQ(checks[2].figure, CheckFigure::errors_pct);
  EXPECT_TRUE(parse_checks({}, {Mode::async}, false).empty());
}

// evaluate_checks reads the Report only: each mode's figure against the threshold, and the
// errors checks as the budget of the modes they apply to.
TEST(Checks, EvaluatedOnAReport) {
  Report report;
  for (Mode m : {Mode::sync, Mode::async}) {
    RunResult r;
    r.mode = m;
    r.requests = 100;
    r.succeeded = m == Mode::sync ? 100 : 98;
    r.failed = r.requests - r.succeeded;
    r.rps = m == Mode::sync ? 20 : 80;
    r.latency.p99 = m == Mode::sync ? 50 : 12.5;
    report.runs.push_back(r);
  }
  const std::vector<Check> checks =
      parse_checks({"p99<60ms", "async:p99<10ms", "rps>50", "errors<5%", "sync:errors<1"},
                   {Mode::sync, Mode::async}, false);
  const std::vector<CheckOutcome> outcomes = evaluate_checks(checks, report);
  ASSERT_EQ(outcomes.size(), 5u);
  EXPECT_TRUE(outcomes[0].passed);
  EXPECT_EQ(outcomes[0].expression, "p99<60ms");
  EXPECT_EQ(outcomes[0].detail, "sync 50.00ms, async 12.50ms");
  EXPECT_FALSE(outcomes[1].passed);
  EXPECT_EQ(outcomes[1].detail, "async 12.50ms");
  EXPECT_FALSE(outcomes[2].passed);
  EXPECT_EQ(outcomes[2].detail, "sync 20.00 req/s, async 80.00 req/s");
  EXPECT_TRUE(outcomes[3].passed);
  EXPECT_EQ(outcomes[3].detail, "sync 0.00% failed, async 2.00% failed");
  EXPECT_TRUE(outcomes[4].passed);
  EXPECT_EQ(outcomes[4].detail, "sync 0 failed");
  EXPECT_EQ(error_budget_modes(checks, {Mode::sync, Mode::async}),
            (std::vector<Mode>{Mode::sync, Mode::async}));
  EXPECT_EQ(error_budget_modes({checks[4]}, {Mode::sync, Mode::async}),
            (std::vector<Mode>{Mode::sync}));
}

TEST(Checks, MalformedExpressionsExitTwoBeforeAnyRequest) {
  auto server = start_server();
  for (const char* bad : {"p99", "p99<", "p98<200ms", "p99<fast", "rps>lots", "errors<150%",
                          "speedup>2", "fast:p99<1s", "threads:p99<1s", "p99=200ms"}) {
    Outcome o = run_inprocess({"-n", "5", "--check", bad, server->url()});
    EXPECT_EQ(o.code, kExitUsage) << bad;
    EXPECT_EQ(o.err.rfind(std::string("httpbench: --check '") + bad + "'", 0), 0u) << o.err;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
  }
  // The baseline of a comparison has no speedup over itself.
  Outcome o = run_inprocess(
      {"--compare", "sync,async", "-n", "5", "--check", "sync:speedup>1", server->url()});
  EXPECT_EQ(o.code, kExitUsage);
  EXPECT_NE(o.err.find("baseline"), std::string::npos) << o.err;
  EXPECT_EQ(server->requests_received(), 0u);
}

TEST_P(EveryCheckKind, PrintsPassOrFailAndSetsTheExitCode) {
  auto server = start_server(2ms);
  std::vector<std::string> args{"-n", "20", "-c", "5"};
  args.insert(args.end(), GetParam().args.begin(), GetParam().args.end());
  args.push_back(server->url());
  Outcome o = run_inprocess(args);
  const std::string expr = GetParam().args.back();
  EXPECT_EQ(o.code, GetParam().passes ? kExitOk : kExitFailures) << o.out << o.err;
  EXPECT_NE(o.out.find(std::string(GetParam().passes ? "  pass  " : "  FAIL  ") + expr),
            std::string::npos)
      << o.out;
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, EveryCheckKind,
    ::testing::Values(
        CheckCase{{"--check", "p99<10s"}, true}, CheckCase{{"--check", "p99<1us"}, false},
        CheckCase{{"--check", "p50>1ms"}, true}, CheckCase{{"--check", "max<=1ms"}, false},
        CheckCase{{"--check", "rps>1"}, true}, CheckCase{{"--check", "rps>1000000"}, false},
        CheckCase{{"--check", "errors<1%"}, true}, CheckCase{{"--check", "errors>0"}, false},
        CheckCase{{"--compare", "sync,async", "--check", "speedup>1.5"}, true},
        CheckCase{{"--compare", "sync,async", "--check", "speedup>1000"}, false},
        CheckCase{{"--compare", "sync,async", "--check", "async:rps>1"}, true},
        CheckCase{{"--compare", "sync,async", "--check", "sync:p99<1us"}, false}));

TEST(Checks, JsonCarriesEveryOutcomeAndFailuresGoToStderr) {
  auto server = start_server();
  Outcome o = run_inprocess(
      {"-n", "10", "-c", "2", "--json", "--check", "rps>1", "--check", "p99<1ns", server->url()});
  EXPECT_EQ(o.code, kExitFailures) << o.err;
  auto doc = boost::json::parse(o.out).as_object();
  const auto& checks = doc.at("checks").as_array();
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].at("expression").as_string(), "rps>1");
  EXPECT_TRUE(checks[0].at("passed").as_bool());
  EXPECT_GT(checks[0].at("values").at("async").to_number<double>(), 1.0);
  EXPECT_FALSE(checks[1].at("passed").as_bool());
  EXPECT_FALSE(doc.at("checks_passed").as_bool());
  EXPECT_EQ(doc.at("schema_version").as_int64(), 2);
  EXPECT_NE(o.err.find("httpbench: check failed: p99<1ns (async "), std::string::npos) << o.err;
}

TEST(Checks, FailedRequestsFailTheErrorRate) {
  auto server = start_server();
  const std::string url = server->url();
  server->stop();
  server.reset();
  Outcome o = run_inprocess({"-n", "3", "-m", "sync", "--json", "--check", "errors<1%", url});
  EXPECT_EQ(o.code, kExitFailures);
  auto doc = boost::json::parse(o.out).as_object();
  EXPECT_FALSE(doc.at("checks").as_array().at(0).at("passed").as_bool());
  EXPECT_DOUBLE_EQ(doc.at("checks").as_array().at(0).at("values").at("sync").to_number<double>(),
                   100.0);
}

// A scope names a run like a --compare entry: MODE or MODE:PROTOCOL.
TEST(Checks, ScopesNameAProtocol) {
  Check c = parse_check("async:h2:p99<20ms");
  EXPECT_EQ(c.mode, Mode::async);
  EXPECT_EQ(c.protocol, Protocol::http2);
  EXPECT_EQ(c.figure, CheckFigure::p99);
  EXPECT_DOUBLE_EQ(c.threshold, 20);
  c = parse_check(" async : h1 : errors < 5 ");
  EXPECT_EQ(c.mode, Mode::async);
  EXPECT_EQ(c.protocol, Protocol::http1);
  EXPECT_EQ(c.figure, CheckFigure::errors);
  // Without a protocol the scope is open until parse_checks gives it the run's.
  c = parse_check("async:p99<20ms");
  EXPECT_EQ(c.mode, Mode::async);
  EXPECT_FALSE(c.protocol);
  EXPECT_THROW(parse_check("async:h3:p99<20ms"), UsageError);
  EXPECT_THROW(parse_check("h2:p99<20ms"), UsageError);
}

TEST(Checks, EvaluatedPerProtocolWhenARunIsHttp2) {
  Report report;
  for (Protocol p : {Protocol::http1, Protocol::http2}) {
    RunResult r;
    r.mode = Mode::async;
    r.protocol = p;
    r.requests = 100;
    r.succeeded = p == Protocol::http1 ? 100 : 96;
    r.failed = r.requests - r.succeeded;
    r.rps = p == Protocol::http1 ? 50 : 100;
    r.latency.p99 = p == Protocol::http1 ? 40 : 10;
    report.runs.push_back(r);
  }
  const std::vector<RunKind> runs{{Mode::async, Protocol::http1}, {Mode::async, Protocol::http2}};
  const std::vector<Check> checks =
      parse_checks({"p99<60ms", "async:h2:p99<20ms", "async:p99<20ms", "async:h2:errors<5"}, runs,
                   true, Protocol::http1);
  const std::vector<CheckOutcome> outcomes = evaluate_checks(checks, report);
  ASSERT_EQ(outcomes.size(), 4u);
  EXPECT_TRUE(outcomes[0].passed);
  EXPECT_EQ(outcomes[0].detail, "async:h1 40.00ms, async:h2 10.00ms");
  ASSERT_EQ(outcomes[0].values.size(), 2u);
  EXPECT_EQ(outcomes[0].values[1].first, "async:h2");
  EXPECT_TRUE(outcomes[1].passed);
  EXPECT_EQ(outcomes[1].detail, "async:h2 10.00ms");
  // "async" is the async run of the run's protocol, HTTP/1.1 here.
  EXPECT_FALSE(outcomes[2].passed);
  EXPECT_EQ(outcomes[2].detail, "async:h1 40.00ms");
  EXPECT_TRUE(outcomes[3].passed);
  // The errors budget covers the HTTP/2 run only.
  EXPECT_EQ(error_budget_runs(checks, runs),
            (std::vector<RunKind>{{Mode::async, Protocol::http2}}));
  report.error_budget_runs = error_budget_runs(checks, runs);
  EXPECT_FALSE(report.any_failed_beyond_budget());
  report.runs[0].failed = 1;
  EXPECT_TRUE(report.any_failed_beyond_budget());
}

TEST(Checks, SpeedupOfAnHttp2RunOverTheHttp1One) {
  Report report;
  for (Protocol p : {Protocol::http1, Protocol::http2}) {
    RunResult r;
    r.mode = Mode::async;
    r.protocol = p;
    r.requests = r.succeeded = 100;
    r.elapsed_s = p == Protocol::http1 ? 2 : 1;
    set_rates(r);
    report.runs.push_back(r);
  }
  report.comparison = compare_runs(report.runs);
  const std::vector<RunKind> runs{{Mode::async, Protocol::http1}, {Mode::async, Protocol::http2}};
  const std::vector<CheckOutcome> outcomes = evaluate_checks(
      parse_checks({"async:h2:speedup>1.5", "speedup<1.5"}, runs, true, Protocol::http1), report);
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_TRUE(outcomes[0].passed) << outcomes[0].detail;
  EXPECT_EQ(outcomes[0].detail, "async:h2 2.00x");
  EXPECT_FALSE(outcomes[1].passed);
}
