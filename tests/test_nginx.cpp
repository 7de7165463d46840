// https against a real third-party server: Debian's nginx, started here on 127.0.0.1 with a
// generated config and the test CA's certificate, stopped by PID. Skipped, saying so, where nginx
// is not installed.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <boost/json/parse.hpp>

#include "closed_first.hpp"
#include "test_pki.hpp"
#include "test_support.hpp"

extern char** environ;

using namespace httpbench;
using namespace httpbench::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* kNginx = "/usr/sbin/nginx";

bool accepts(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// nginx in the foreground, one process, everything (config, logs, pid, temp files, the 100-byte
// file) in a private directory; TLS 1.2 and 1.3 with a session cache and tickets, so resumption
// works as on a production server.
class Nginx {
 public:
  Nginx() {
    dir_ = private_temp_path("nginx");
    std::filesystem::create_directories(dir_ + "/www");
    std::ofstream(dir_ + "/www/100b.txt") << std::string(100, 'x');
    for (int attempt = 0; attempt < 5 && pid_ < 0; ++attempt)
      start(unused_loopback_port());  // taken in between: nginx exits, and the next port is tried
  }
  ~Nginx() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Nginx(const Nginx&) = delete;
  Nginx& operator=(const Nginx&) = delete;

  bool running() const { return pid_ > 0; }
  std::uint16_t port() const { return port_; }
  std::string url() const { return fmt::format("https://127.0.0.1:{}/100b.txt", port_); }
  std::string log() const {
    std::ifstream in(dir_ + "/error.log");
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

 private:
  void start(std::uint16_t port) {
    std::ofstream(dir_ + "/nginx.conf", std::ios::trunc) << fmt::format(
        R"(daemon off;
master_process off;
pid {0}/nginx.pid;
error_log {0}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {0}/body;
  proxy_temp_path {0}/proxy;
  fastcgi_temp_path {0}/fastcgi;
  uwsgi_temp_path {0}/uwsgi;
  scgi_temp_path {0}/scgi;
  server {{
    listen 127.0.0.1:{1} ssl;
    ssl_certificate {2};
    ssl_certificate_key {3};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:httpbench:1m;
    ssl_session_tickets on;
    root {0}/www;
  }}
}}
)",
        dir_, port, pki().cert(), pki().key());
    const std::string conf = dir_ + "/nginx.conf";
    const std::string error_log = dir_ + "/error.log";
    std::vector<std::string> args{kNginx, "-p", dir_, "-e", error_log, "-c", conf};
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    if (::posix_spawn(&pid, kNginx, nullptr, nullptr, argv.data(), environ) != 0) return;
    for (int i = 0; i < 100; ++i) {
      if (accepts(port)) {
        pid_ = pid;
        port_ = port;
        return;
      }
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) return;  // exited: port taken, or config
      std::this_thread::sleep_for(50ms);
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }

  std::string dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

class NginxTls : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (::access(kNginx, X_OK) != 0) {
      GTEST_SKIP() << "nginx not installed (Debian: nginx-light): https against nginx skipped";
    }
    nginx_ = std::make_unique<Nginx>();
    ASSERT_TRUE(nginx_->running()) << "nginx did not start: " << nginx_->log();
  }
  std::unique_ptr<Nginx> nginx_;
};

}  // namespace

INSTANTIATE_TEST_SUITE_P(Modes, NginxTls, ::testing::Values("sync", "threads", "async"),
                         [](const auto& info) { return std::string(info.param); });

// A new connection per request: every handshake after a connection slot's first resumes the
// session nginx gave it, the certificate is verified against the test CA, and the manifest names
// what was negotiated.
TEST_P(NginxTls, VerifiedWithResumptionAndTheNegotiatedProtocol) {
  Outcome o =
      run_inprocess(for_mode({"--mode", GetParam(), "-n", "30", "-c", "3", "--no-keep-alive",
                              "--cacert", pki().ca(), "--json", nginx_->url()}));
  ASSERT_EQ(o.code, kExitOk) << o.err << o.out;
  const auto run = first_run(o);
  EXPECT_EQ(run.at("succeeded").as_int64(), 30);
  EXPECT_EQ(run.at("status_codes").at("200").as_int64(), 30);
  const auto& tls = run.at("tls").as_object();
  EXPECT_EQ(tls.at("full_handshakes").as_int64() + tls.at("resumed_handshakes").as_int64(), 30);
  EXPECT_GE(tls.at("resumed_handshakes").as_int64(), 15) << o.out;
  const auto doc = boost::json::parse(o.out).as_object();
  const auto& manifest = doc.at("manifest").as_object();
  EXPECT_EQ(manifest.at("tls_version").as_string().subview().substr(0, 6), "TLSv1.");
  EXPECT_EQ(manifest.at("alpn").as_string(), "http/1.1");
  EXPECT_EQ(manifest.at("server_header").as_string().subview().substr(0, 5), "nginx");
}

// Without keep-alive nginx sends its close_notify, then its FIN. The client reads past the alert
// and closes after the FIN, so nginx's side keeps the TIME_WAITs; closing on the alert's bytes
// left one on the client's side whenever the FIN was not in yet.
TEST_P(NginxTls, ClosesAfterTheFinThatFollowsTheCloseNotify) {
  const int before = closed_first(nginx_->port(), true);
  Outcome o =
      run_inprocess(for_mode({"--mode", GetParam(), "-n", "200", "-c", "2", "--no-keep-alive",
                              "--cacert", pki().ca(), "--json", nginx_->url()}));
  ASSERT_EQ(o.code, kExitOk) << o.err << o.out;
  EXPECT_EQ(first_run(o).at("succeeded").as_int64(), 200);
  EXPECT_LE(closed_first(nginx_->port(), true), before);
  EXPECT_GT(closed_first(nginx_->port(), false), 0);
}

// Keep-alive: one handshake per connection, the 100-byte body read on each.
TEST_P(NginxTls, KeepAliveHandshakesOncePerConnection) {
  Outcome o = run_inprocess(for_mode({"--mode", GetParam(), "-n", "60", "-c", "3", "--cacert",
                                      pki().ca(), "--json", nginx_->url()}));
  ASSERT_EQ(o.code, kExitOk) << o.err << o.out;
  const auto run = first_run(o);
  EXPECT_EQ(run.at("succeeded").as_int64(), 60);
  const std::int64_t connections = run.at("connections").as_int64();
  EXPECT_LE(connections, 3);
  const auto& tls = run.at("tls").as_object();
  EXPECT_EQ(tls.at("full_handshakes").as_int64() + tls.at("resumed_handshakes").as_int64(),
            connections);
  EXPECT_GE(run.at("bytes_received").as_int64(), 60 * 100);
}

// Verification is on by default: without the test CA, nginx's certificate is refused as a tls
// failure naming OpenSSL's reason.
TEST_P(NginxTls, UnknownCaIsATlsFailure) {
  Outcome o = run_inprocess(
      for_mode({"--mode", GetParam(), "-n", "3", "-c", "1", "--json", nginx_->url()}));
  EXPECT_EQ(o.code, kExitFailures) << o.err;
  const auto run = first_run(o);
  EXPECT_EQ(run.at("errors").at("tls").as_int64(), 3);
  EXPECT_NE(std::string_view(run.at("error_examples").at("tls").as_string()).find("certificate"),
            std::string_view::npos)
      << o.out;
}
