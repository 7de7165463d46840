// The built-in server's HTTP/2, driven by Debian's own HTTP/2 clients: curl (with nghttp2), h2load
// and nghttp (nghttp2-client). h2c by prior knowledge beside HTTP/1.1 on one port, h2 by ALPN,
// a Unix socket, delayed streams that hold back no other, SETTINGS_MAX_CONCURRENT_STREAMS, GOAWAY
// after --h2-max-requests streams, request bodies, and the serve options on the command line.
#include "httpbench/serve/serve.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "httpbench/cli/cli.hpp"
#include "test_pki.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* kCurl = "/usr/bin/curl";
constexpr const char* kH2load = "/usr/bin/h2load";
constexpr const char* kNghttp = "/usr/bin/nghttp";

struct ToolOutcome {
  int code = -1;
  std::string out;
};

std::string quoted(const std::string& arg) {
  std::string q = "'";
  for (char c : arg)
    q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs a client to completion, bounded by coreutils' timeout; stdout and stderr together.
ToolOutcome run_tool(const std::vector<std::string>& args) {
  std::string command = "timeout 60";
  for (const std::string& a : args)
    command += " " + quoted(a);
  command += " 2>&1";
  ToolOutcome o;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return o;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
    o.out.append(buffer, n);
  const int status = ::pclose(pipe);
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return o;
}

// Skips the test when a client is not installed (scripts/install-deps.sh installs them).
#define REQUIRE_TOOL(path)                                                               \
  do {                                                                                   \
    if (::access(path, X_OK) != 0) GTEST_SKIP() << path << " is not installed: skipped"; \
  } while (false)

std::unique_ptr<Server> start(ServeOptions o) {
  o.port = 0;
  auto server = std::make_unique<Server>(o);
  server->start();
  return server;
}

// "<http version> <status> <body bytes>" of one request by curl, e.g. "2 200 2".
std::string curl_summary(const std::vector<std::string>& options, const std::string& url) {
  std::vector<std::string> args{
      kCurl, "-s", "-o", "/dev/null", "-w", "%{http_version} %{response_code} %{size_download}"};
  args.insert(args.end(), options.begin(), options.end());
  args.push_back(url);
  return run_tool(args).out;
}

// h2load's "requests:" line, e.g. "requests: 200 total, 200 started, 200 done, 200 succeeded,
// 0 failed, 0 errored, 0 timeout".
std::string h2load_requests(const ToolOutcome& o) {
  const auto at = o.out.find("requests: ");
  return at == std::string::npos ? o.out : o.out.substr(at, o.out.find('\n', at) - at);
}

std::string all_succeeded(int n) {
  return "requests: " + std::to_string(n) + " total, " + std::to_string(n) + " started, " +
         std::to_string(n) + " done, " + std::to_string(n) + " succeeded, 0 failed, 0 errored";
}

}  // namespace

TEST(ServeHttp2, H2cByPriorKnowledgeAndHttp11OnTheSamePort) {
  REQUIRE_TOOL(kCurl);
  auto server = start({});
  const std::string url = server->url() + "?size=100000&status=201";
  EXPECT_EQ(curl_summary({"--http2-prior-knowledge"}, url), "2 201 100000");
  EXPECT_EQ(curl_summary({"--http1.1"}, url), "1.1 201 100000");
  // The headers are HTTP/1.1's, lower case; HEAD gets them without the body.
  const ToolOutcome head = run_tool({kCurl, "-sI", "--http2-prior-knowledge", server->url()});
  EXPECT_EQ(head.code, 0) << head.out;
  EXPECT_NE(head.out.find("HTTP/2 200"), std::string::npos) << head.out;
  EXPECT_NE(head.out.find("content-length: 2\r\n"), std::string::npos) << head.out;
  EXPECT_NE(head.out.find("server: httpbench\r\n"), std::string::npos) << head.out;
  EXPECT_NE(head.out.find("content-type: text/plain\r\n"), std::string::npos) << head.out;
  // The query string means what it means over HTTP/1.1.
  const ToolOutcome redirect =
      run_tool({kCurl, "-sI", "--http2-prior-knowledge", server->url() + "?redirect=%2Felsewhere"});
  EXPECT_NE(redirect.out.find("HTTP/2 302"), std::string::npos) << redirect.out;
  EXPECT_NE(redirect.out.find("location: /elsewhere\r\n"), std::string::npos) << redirect.out;
  EXPECT_EQ(curl_summary({"--http2-prior-knowledge"}, server->url() + "?status=abc"),
            curl_summary({"--http1.1"}, server->url() + "?status=abc").replace(0, 3, "2"))
      << "a 400 with the reason as its body, as over HTTP/1.1";
  // httpbench's own HTTP/1.1 client goes past the preface check unchanged.
  const Outcome o = run_inprocess({"-n", "40", "-c", "4", "--json", server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_EQ(first_run(o).at("succeeded").as_int64(), 40);
}

TEST(ServeHttp2, H2loadCompletesEveryRequestOverManyStreams) {
  REQUIRE_TOOL(kH2load);
  auto server = start({});
  const ToolOutcome o = run_tool({kH2load, "-n", "200", "-c", "2", "-m", "10", server->url()});
  EXPECT_EQ(o.code, 0) << o.out;
  EXPECT_EQ(h2load_requests(o).rfind(all_succeeded(200), 0), 0u) << o.out;
  EXPECT_NE(o.out.find("status codes: 200 2xx"), std::string::npos) << o.out;
  EXPECT_EQ(server->requests_received(), 200u);
  EXPECT_EQ(server->connections_accepted(), 2u);
}

TEST(ServeHttp2, ADelayedStreamHoldsBackNoOtherStreamOfItsConnection) {
  REQUIRE_TOOL(kNghttp);
  auto server = start({});
  // One 3 s stream and 50 immediate ones, all at once on nghttp's one connection; -s prints when
  // each response ended ("+2.1ms", "+3.00s").
  std::vector<std::string> args{kNghttp, "-ns", server->url() + "?delay=3s"};
  for (int i = 0; i < 50; ++i)
    args.push_back(server->url() + "?n=" + std::to_string(i));
  const ToolOutcome o = run_tool(args);
  EXPECT_EQ(o.code, 0) << o.out;
  static const std::regex row(R"(\n\s*\d+\s+\+([0-9.]+)(us|ms|s)\s+\S+\s+\S+\s+200\s+\d+\s+(\S+))");
  int fast = 0;
  int slow = 0;
  for (auto it = std::sregex_iterator(o.out.begin(), o.out.end(), row);
       it != std::sregex_iterator(); ++it) {
    const double scale = (*it)[2] == "us" ? 1e-6 : (*it)[2] == "ms" ? 1e-3 : 1.0;
    const double seconds = std::stod((*it)[1]) * scale;
    if ((*it)[3].str().find("delay=3s") != std::string::npos) {
      ++slow;
      EXPECT_GE(seconds, 2.9) << o.out;
    } else {
      ++fast;
      // Large margin: the fast streams take milliseconds; held behind the slow one, 3 s.
      EXPECT_LT(seconds, 1.5) << (*it)[3] << "\n" << o.out;
    }
  }
  EXPECT_EQ(slow, 1) << o.out;
  EXPECT_EQ(fast, 50) << o.out;
  EXPECT_EQ(server->connections_accepted(), 1u);
  EXPECT_EQ(server->requests_received(), 51u);
}

TEST(ServeHttp2, MaxStreamsIsAdvertisedAndNeverExceeded) {
  REQUIRE_TOOL(kNghttp);
  REQUIRE_TOOL(kH2load);
  ServeOptions options;
  options.max_streams = 4;
  auto server = start(options);
  const ToolOutcome settings = run_tool({kNghttp, "-nv", server->url()});
  EXPECT_EQ(settings.code, 0) << settings.out;
  EXPECT_NE(settings.out.find("[SETTINGS_MAX_CONCURRENT_STREAMS(0x03):4]"), std::string::npos)
      << settings.out;
  // h2load asks for 10 streams at once and is held to 4; each stream takes 50 ms. The streams it
  // opened before the server's SETTINGS arrived, past the 4th, are refused (REFUSED_STREAM), and
  // h2load counts those as failed without retrying them.
  const ToolOutcome o =
      run_tool({kH2load, "-n", "40", "-c", "1", "-m", "10", server->url() + "?delay=50ms"});
  EXPECT_EQ(o.code, 0) << o.out;
  std::smatch m;
  const std::string line = h2load_requests(o);
  ASSERT_TRUE(std::regex_search(line, m, std::regex(R"(40 done, (\d+) succeeded, (\d+) failed)")))
      << o.out;
  EXPECT_GE(std::stoi(m[1]), 34) << o.out;
  EXPECT_LE(std::stoi(m[2]), 6) << o.out;
  EXPECT_LE(server->peak_in_flight(), 4u);
  EXPECT_GE(server->peak_in_flight(), 2u);
}

TEST(ServeHttp2, GoawayAfterH2MaxRequests) {
  REQUIRE_TOOL(kNghttp);
  REQUIRE_TOOL(kH2load);
  ServeOptions options;
  options.h2_max_requests = 50;
  auto server = start(options);
  // h2load, 10 streams at once on one connection: the first 50 are served, then the GOAWAY ends
  // the connection. h2load does not retry the streams above the GOAWAY's last stream (it counts
  // them failed), which is the gap httpbench's own client must not have.
  const ToolOutcome h2load = run_tool({kH2load, "-n", "200", "-c", "1", "-m", "10", server->url()});
  EXPECT_EQ(h2load.code, 0) << h2load.out;
  EXPECT_NE(h2load_requests(h2load).find(" 50 succeeded"), std::string::npos) << h2load.out;
  EXPECT_EQ(server->requests_received(), 50u);
  // The GOAWAY on the wire, NO_ERROR, after one stream with --h2-max-requests 1; the response
  // still arrives.
  ServeOptions one;
  one.h2_max_requests = 1;
  auto single = start(one);
  const ToolOutcome frames = run_tool({kNghttp, "-nv", single->url()});
  EXPECT_EQ(frames.code, 0) << frames.out;
  EXPECT_NE(frames.out.find(":status: 200"), std::string::npos) << frames.out;
  EXPECT_NE(frames.out.find("recv GOAWAY frame"), std::string::npos) << frames.out;
  EXPECT_NE(frames.out.find(", error_code=NO_ERROR(0x00)"), std::string::npos) << frames.out;
}

TEST(ServeHttp2, RequestBodiesFlowAndAreCounted) {
  REQUIRE_TOOL(kCurl);
  auto server = start({});
  // Larger than HTTP/2's default 64 KiB windows: it flows only with the server's large windows or
  // its WINDOW_UPDATEs.
  const std::string path = private_temp_path("h2_upload.bin");
  std::ofstream(path, std::ios::binary) << std::string(3 * 1024 * 1024, 'u');
  EXPECT_EQ(curl_summary({"--http2-prior-knowledge", "--data-binary", "@" + path}, server->url()),
            "2 200 2");
  EXPECT_EQ(server->request_body_bytes(), 3u * 1024 * 1024);
  std::remove(path.c_str());
}

TEST(ServeHttp2, H2OverTlsIsNegotiatedByAlpn) {
  REQUIRE_TOOL(kCurl);
  ServeOptions options;
  options.tls_cert = pki().cert();
  options.tls_key = pki().key();
  auto server = start(options);
  const std::string url = server->url() + "?size=5000";
  EXPECT_EQ(curl_summary({"--http2", "--cacert", pki().ca()}, url), "2 200 5000");
  EXPECT_EQ(curl_summary({"--http1.1", "--cacert", pki().ca()}, url), "1.1 200 5000");
  // No ALPN at all: HTTP/1.1.
  EXPECT_EQ(curl_summary({"--no-alpn", "--http1.1", "--cacert", pki().ca()}, url), "1.1 200 5000");
  if (::access(kH2load, X_OK) == 0) {
    const ToolOutcome o = run_tool({kH2load, "-n", "100", "-c", "2", "-m", "10", url});
    EXPECT_EQ(o.code, 0) << o.out;
    EXPECT_EQ(h2load_requests(o).rfind(all_succeeded(100), 0), 0u) << o.out;
    EXPECT_NE(o.out.find("Application protocol: h2"), std::string::npos) << o.out;
  }
}

TEST(ServeHttp2, UnixSocketSpeaksH2cToo) {
  REQUIRE_TOOL(kCurl);
  ServeOptions options;
  options.unix_socket = private_temp_path("h2.sock");
  auto server = start(options);
  EXPECT_EQ(curl_summary({"--http2-prior-knowledge", "--unix-socket", *options.unix_socket},
                         "http://localhost/?size=10"),
            "2 200 10");
  EXPECT_EQ(curl_summary({"--http1.1", "--unix-socket", *options.unix_socket},
                         "http://localhost/?size=10"),
            "1.1 200 10");
}

TEST(ServeHttp2, CloseAsksForAGoawayAfterTheResponse) {
  REQUIRE_TOOL(kNghttp);
  auto server = start({});
  const ToolOutcome o = run_tool({kNghttp, "-nv", server->url() + "?close=1"});
  EXPECT_EQ(o.code, 0) << o.out;
  EXPECT_NE(o.out.find(":status: 200"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("recv GOAWAY frame"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find(", error_code=NO_ERROR(0x00)"), std::string::npos) << o.out;
}

TEST(ServeHttp2, TheBinaryServesH2cWithItsStreamLimit) {
  REQUIRE_TOOL(kNghttp);
  Child serve({"serve", "--port", "0", "--max-streams", "8", "--h2-max-requests", "3"});
  const std::string line = serve.read_line(10s);
  std::smatch m;
  static const std::regex re(R"(^listening on (http://127\.0\.0\.1:\d+/)$)");
  ASSERT_TRUE(std::regex_match(line, m, re)) << line;
  const ToolOutcome o = run_tool({kNghttp, "-nv", m[1].str()});
  EXPECT_EQ(o.code, 0) << o.out;
  EXPECT_NE(o.out.find("[SETTINGS_MAX_CONCURRENT_STREAMS(0x03):8]"), std::string::npos) << o.out;
  serve.signal(SIGTERM);
  EXPECT_EQ(serve.wait(10s), 0);
}

TEST(ServeHttp2, ServeOptionsParseAndRefuseBadValues) {
  const CommandLine cl =
      parse_command_line({"serve", "--max-streams", "4", "--h2-max-requests", "1k"});
  EXPECT_EQ(cl.serve.max_streams, 4u);
  EXPECT_EQ(cl.serve.h2_max_requests, 1000u);
  const CommandLine defaults = parse_command_line({"serve"});
  EXPECT_EQ(defaults.serve.max_streams, 128u);
  EXPECT_EQ(defaults.serve.h2_max_requests, 0u);
  expect_usage_error({"serve", "--max-streams", "0"}, "--max-streams must be at least 1");
  expect_usage_error({"serve", "--max-streams", "3000000000"}, "--max-streams must be at most");
  expect_usage_error({"serve", "--h2-max-requests", "-1"},
                     "--h2-max-requests must not be negative");
  const std::string help = run_inprocess({"help", "serve"}).out;
  EXPECT_NE(help.find("--max-streams N"), std::string::npos) << help;
  EXPECT_NE(help.find("--h2-max-requests N"), std::string::npos) << help;
  EXPECT_NE(help.find("GOAWAY"), std::string::npos) << help;
}
