// httpbench --http2 against the hostile HTTP/2 peer (hostile_h2_server.hpp), through the binary:
// every stream ends exactly once (requests = succeeded + failed, to the request), in the right
// error category (reset, protocol, timeout), retried where the issue says so (GOAWAY, refused
// streams), and every run ends within a bound. Written to issue 22's contract before the client.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <thread>

#include "hostile_h2_server.hpp"
#include "hostile_server.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* kCategories[] = {"connect", "timeout", "read",     "write", "protocol",
                                       "tls",     "status",  "redirect", "reset"};

struct H2Run {
  int code = -1;
  boost::json::object run;
  std::chrono::steady_clock::duration took{};
  std::string out;
  std::string err;

  std::int64_t get(const char* key) const { return run.at(key).as_int64(); }
  std::int64_t errors(const char* kind) const {
    return run.at("errors").as_object().at(kind).as_int64();
  }
  // The failures outside `kind`, all categories summed.
  std::int64_t errors_except(std::string_view kind) const {
    std::int64_t n = 0;
    for (const char* k : kCategories)
      if (k != kind) n += errors(k);
    return n;
  }
  // The one category holding every failure, or "" when they are spread (or there are none).
  std::string sole_category() const {
    for (const char* k : kCategories)
      if (get("failed") > 0 && errors(k) == get("failed")) return k;
    return "";
  }
};

// Runs the binary with --http2 --json on `url`, killed past `limit`; parses the first run and
// checks what holds for every HTTP/2 run: it says h2, and every request is accounted for.
H2Run run_h2(const std::string& url, std::vector<std::string> extra,
             std::chrono::milliseconds limit = 60s) {
  std::vector<std::string> args{"--http2", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(url);
  const auto start = std::chrono::steady_clock::now();
  Outcome o = run_binary(for_mode(args), limit);
  H2Run r;
  r.took = std::chrono::steady_clock::now() - start;
  r.code = o.code;
  r.out = o.out;
  r.err = o.err;
  if (o.code != kExitOk && o.code != kExitFailures) {
    ADD_FAILURE() << "exit " << o.code << " (-1: killed after " << limit.count()
                  << " ms): " << o.err;
    return r;
  }
  r.run = first_run(o);
  EXPECT_EQ(r.run.at("protocol").as_string(), "h2") << o.out;
  EXPECT_EQ(r.get("requests"), r.get("succeeded") + r.get("failed")) << o.out;
  return r;
}

// The peer's thread counts the client's last frames a moment after the client has gone.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 3s) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// The same hostile behaviour in every mode: async many streams per connection, threads and sync
// one at a time over the same codec.
class Http2Hostile : public ::testing::TestWithParam<const char*> {
 protected:
  H2Run run(const HostileH2Server& server, std::vector<std::string> extra,
            std::chrono::milliseconds limit = 60s) {
    std::vector<std::string> args{"--mode", GetParam()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_h2(server.url(), args, limit);
  }
  bool sync() const { return std::string(GetParam()) == "sync"; }
  bool async() const { return std::string(GetParam()) == "async"; }
};

}  // namespace

INSTANTIATE_TEST_SUITE_P(Modes, Http2Hostile, ::testing::Values("sync", "threads", "async"),
                         [](const auto& info) { return std::string(info.param); });

// The baseline: a peer that behaves. async packs -c over ceil(c / streams) connections.
TEST_P(Http2Hostile, WellBehavedPeerAllSucceed) {
  HostileH2Server server(H2Behaviour::well_behaved());
  auto r = run(server, {"-n", "120", "-c", "4"});
  ASSERT_EQ(r.code, kExitOk) << r.err << r.out;
  EXPECT_EQ(r.get("requests"), 120);
  EXPECT_EQ(r.get("succeeded"), 120);
  EXPECT_EQ(r.get("failed"), 0);
  EXPECT_EQ(r.get("connections"), static_cast<std::int64_t>(server.connections()));
  EXPECT_EQ(server.connections(), sync() ? 1u : async() ? 1u : 4u);
  EXPECT_EQ(server.completed(), 120u);
  EXPECT_EQ(server.violations(), 0u) << server.first_violation();
  // sync and threads: one stream at a time per connection.
  if (!async()) {
    EXPECT_EQ(server.max_open(), 1u);
  }
}

// RST_STREAM INTERNAL_ERROR mid-body on every second stream: those count as `reset`, the others
// succeed, and the connection carries on (no reconnect).
TEST_P(Http2Hostile, ResetMidBodyIsAResetAndTheConnectionStays) {
  H2Behaviour b = H2Behaviour::reset_every_other();
  b.body_size = 1000;
  HostileH2Server server(b);
  const std::int64_t n = sync() ? 40 : 200;
  auto r = run(server, {"-n", std::to_string(n), "-c", "4"});
  ASSERT_EQ(r.code, kExitFailures) << r.err << r.out;
  EXPECT_EQ(r.get("requests"), n);
  EXPECT_EQ(r.get("succeeded"), n / 2);
  EXPECT_EQ(r.get("failed"), n / 2);
  EXPECT_EQ(r.errors("reset"), n / 2) << r.out;
  EXPECT_EQ(r.errors_except("reset"), 0) << r.out;
  EXPECT_EQ(r.get("reconnects"), 0);
  EXPECT_EQ(r.get("connections"), static_cast<std::int64_t>(server.connections()));
  EXPECT_EQ(server.connections(), async() || sync() ? 1u : 4u);
  EXPECT_EQ(server.resets_sent(), static_cast<std::uint64_t>(n / 2));
}

// SETTINGS then GOAWAY(0) on every connection: nothing can be sent, so every request fails, in
// one clear category, soon (not at --timeout, not by retrying forever).
TEST_P(Http2Hostile, GoawayAtOnceFailsEveryRequestSoon) {
  HostileH2Server server(H2Behaviour::goaway_at_once());
  auto r = run(server, {"-n", "20", "-c", "4", "--timeout", "20s"}, 30s);
  ASSERT_EQ(r.code, kExitFailures) << r.err << r.out;
  EXPECT_EQ(r.get("requests"), 20);
  EXPECT_EQ(r.get("succeeded"), 0);
  EXPECT_EQ(r.get("failed"), 20);
  const std::string category = r.sole_category();
  EXPECT_NE(category, "") << r.out;
  EXPECT_NE(category, "timeout") << r.out;
  EXPECT_TRUE(r.run.at("error_examples").as_object().contains(category)) << r.out;
  EXPECT_LT(r.took, 10s);
  // Retrying a refused request on a new connection is allowed, a bounded number of times.
  EXPECT_LE(server.connections(), 20u * 4) << r.out;
  EXPECT_EQ(server.completed(), 0u);
}

// Like nginx's keepalive_requests: GOAWAY after 50 streams on each connection. The streams above
// its last-stream-id are retried on a new connection: no failure, counted as reconnects.
TEST_P(Http2Hostile, GoawayAfterFiftyStreamsLosesNothing) {
  HostileH2Server server(H2Behaviour::goaway_after(50));
  // async: 2 connections of 10 streams; threads: 4 connections; sync: 1. Each sees GOAWAYs.
  const std::int64_t n = sync() ? 150 : 500;
  std::vector<std::string> args{"-n", std::to_string(n), "-c", async() ? "20" : "4"};
  if (async()) args.insert(args.end(), {"--streams", "10"});
  auto r = run(server, args);
  ASSERT_EQ(r.code, kExitOk) << r.err << r.out;
  EXPECT_EQ(r.get("requests"), n);
  EXPECT_EQ(r.get("succeeded"), n);
  EXPECT_EQ(r.get("failed"), 0);
  // Only async has streams above the last id to retry; sync and threads, one stream at a time,
  // see the GOAWAY after their stream and open the next connection without any.
  if (async()) {
    // Each stream the peer saw above a GOAWAY's last id was retried (how many were in flight
    // then is timing; streams the GOAWAY stopped before they went out are retried too).
    EXPECT_GE(r.get("reconnects"),
              static_cast<std::int64_t>(server.streams() - server.completed()));
  } else {
    EXPECT_EQ(r.get("reconnects"), 0);
  }
  EXPECT_GE(server.connections(), static_cast<std::uint64_t>(n / 50));
  EXPECT_EQ(r.get("connections"), static_cast<std::int64_t>(server.connections()));
  EXPECT_EQ(server.completed(), static_cast<std::uint64_t>(n));
  EXPECT_EQ(server.violations(), 0u) << server.first_violation();
}

// SETTINGS_INITIAL_WINDOW_SIZE 0 and no WINDOW_UPDATE: a POST body over the 64 KiB a client may
// send before the SETTINGS can never finish. Each request times out at --timeout (and its stream
// is cancelled); the client never overruns the window.
TEST_P(Http2Hostile, WindowThatNeverOpensTimesOutEveryPost) {
  HostileH2Server server(H2Behaviour::window_never_opens());
  const std::int64_t n = sync() ? 3 : 8;
  // From a file: 128 KiB is over the kernel's limit for one command-line argument.
  const std::string body = private_temp_path("h2-window-body");
  std::ofstream(body) << std::string(128 * 1024, 'p');
  auto r = run(
      server,
      {"-n", std::to_string(n), "-c", "8", "--timeout", "1s", "-X", "POST", "--body-file", body},
      20s);
  ASSERT_EQ(r.code, kExitFailures) << r.err << r.out;
  EXPECT_EQ(r.get("failed"), n);
  EXPECT_EQ(r.errors("timeout"), n) << r.out;
  EXPECT_LT(r.took, sync() ? 8s : 5s);
  EXPECT_EQ(server.completed(), 0u);
  EXPECT_EQ(server.violations(), 0u) << server.first_violation();
  EXPECT_TRUE(eventually([&] {
    return server.cancels_received() == static_cast<std::uint64_t>(n);
  })) << server.cancels_received()
      << " RST_STREAM CANCEL of " << n;
}

// A frame that is a connection error (DATA on stream 0; SETTINGS of length 5): every stream of
// the connection fails as `protocol`, the client says GOAWAY (RFC 9113 §5.4.1) and goes on with a
// new connection, which the peer breaks the same way.
TEST_P(Http2Hostile, BadFrameIsAProtocolErrorForTheConnectionsStreams) {
  for (BadFrame bad : {BadFrame::data_on_stream_zero, BadFrame::settings_length_five}) {
    HostileH2Server server(H2Behaviour::bad_frame(bad));
    auto r = run(server, {"-n", "20", "-c", "4", "--timeout", "10s"}, 30s);
    ASSERT_EQ(r.code, kExitFailures) << r.err << r.out;
    EXPECT_EQ(r.get("failed"), 20);
    EXPECT_EQ(r.errors("protocol"), 20) << r.out;
    EXPECT_LT(r.took, 8s);
    EXPECT_EQ(server.completed(), 0u);
    EXPECT_TRUE(eventually([&] { return server.goaways_received() == server.connections(); }))
        << server.goaways_received() << " GOAWAY for " << server.connections() << " connections";
  }
}

// A response header block over --max-header-size (HEADERS + CONTINUATIONs) is `protocol`.
TEST_P(Http2Hostile, HeaderBlockOverTheLimitIsProtocol) {
  HostileH2Server server(H2Behaviour::huge_headers(20 * 1024));
  auto r = run(server, {"-n", "12", "-c", "4", "--max-header-size", "16k"});
  ASSERT_EQ(r.code, kExitFailures) << r.err << r.out;
  EXPECT_EQ(r.get("failed"), 12);
  EXPECT_EQ(r.errors("protocol"), 12) << r.out;
}

// The same CONTINUATIONs under the default limit (1 MiB) are read through.
TEST_P(Http2Hostile, HundredKilobytesOfHeadersInContinuationsAreAccepted) {
  HostileH2Server server(H2Behaviour::huge_headers(100 * 1024));
  auto r = run(server, {"-n", "8", "-c", "4"});
  ASSERT_EQ(r.code, kExitOk) << r.err << r.out;
  EXPECT_EQ(r.get("succeeded"), 8);
  EXPECT_GT(r.get("bytes_received"), 8 * 100 * 1024);
}

// Streams: async only (sync and threads have one stream per connection).

// The numbers of the issue: 200 requests, 20 in flight, 10 streams a connection = 2 connections.
TEST(Http2HostileAsync, TwentyInFlightOverTenStreamsIsTwoConnections) {
  HostileH2Server server(H2Behaviour::well_behaved());
  auto r = run_h2(server.url(), {"--mode", "async", "-n", "200", "-c", "20", "--streams", "10",
                                 "--timeout", "2s"});
  ASSERT_EQ(r.code, kExitOk) << r.err << r.out;
  EXPECT_EQ(r.get("succeeded"), 200);
  EXPECT_EQ(r.get("streams_per_connection"), 10);
  EXPECT_EQ(r.get("connections"), 2);
  EXPECT_EQ(server.connections(), 2u);
  EXPECT_LE(server.max_open(), 10u);
  EXPECT_EQ(server.violations(), 0u) << server.first_violation();
}

// Without --streams, HTTP/2 takes the documented default of 10 (defaults::kHttp2Streams).
TEST(Http2HostileAsync, DefaultStreamsPerConnectionIsTen) {
  HostileH2Server server(H2Behaviour::well_behaved());
  auto r = run_h2(server.url(), {"--mode", "async", "-n", "100", "-c", "20"});
  ASSERT_EQ(r.code, kExitOk) << r.err << r.out;
  EXPECT_EQ(r.get("streams_per_connection"), 10);
  EXPECT_EQ(r.get("connections"), 2);
}

// SETTINGS_MAX_CONCURRENT_STREAMS 4 below --streams 10: once the client knows the limit it never
// has more than 4 open (the peer refuses any over it, which the client would retry), uses all 4,
// and every request succeeds.
TEST(Http2HostileAsync, ServersMaxConcurrentStreamsIsRespected) {
  HostileH2Server server(H2Behaviour::max_streams(4));
  auto r = run_h2(server.url(), {"--mode", "async", "-n", "200", "-c", "20", "--streams", "10",
                                 "--timeout", "5s"});
  ASSERT_EQ(r.code, kExitOk) << r.err << r.out;
  EXPECT_EQ(r.get("succeeded"), 200);
  EXPECT_EQ(r.get("failed"), 0);
  EXPECT_EQ(server.max_open_after_ack(), 4u) << "refused " << server.refused();
  EXPECT_LE(server.max_open(), 10u);
  EXPECT_EQ(server.completed(), 200u);
}

// One stream never answered: it alone times out (and is cancelled with RST_STREAM CANCEL); the
// other 199 succeed on the same connections.
TEST(Http2HostileAsync, OneLateStreamDoesNotKillTheOthers) {
  HostileH2Server server(H2Behaviour::one_slow_stream(50));
  auto r = run_h2(
      server.url(),
      {"--mode", "async", "-n", "200", "-c", "20", "--streams", "10", "--timeout", "2s"}, 30s);
  ASSERT_EQ(r.code, kExitFailures) << r.err << r.out;
  EXPECT_EQ(r.get("requests"), 200);
  EXPECT_EQ(r.get("succeeded"), 199);
  EXPECT_EQ(r.get("failed"), 1);
  EXPECT_EQ(r.errors("timeout"), 1) << r.out;
  EXPECT_EQ(r.errors_except("timeout"), 0) << r.out;
  EXPECT_EQ(r.get("connections"), 2);
  EXPECT_EQ(server.connections(), 2u);
  EXPECT_GE(r.took, 2s);
  EXPECT_LT(r.took, 8s);
  EXPECT_TRUE(eventually([&] { return server.cancels_received() == 1; }))
      << server.cancels_received() << " RST_STREAM CANCEL";
}

// A server that answers the preface in HTTP/1.1: never a silent fallback. Every request fails in
// one category, no status is counted, exit 1.
TEST(Http2HostileAsync, HttpOneServerIsNotFallenBackTo) {
  HostileServer server([](HostileConnection& c) {
    while (c.read_request() && c.send(http_response(200, "ok"))) {
    }
  });
  auto r = run_h2(server.url(), {"--mode", "async", "-n", "10", "-c", "2", "--timeout", "5s"}, 30s);
  ASSERT_EQ(r.code, kExitFailures) << r.err << r.out;
  EXPECT_EQ(r.get("succeeded"), 0);
  EXPECT_EQ(r.get("failed"), 10);
  EXPECT_NE(r.sole_category(), "") << r.out;
  EXPECT_NE(r.sole_category(), "timeout") << r.out;
  EXPECT_TRUE(r.run.at("status_codes").as_object().empty()) << r.out;
  EXPECT_LT(r.took, 5s);
}
