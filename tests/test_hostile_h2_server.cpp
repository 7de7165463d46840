// The hostile HTTP/2 peer itself, checked with HTTP/2 clients that are not httpbench: Debian's
// nghttp (nghttp2-client) and curl. Each behaviour shows up in the frames nghttp prints, so the
// peer is known right before it is used against httpbench. Skipped, saying so, where the tools are
// not installed.
#include "hostile_h2_server.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "test_support.hpp"

extern char** environ;

using namespace httpbench::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* kNghttp = "/usr/bin/nghttp";
constexpr const char* kCurl = "/usr/bin/curl";

struct ToolRun {
  int code = -1;  // exit code; -1 when killed past the time limit
  std::string out;
  std::chrono::steady_clock::duration took{};
};

// Runs `argv` (argv[0] an absolute path) with stdout and stderr in one file, killing it after
// `limit`.
ToolRun run_tool(std::vector<std::string> argv, std::chrono::milliseconds limit = 10s) {
  const std::string out_path = private_temp_path("tool.out");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::vector<char*> args;
  for (auto& a : argv)
    args.push_back(a.data());
  args.push_back(nullptr);
  ToolRun r;
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return r;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() - start > limit) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      status = -1;
      break;
    }
    std::this_thread::sleep_for(5ms);
  }
  r.took = std::chrono::steady_clock::now() - start;
  if (status >= 0 && WIFEXITED(status)) r.code = WEXITSTATUS(status);
  std::ifstream in(out_path);
  r.out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return r;
}

// The peer's thread counts the client's last frames a moment after the client has gone.
template <class Pred>
bool eventually(Pred pred) {
  const auto until = std::chrono::steady_clock::now() + 3s;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

class H2Peer : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kNghttp, X_OK) != 0 || ::access(kCurl, X_OK) != 0) {
      GTEST_SKIP() << "nghttp (Debian: nghttp2-client) or curl not installed: the HTTP/2 peer's "
                      "own checks skipped";
    }
  }
  // nghttp with prior knowledge over TCP; --no-dep: no PRIORITY frames, streams from 1.
  static ToolRun nghttp(const HostileH2Server& server, std::vector<std::string> extra,
                        std::chrono::milliseconds limit = 10s) {
    std::vector<std::string> argv{kNghttp, "--no-dep"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(server.url());
    return run_tool(argv, limit);
  }
  static std::string body_file(std::size_t bytes) {
    const std::string path = private_temp_path("h2peer.body");
    std::ofstream(path, std::ios::trunc) << std::string(bytes, 'p');
    return path;
  }
};

}  // namespace

TEST_F(H2Peer, WellBehavedAnswersNghttpAndCurl) {
  HostileH2Server server(H2Behaviour::well_behaved());
  auto r = nghttp(server, {"-v", "-n"});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find(":status: 200"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("server: hostile-h2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("recv SETTINGS frame <length=6, flags=0x00, stream_id=0>"),
            std::string::npos)
      << r.out;

  r = nghttp(server, {"-n", "-m", "50"});
  EXPECT_EQ(r.code, 0) << r.out;

  // One URL per curl: Debian's curl 7.88 fails a second request on a reused prior-knowledge
  // connection to any server ("Error in the HTTP2 framing layer", curl/curl#10634, fixed in 8.0).
  r = run_tool({kCurl, "-sS", "--http2-prior-knowledge", "-o", "/dev/null", "-w",
                "%{http_code} %{http_version} %{size_download}\n", server.url()});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "200 2 100\n");
  EXPECT_EQ(server.completed(), 1u + 50 + 1);
  EXPECT_EQ(server.streams(), 1u + 50 + 1);
  EXPECT_EQ(server.connections(), 3u);
  EXPECT_EQ(server.violations(), 0u) << server.first_violation();
  EXPECT_EQ(server.bad_prefaces(), 0u);
}

// Request bodies beyond the default windows (64 KiB) arrive: the peer opens the stream window at
// once and replenishes the connection's; response bodies beyond them are sent as the client's
// windows allow.
TEST_F(H2Peer, WellBehavedTakesAndSendsBodiesBeyondTheDefaultWindows) {
  H2Behaviour big = H2Behaviour::well_behaved();
  big.body_size = 1 << 20;
  HostileH2Server server(big);
  auto r = nghttp(server, {"-n", "-s", "-m", "3", "-d", body_file(1 << 20)});
  EXPECT_EQ(r.code, 0) << r.out;
  // nghttp's default windows are 64 KiB: it reads 3 MiB through its WINDOW_UPDATEs.
  r = run_tool({kCurl, "-sS", "--http2-prior-knowledge", "-o", "/dev/null", "-w",
                "%{http_code} %{size_download}\n", "--data-binary", "@" + body_file(1 << 20),
                server.url()});
  EXPECT_EQ(r.out, "200 1048576\n");
  EXPECT_EQ(server.completed(), 4u);
  EXPECT_EQ(server.violations(), 0u) << server.first_violation();
}

TEST_F(H2Peer, HttpOneRequestIsABadPreface) {
  HostileH2Server server(H2Behaviour::well_behaved());
  auto r = run_tool({kCurl, "-sS", "--http1.1", "-o", "/dev/null", server.url()});
  EXPECT_NE(r.code, 0) << r.out;
  EXPECT_EQ(server.bad_prefaces(), 1u);
  EXPECT_EQ(server.streams(), 0u);
}

TEST_F(H2Peer, ResetEveryOtherStreamMidBody) {
  H2Behaviour b = H2Behaviour::reset_every_other();
  b.body_size = 1000;
  HostileH2Server server(b);
  auto r = nghttp(server, {"-v", "-n", "-m", "6"});
  EXPECT_EQ(count(r.out, "recv RST_STREAM frame"), 3u) << r.out;
  EXPECT_EQ(count(r.out, "(error_code=INTERNAL_ERROR(0x02))"), 3u) << r.out;
  // Half the body before each reset: 500 bytes on the reset streams, 2 x 500 on the others.
  EXPECT_EQ(count(r.out, "recv DATA frame <length=500"), 9u) << r.out;
  EXPECT_EQ(server.completed(), 3u);
  EXPECT_EQ(server.resets_sent(), 3u);
  EXPECT_EQ(server.connections(), 1u);
  EXPECT_EQ(server.violations(), 0u) << server.first_violation();
}

TEST_F(H2Peer, GoawayAtOnceOnEveryConnection) {
  HostileH2Server server(H2Behaviour::goaway_at_once());
  auto r = nghttp(server, {"-v", "-n"});
  EXPECT_NE(r.out.find("Some requests were not processed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("recv GOAWAY frame <length=8, flags=0x00, stream_id=0>"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("(last_stream_id=0, error_code=NO_ERROR(0x00)"), std::string::npos) << r.out;
  r = run_tool({kCurl, "-sS", "--http2-prior-knowledge", "-o", "/dev/null", server.url()});
  EXPECT_NE(r.code, 0) << r.out;
  EXPECT_LT(r.took, 5s);
  EXPECT_EQ(server.connections(), 2u);
  EXPECT_EQ(server.completed(), 0u);
}

// Like nginx's keepalive_requests: GOAWAY naming the n-th stream, the first n answered, the
// streams above it left alone, then the connection closed.
TEST_F(H2Peer, GoawayAfterNStreams) {
  HostileH2Server server(H2Behaviour::goaway_after(3));
  auto r = nghttp(server, {"-v", "-n", "-m", "6"});
  EXPECT_NE(r.out.find("(last_stream_id=5, error_code=NO_ERROR(0x00)"), std::string::npos) << r.out;
  EXPECT_EQ(count(r.out, ":status: 200"), 3u) << r.out;
  EXPECT_EQ(server.completed(), 3u);
  EXPECT_EQ(server.streams(), 6u);
  EXPECT_EQ(server.violations(), 0u) << server.first_violation();
}

// A POST body over 64 KiB can never finish: before the SETTINGS a client may send 64 KiB, then
// the window is 0. nghttp gives up at its own timeout, nothing is answered.
TEST_F(H2Peer, WindowThatNeverOpens) {
  HostileH2Server server(H2Behaviour::window_never_opens());
  auto r = nghttp(server, {"-v", "-n", "-t", "1", "-d", body_file(128 * 1024)});
  EXPECT_NE(r.out.find("[ERROR] Timeout"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[SETTINGS_INITIAL_WINDOW_SIZE(0x04):0]"), std::string::npos) << r.out;
  EXPECT_LT(r.took, 5s);
  EXPECT_EQ(server.completed(), 0u);
  EXPECT_EQ(server.violations(), 0u) << server.first_violation();
}

TEST_F(H2Peer, BadFrameIsAConnectionErrorForTheClient) {
  {
    HostileH2Server server(H2Behaviour::bad_frame(BadFrame::data_on_stream_zero));
    auto r = nghttp(server, {"-v", "-n"});
    EXPECT_NE(r.out.find("send GOAWAY frame"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("error_code=PROTOCOL_ERROR(0x01)"), std::string::npos) << r.out;
    EXPECT_TRUE(eventually([&] { return server.goaways_received() == 1; }));
    EXPECT_EQ(server.completed(), 0u);
  }
  {
    HostileH2Server server(H2Behaviour::bad_frame(BadFrame::settings_length_five));
    auto r = nghttp(server, {"-v", "-n"});
    EXPECT_NE(r.out.find("error_code=FRAME_SIZE_ERROR(0x06)"), std::string::npos) << r.out;
    EXPECT_TRUE(eventually([&] { return server.goaways_received() == 1; }));
    EXPECT_EQ(server.completed(), 0u);
  }
}

// A 100 KiB header block in HEADERS + CONTINUATION frames of 16 KiB at most.
TEST_F(H2Peer, HugeHeadersInContinuationFrames) {
  HostileH2Server server(H2Behaviour::huge_headers(100 * 1024));
  auto r = nghttp(server, {"-v", "-n"});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("recv (stream_id=1) x-big-0: vvvv"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("recv (stream_id=1) x-big-400: vvvv"), std::string::npos) << r.out;
  EXPECT_EQ(server.completed(), 1u);
  EXPECT_EQ(server.violations(), 0u) << server.first_violation();
}

// nghttp told to assume 4 streams before the SETTINGS arrive keeps to 4: none refused. Told
// nothing, it sends all 12 at once, and the peer refuses those over its limit.
TEST_F(H2Peer, MaxStreamsCountsAndRefuses) {
  {
    HostileH2Server server(H2Behaviour::max_streams(4));
    auto r = nghttp(server, {"-n", "-m", "12", "-M", "4"});
    EXPECT_EQ(r.code, 0) << r.out;
    EXPECT_EQ(server.completed(), 12u);
    EXPECT_EQ(server.refused(), 0u);
    EXPECT_EQ(server.max_open(), 4u);
    EXPECT_EQ(server.max_open_after_ack(), 4u);
  }
  {
    HostileH2Server server(H2Behaviour::max_streams(4));
    auto r = nghttp(server, {"-v", "-n", "-m", "12"});
    EXPECT_EQ(count(r.out, "(error_code=REFUSED_STREAM(0x07))"), server.refused()) << r.out;
    EXPECT_EQ(server.completed() + server.refused(), 12u);
    EXPECT_LE(server.max_open_after_ack(), 4u);
    // nghttp sends all 12 before the SETTINGS reach it (when they do reach it first, it keeps
    // to 4): the refused ones were counted as they arrived.
    if (server.refused() > 0) {
      EXPECT_EQ(server.max_open(), 5u);
    }
  }
}

TEST_F(H2Peer, OneSlowStreamIsNeverAnswered) {
  HostileH2Server server(H2Behaviour::one_slow_stream(2));
  auto r = nghttp(server, {"-n", "-m", "4", "-t", "1"});
  EXPECT_NE(r.out.find("[ERROR] Timeout"), std::string::npos) << r.out;
  EXPECT_LT(r.took, 5s);
  EXPECT_EQ(server.streams(), 4u);
  EXPECT_EQ(server.completed(), 3u);
}
