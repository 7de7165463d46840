// The insight figures against servers set up to produce each condition: phases, achieved
// concurrency and a server that caps it, modes that did not do the same work, and a client
// starved of CPU reported as client-bound.
#include "httpbench/report/insight.hpp"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>

#include <atomic>
#include <thread>

#include <boost/json/parse.hpp>

#include "httpbench/serve/serve.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

std::unique_ptr<Server> start_limited_server(std::chrono::nanoseconds delay,
                                             std::uint64_t max_concurrent, bool shed) {
  ServeOptions o;
  o.port = 0;
  o.delay = delay;
  o.max_concurrent = max_concurrent;
  o.shed = shed;
  auto server = std::make_unique<Server>(o);
  server->start();
  return server;
}

double number(const json::value& v) {
  return v.is_double() ? v.get_double() : static_cast<double>(v.to_number<std::int64_t>());
}

bool has_note(const json::object& doc, const std::string& fragment) {
  for (const json::value& n : doc.at("notes").as_array()) {
    if (std::string_view(n.as_string()).find(fragment) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

TEST(Insight, PhasesShowWhereTheTimeWent) {
  auto server = start_server(20ms);
  Outcome o =
      run_inprocess({"--compare", "sync,async", "-n", "20", "-c", "5", "--json", server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const auto doc = json::parse(o.out).as_object();
  for (const json::value& v : doc.at("runs").as_array()) {
    const auto& phases = v.at("phases_ms").as_object();
    // The server's delay sits between the request and the first byte of the response.
    EXPECT_GE(number(phases.at("ttfb").at("mean")), 20.0);
    EXPECT_GE(number(phases.at("ttfb").at("p99")), number(phases.at("ttfb").at("p50")));
    EXPECT_LT(number(phases.at("body").at("mean")), 5.0);
    EXPECT_GT(number(phases.at("connect").at("mean")), 0.0);
    EXPECT_TRUE(phases.at("tls").is_null());
    // An IP literal: no lookup, so no DNS time (null, not a few microseconds of parsing).
    EXPECT_TRUE(phases.at("dns").is_null());
    EXPECT_TRUE(doc.at("dns_ms").is_null());
    // Keep-alive: every request either opened a connection or reused one.
    const auto& use = v.at("connection_use").as_object();
    EXPECT_EQ(use.at("opened").as_int64() + use.at("reused").as_int64(), 20);
    EXPECT_EQ(use.at("opened").as_int64(), v.at("connections").as_int64());
  }
  EXPECT_EQ(doc.at("runs").at(0).at("connection_use").at("opened").as_int64(), 1);
  EXPECT_EQ(doc.at("runs").at(1).at("connection_use").at("opened").as_int64(), 5);
  EXPECT_TRUE(doc.at("comparison").at("phase_deltas_ms").at("async").as_object().contains("ttfb"));

  Outcome fresh =
      run_inprocess({"-n", "10", "-c", "2", "--no-keep-alive", "--json", server->url()});
  ASSERT_EQ(fresh.code, kExitOk) << fresh.err;
  const auto run = first_run(fresh);
  EXPECT_EQ(run.at("connection_use").at("opened").as_int64(), 10);
  EXPECT_EQ(run.at("connection_use").at("reused").as_int64(), 0);
}

// A server that handles 4 requests at once, 50 ms each, behind 20 connections: the client keeps
// about 20 in flight (Little's law agrees), the server's parallelism comes out near 4, the
// speedup over sync is capped near 4, and the report says why.
TEST(Insight, AServerLimitedToFourCapsTheSpeedupAndIsNamed) {
  auto server = start_limited_server(50ms, 4, false);
  Outcome o =
      run_inprocess({"--compare", "sync,async", "-n", "40", "-c", "20", "--json", server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const auto doc = json::parse(o.out).as_object();
  EXPECT_EQ(server->peak_in_flight(), 4u);
  const auto& async = doc.at("runs").at(1).as_object();
  const auto& c = async.at("concurrency").as_object();
  EXPECT_EQ(c.at("requested").as_int64(), 20);
  EXPECT_EQ(c.at("achieved_peak").as_int64(), 20);
  const double mean = number(c.at("achieved_mean"));
  EXPECT_GT(mean, 10.0);
  EXPECT_LE(mean, 20.0);
  EXPECT_NEAR(number(c.at("littles_law")), mean, mean * 0.15);
  EXPECT_NEAR(number(c.at("server_parallelism")), 4.0, 0.6);
  EXPECT_NEAR(number(doc.at("comparison").at("speedup").at("async")), 4.0, 0.8);
  EXPECT_TRUE(has_note(doc, "the server handled at most about 4 requests at once")) << o.out;
  const auto& sync = doc.at("runs").at(0).as_object();
  EXPECT_EQ(sync.at("concurrency").at("achieved_peak").as_int64(), 1);
  EXPECT_NEAR(number(sync.at("concurrency").at("achieved_mean")), 1.0, 0.05);

  Outcome text = run_inprocess({"--compare", "sync,async", "-n", "40", "-c", "20", server->url()});
  ASSERT_EQ(text.code, kExitOk) << text.err;
  EXPECT_NE(text.out.find("Where the time went"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("note: async: the server handled at most about 4"), std::string::npos)
      << text.out;
}

// A server that sheds load (503 at once beyond 2 requests in flight): sync, one at a time, is
// always served; async gets mostly quick 503s. The speedup counts successful responses only, and
// the report warns that the modes did not do the same work.
TEST(Insight, QuickErrorsInOneModeAreNotSpeed) {
  auto server = start_limited_server(30ms, 2, true);
  Outcome o =
      run_inprocess({"--compare", "sync,async", "-n", "40", "-c", "10", "--json", server->url()});
  // The 503s are failures of category status.
  ASSERT_EQ(o.code, kExitFailures) << o.err;
  const auto doc = json::parse(o.out).as_object();
  const auto& sync = doc.at("runs").at(0).as_object();
  const auto& async = doc.at("runs").at(1).as_object();
  EXPECT_EQ(sync.at("status_codes").at("200").as_int64(), 40);
  ASSERT_TRUE(async.at("status_codes").as_object().contains("503"));
  EXPECT_GT(async.at("status_codes").at("503").as_int64(), 20);
  EXPECT_EQ(async.at("errors").at("status").as_int64(),
            async.at("status_codes").at("503").as_int64());
  const double raw = number(async.at("total_rps")) / number(sync.at("total_rps"));
  const double counted = number(doc.at("comparison").at("speedup").at("async"));
  EXPECT_GT(raw, 4.0);      // every response, errors included
  EXPECT_LT(counted, 3.0);  // two requests at once at most: about 2x
  EXPECT_TRUE(has_note(doc, "sync and async did not do the same work")) << o.out;
}

TEST(Insight, SameWorkGivesNoWarning) {
  auto server = start_server(5ms);
  Outcome o =
      run_inprocess({"--compare", "sync,async", "-n", "20", "-c", "4", "--json", server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_FALSE(has_note(json::parse(o.out).as_object(), "same work")) << o.out;
}

// HTTP/1.1 against HTTP/2 on the built-in server (h2c on the same port): the same responses, in
// fewer bytes over HTTP/2 (compressed headers); no note says they differ, and both succeed.
TEST(Insight, Http2AgainstHttp1IsTheSameWork) {
  auto server = start_server(5ms);
  Outcome o = run_inprocess(
      {"--compare", "async,async:h2", "-n", "40", "-c", "8", "--json", server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const auto doc = json::parse(o.out).as_object();
  EXPECT_EQ(doc.at("runs").at(1).at("protocol").as_string(), "h2");
  EXPECT_EQ(doc.at("runs").at(1).at("succeeded").as_int64(), 40);
  EXPECT_FALSE(has_note(doc, "same responses")) << o.out;
  EXPECT_FALSE(has_note(doc, "same work")) << o.out;
  EXPECT_GT(number(doc.at("comparison").at("speedup").at("async:h2")), 0);
}

// The client process pinned to one CPU at the lowest priority, beside a busy loop at normal
// priority on the same CPU: its event loop runs late, and the report says the figures measure
// httpbench rather than the server.
TEST(Insight, AClientStarvedOfCpuIsClientBound) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  ASSERT_EQ(::sched_getaffinity(0, sizeof allowed, &allowed), 0);
  int cpu = 0;
  while (cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &allowed))
    ++cpu;
  ASSERT_LT(cpu, CPU_SETSIZE);
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cpu, &one);

  auto server = start_server();
  std::atomic<bool> done{false};
  std::thread hog([&] {
    ::pthread_setaffinity_np(::pthread_self(), sizeof one, &one);
    volatile std::uint64_t spin = 0;
    while (!done.load(std::memory_order_relaxed))
      spin = spin + 1;
  });
  Child client(
      {"--mode", "async", "-c", "10", "-d", "1s", "--timeout", "10s", "--json", server->url()}, {},
      [&] {
        ::sched_setaffinity(0, sizeof one, &one);
        ::setpriority(PRIO_PROCESS, 0, 19);
      });
  const int code = client.wait(60s);
  done = true;
  hog.join();
  ASSERT_EQ(code, kExitOk) << client.err();
  const auto doc = json::parse(client.out()).as_object();
  const auto& c = doc.at("runs").at(0).at("client").as_object();
  EXPECT_TRUE(c.at("bound").as_bool()) << client.out();
  EXPECT_GE(number(c.at("loop_lag_ms").at("p99")), kClientBoundLagMs);
  EXPECT_TRUE(has_note(doc, "client-bound")) << client.out();
}

TEST(Insight, AnIdleClientIsNotClientBound) {
  auto server = start_server(20ms);
  Outcome o = run_inprocess({"--mode", "async", "-c", "4", "-n", "40", "--json", server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const auto c = first_run(o).at("client").as_object();
  EXPECT_LT(number(c.at("cpu_utilisation")), 0.5);
  EXPECT_EQ(c.at("threads").as_int64(), 1);
  EXPECT_FALSE(c.at("loop_lag_ms").is_null());
}

// What each model costs: CPU per request and the memory a mode added, per connection.
TEST(Insight, ResourceCostPerMode) {
  auto server = start_server(10ms);
  Outcome o = run_inprocess(
      {"--compare", "sync,threads,async", "-n", "100", "-c", "50", "--json", server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const auto doc = json::parse(o.out).as_object();
  for (const json::value& v : doc.at("runs").as_array()) {
    const auto& r = v.at("resources").as_object();
    EXPECT_GT(number(r.at("cpu_us_per_request")), 0.0);
    EXPECT_GT(number(r.at("rss_peak_kb")), 0.0);
    EXPECT_GE(number(r.at("rss_peak_kb")), number(r.at("rss_start_kb")));
  }
  // 50 threads, each with its own stack and client, cost more memory than 50 coroutines.
  const double threads = number(doc.at("runs").at(1).at("resources").at("rss_added_kb"));
  const double async = number(doc.at("runs").at(2).at("resources").at("rss_added_kb"));
  EXPECT_GT(threads, async) << o.out;
}

TEST(Insight, ClientLoadVerdict) {
  RunResult r;
  r.elapsed_s = 1;
  r.cpu_s = 0.95;
  EXPECT_TRUE(assess_client(r, 2).bound);
  r.cpu_s = 0.2;
  EXPECT_FALSE(assess_client(r, 2).bound);
  r.client_threads = 8;  // 8 threads on 2 cores can use at most 2 s of CPU per second
  r.cpu_s = 1.9;
  EXPECT_NEAR(assess_client(r, 2).cpu_utilisation, 0.95, 1e-9);
  r.client_threads = 1;
  r.cpu_s = 0.1;
  r.loop_lag_histogram.record(50'000'000);
  r.loop_lag = summarize_latency(r.loop_lag_histogram);
  EXPECT_TRUE(assess_client(r, 2).bound);
}
