// Verdicts a CI relies on: which responses succeed, what the headline throughput counts, when an
// open-loop run ends, what -q keeps, and how JSON writes numbers. Through the real binary where
// the exit code is the verdict.
#include "httpbench/stats/status_rule.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <regex>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "httpbench/engine/schedule.hpp"
#include "httpbench/report/json_text.hpp"
#include "httpbench/stats/error.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;
using namespace std::chrono_literals;

namespace {

boost::json::object run_of(const std::string& json) {
  return boost::json::parse(json).at("runs").as_array().at(0).as_object();
}

std::int64_t count(const boost::json::object& run, const char* key) {
  return run.at(key).as_int64();
}

}  // namespace

TEST(StatusRule, DefaultAccepts2xxAnd3xxOnly) {
  const StatusRule rule;
  EXPECT_TRUE(rule.accepts(200));
  EXPECT_TRUE(rule.accepts(204));
  EXPECT_TRUE(rule.accepts(302));
  EXPECT_FALSE(rule.accepts(199));
  EXPECT_FALSE(rule.accepts(404));
  EXPECT_FALSE(rule.accepts(407));
  EXPECT_FALSE(rule.accepts(503));
  EXPECT_TRUE(rule.is_default());
  EXPECT_EQ(rule.describe(), "200-399");
}

TEST(StatusRule, ParsesListsRangesAndClassesWithSpaces) {
  const StatusRule rule = StatusRule::parse("200, 204 ,300-302,4xx");
  EXPECT_TRUE(rule.accepts(200));
  EXPECT_FALSE(rule.accepts(201));
  EXPECT_TRUE(rule.accepts(204));
  EXPECT_TRUE(rule.accepts(301));
  EXPECT_FALSE(rule.accepts(303));
  EXPECT_TRUE(rule.accepts(404));
  EXPECT_TRUE(rule.accepts(499));
  EXPECT_FALSE(rule.accepts(500));
  EXPECT_FALSE(rule.is_default());
  EXPECT_EQ(rule.describe(), "200,204,300-302,400-499");
}

TEST(StatusRule, RefusesMalformedItemsNamingThem) {
  for (const char* bad : {"", "20", "2000", "299-200", "abc", "200,", "0xx", "2x"}) {
    try {
      StatusRule::parse(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("--ok-status"), std::string::npos) << e.what();
    }
  }
}

TEST(Verdicts, UnexpectedStatusesFailTheRunAndTheErrorBudget) {
  auto server = start_server();
  Outcome o =
      run_binary({"-n", "100", "-c", "5", "--check", "errors<1%", server->url() + "?status=503"});
  EXPECT_EQ(o.code, 1) << o.err;
  EXPECT_NE(o.out.find("failed     100 (status 100)"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("status     503: 100"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("FAIL  errors<1%"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("status 503 (accepted: 200-399; see --ok-status)"), std::string::npos)
      << o.out;
}

TEST(Verdicts, AProxyAuthenticationAnswerIsAFailureInEveryMode) {
  auto server = start_server();
  for (const char* mode : {"sync", "threads", "async"}) {
    Outcome o = run_binary(
        for_mode({"--mode", mode, "-n", "6", "-c", "2", "--json", server->url() + "?status=407"}));
    EXPECT_EQ(o.code, 1) << mode << ": " << o.err;
    const auto r = run_of(o.out);
    EXPECT_EQ(count(r, "succeeded"), 0) << mode;
    EXPECT_EQ(count(r, "failed"), 6) << mode;
    EXPECT_EQ(r.at("errors").at("status").as_int64(), 6) << mode;
    EXPECT_EQ(r.at("status_codes").at("407").as_int64(), 6) << mode;
    // Nothing succeeded: the headline rate is 0, the rate of all that ended is not.
    EXPECT_EQ(r.at("rps").to_number<double>(), 0.0) << mode;
    EXPECT_GT(r.at("total_rps").to_number<double>(), 0.0) << mode;
  }
}

TEST(Verdicts, OkStatusMakesAnAnswerASuccess) {
  auto server = start_server();
  Outcome o = run_binary({"-n", "20", "-c", "4", "--ok-status", "200-299, 503", "--check",
                          "errors<1%", server->url() + "?status=503"});
  EXPECT_EQ(o.code, 0) << o.err << o.out;
  EXPECT_NE(o.out.find("success: status 200-299,503"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("pass  errors<1%"), std::string::npos) << o.out;
  Outcome narrow = run_binary({"-n", "4", "--ok-status", "204", server->url()});
  EXPECT_EQ(narrow.code, 1) << narrow.out;
  Outcome bad = run_binary({"-n", "4", "--ok-status", "2000", server->url()});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--ok-status: invalid item '2000'"), std::string::npos) << bad.err;
}

// An errors check is the run's error budget: failures within it pass, beyond it fail.
TEST(Verdicts, AnErrorBudgetJudgesTheFailures) {
  auto server = start_server();
  const std::string u = server->url();
  const std::string file = private_temp_path("budget_urls.txt");
  {
    std::ofstream out(file);
    out << "GET " << u << "a\nGET " << u << "b\nGET " << u << "c\nGET " << u << "?status=500\n";
  }
  Outcome within = run_binary({"--urls", file, "-n", "40", "-c", "2", "--check", "errors<30%"});
  EXPECT_EQ(within.code, 0) << within.out;
  EXPECT_NE(within.out.find("failed     10 (status 10)"), std::string::npos) << within.out;
  Outcome beyond = run_binary({"--urls", file, "-n", "40", "-c", "2", "--check", "errors<20%"});
  EXPECT_EQ(beyond.code, 1) << beyond.out;
  // Without a budget any failure fails the run.
  Outcome none = run_binary({"--urls", file, "-n", "40", "-c", "2"});
  EXPECT_EQ(none.code, 1) << none.out;
}

TEST(Verdicts, ARefusedConnectionIsNoThroughput) {
  const std::string url = "http://127.0.0.1:" + std::to_string(unused_loopback_port()) + "/";
  Outcome o = run_binary({"-n", "50", "-c", "5", "--check", "rps>100", url});
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.out.find("0.00 req/s succeeded"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("FAIL  rps>100  (async 0.00 req/s)"), std::string::npos) << o.out;
}

TEST(Verdicts, CompareSpeedupCountsOnlySuccesses) {
  auto server = start_server(5ms);
  Outcome o = run_binary(
      {"--compare", "sync,async", "-n", "20", "-c", "10", "--json", server->url() + "?status=500"});
  EXPECT_EQ(o.code, 1);
  const auto doc = boost::json::parse(o.out).as_object();
  // Neither mode got a success: no speedup to claim.
  EXPECT_EQ(doc.at("comparison").at("speedup").at("async").to_number<double>(), 0.0) << o.out;
}

TEST(Verdicts, OpenLoopEndsAtItsDeadline) {
  auto server = start_server(10ms);
  const auto began = std::chrono::steady_clock::now();
  // 5000 req/s asked of 10 connections at 10 ms each: at most about 1000 req/s can start.
  Outcome o = run_binary({"-r", "5000", "-d", "1s", "-c", "10", "--json", server->url()}, 30s);
  const auto took = std::chrono::steady_clock::now() - began;
  EXPECT_EQ(o.code, 0) << o.err;
  // The old client went on sending the backlog for 10 s.
  EXPECT_LT(took, 5s);
  const auto r = run_of(o.out);
  EXPECT_LE(count(r, "after_deadline"), 10);
  EXPECT_GT(count(r, "dropped"), 2000);
  // Every request the schedule made due was sent or dropped: 5000 in the second.
  EXPECT_NEAR(static_cast<double>(count(r, "requests") + count(r, "dropped")), 5000, 2);
  EXPECT_EQ(count(r, "requests"), count(r, "succeeded") + count(r, "failed"));
  EXPECT_LT(r.at("elapsed_s").to_number<double>(), 2.5);
}

TEST(Verdicts, OpenLoopDropsWhatCannotStartWithinTheTimeout) {
  auto server = start_server(50ms);
  for (const char* mode : {"sync", "async"}) {
    const auto began = std::chrono::steady_clock::now();
    // One connection at 50 ms serves 20 req/s of the 1000 asked for: without a bound the last
    // request would start 15 s late.
    Outcome o = run_binary({"--mode", mode, "-r", "1000", "-n", "300", "-c", "1", "--timeout",
                            "200ms", "--json", server->url()},
                           30s);
    const auto took = std::chrono::steady_clock::now() - began;
    EXPECT_EQ(o.code, 0) << mode << ": " << o.err;
    EXPECT_LT(took, 4s) << mode;
    const auto r = run_of(o.out);
    EXPECT_EQ(count(r, "requests") + count(r, "dropped"), 300) << mode;
    EXPECT_GT(count(r, "dropped"), 250) << mode;
    // What was sent started within the timeout of its time, and its latency says so.
    EXPECT_LT(r.at("latency_ms").at("max").to_number<double>(), 200 + 50 + 50) << mode;
  }
  Outcome text =
      run_binary({"-r", "1000", "-n", "100", "-c", "1", "--timeout", "200ms", server->url()});
  EXPECT_NE(text.out.find("dropped    "), std::string::npos) << text.out;
}

TEST(Schedule, NothingStartsAfterTheDeadline) {
  Schedule s(Schedule::kUnlimited, 1s, 100, 30s);
  const auto t0 = Schedule::Clock::now();
  s.begin(t0);
  ASSERT_TRUE(s.intended(50, t0 + 900ms));
  // Request 50 was due at 0.5 s, but the deadline has passed.
  EXPECT_FALSE(s.intended(50, t0 + 1s));
  EXPECT_EQ(s.due_before(Schedule::Clock::time_point::max()), 100u);
  EXPECT_EQ(s.due_before(t0 + 505ms), 51u);
  EXPECT_EQ(s.dropped(60, std::nullopt), 40u);
}

TEST(Schedule, LateRequestsAreSkippedToTheFirstOnTime) {
  Schedule s(1000, std::nullopt, 100, 200ms);
  const auto t0 = Schedule::Clock::now();
  s.begin(t0);
  const auto now = t0 + 1s;
  EXPECT_TRUE(s.too_late(t0, now));
  EXPECT_FALSE(s.too_late(t0 + 850ms, now));
  // 0.8 s is request 80's time.
  EXPECT_EQ(s.first_on_time(now), 80u);
  EXPECT_EQ(s.dropped(0, std::nullopt), 1000u);
  Schedule closed(1000, std::nullopt, 0, 200ms);
  closed.begin(t0);
  EXPECT_FALSE(closed.too_late(t0, now));
  EXPECT_EQ(closed.dropped(0, std::nullopt), 0u);
}

TEST(Verdicts, QuietKeepsTheDataAskedFor) {
  auto server = start_server();
  Outcome json = run_binary({"-n", "5", "--json", "-q", server->url()});
  EXPECT_EQ(json.code, 0);
  EXPECT_EQ(count(run_of(json.out), "succeeded"), 5) << json.out;
  Outcome csv = run_binary({"-n", "5", "--format", "csv", "-q", server->url()});
  EXPECT_EQ(csv.code, 0);
  EXPECT_EQ(csv.out.rfind("mode,trial,requests", 0), 0u) << csv.out;
  Outcome text = run_binary({"-n", "5", "-q", server->url()});
  EXPECT_EQ(text.code, 0);
  EXPECT_TRUE(text.out.empty()) << text.out;
}

TEST(JsonText, NumbersArePlainDecimals) {
  boost::json::object o{{"a", 30.0},        {"b", 485.2678127061903}, {"c", 0.0}, {"d", 1.5e-7},
                        {"e", 1e20},        {"f", -2.5e-3},           {"g", 12},  {"h", "x1E5"},
                        {"i", 123456.789e3}};
  const std::string text = to_json_text(o);
  EXPECT_EQ(text, R"({"a":30,"b":485.2678127061903,"c":0,"d":0.00000015,"e":100000000000000000000,)"
                  R"("f":-0.0025,"g":12,"h":"x1E5","i":123456789})");
  // It reads back as the same numbers.
  const auto back = boost::json::parse(text).as_object();
  EXPECT_EQ(back.at("b").to_number<double>(), 485.2678127061903);
  EXPECT_EQ(back.at("d").to_number<double>(), 1.5e-7);
  EXPECT_EQ(back.at("e").to_number<double>(), 1e20);
}

// Every number of a real result, open loop and closed, without an exponent; what does not apply
// is null.
TEST(Verdicts, JsonResultsHaveNoENotation) {
  auto server = start_server();
  for (std::vector<std::string> extra : {std::vector<std::string>{"-n", "20"},
                                         std::vector<std::string>{"-r", "200", "-d", "300ms"}}) {
    std::vector<std::string> args = extra;
    args.insert(args.end(), {"--json", "-c", "2", server->url()});
    Outcome o = run_binary(args);
    ASSERT_EQ(o.code, 0) << o.err;
    // A digit, an E and an exponent outside a string.
    static const std::regex e_number(R"([0-9.][eE][+-]?[0-9])");
    std::string numbers;
    bool in_string = false;
    for (std::size_t i = 0; i < o.out.size(); ++i) {
      const char c = o.out[i];
      if (c == '"' && (i == 0 || o.out[i - 1] != '\\')) in_string = !in_string;
      numbers += in_string ? ' ' : c;
    }
    EXPECT_FALSE(std::regex_search(numbers, e_number)) << o.out.substr(0, 2000);
    const auto doc = boost::json::parse(o.out).as_object();
    EXPECT_EQ(doc.at("options").at("timeout_s").as_int64(), 30);
    if (extra.front() == "-n") {
      EXPECT_TRUE(doc.at("options").at("rate").is_null());
    } else {
      EXPECT_EQ(doc.at("options").at("rate").as_int64(), 200);
    }
  }
}
