// httpbench --http2 against Debian's nginx (http_v2 module): h2c with prior knowledge and h2 by
// ALPN with a verified certificate, thousands of requests through nginx's GOAWAYs, a
// http2_max_concurrent_streams below --streams, and 1 MiB bodies both ways. Skipped, saying so,
// where nginx is not installed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <boost/json/parse.hpp>

#include "nginx_server.hpp"
#include "test_pki.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kMiB = 1024 * 1024;

// nginx 1.22's syntax: `http2` is a parameter of listen. Without ssl the port speaks h2c with
// prior knowledge only.
NginxSite h2c_site(std::string directives = "") {
  return {"http2", std::move(directives), ""};
}
NginxSite h2_site(std::string directives = "") {
  return {"ssl http2", std::move(directives), ""};
}

// /upload-read passes the body to a sink server on a unix socket, so nginx reads all of it first
// (proxy_request_buffering); /upload answers at once (`return 200` does not read the body: nginx
// sends the response, then RST_STREAM NO_ERROR, RFC 9113 §8.1).
NginxSite with_uploads(NginxSite site) {
  site.server_directives += R"(
    location = /upload { client_max_body_size 4m; return 200; }
    location = /upload-read {
      client_max_body_size 4m;
      proxy_pass http://unix:@DIR@/sink.sock:/;
    }
)";
  site.http_directives += "  server { listen unix:@DIR@/sink.sock; location / { return 200; } }\n";
  return site;
}

struct H2Run {
  int code = -1;
  std::string out;
  std::string err;
  boost::json::object run;

  std::int64_t get(const char* key) const { return run.at(key).as_int64(); }
};

// The binary with --http2 --json, bounded; the first run, which must say h2 and account for
// every request.
H2Run run_h2(std::vector<std::string> args, std::chrono::milliseconds limit = 90s) {
  args.insert(args.begin(), {"--http2", "--json"});
  Outcome o = run_binary(for_mode(args), limit);
  H2Run r{o.code, o.out, o.err, {}};
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

std::string write_file(const std::string& path, std::size_t bytes) {
  std::ofstream(path, std::ios::trunc | std::ios::binary) << std::string(bytes, 'm');
  return path;
}

class NginxH2Base {
 protected:
  // Starts nginx for `site`; false (with a skip or a failure recorded) when it cannot run.
  bool start(NginxSite site) {
    nginx_.reset();  // one at a time: they share the process's private directory
    nginx_ = std::make_unique<Nginx>(std::move(site));
    if (!nginx_->running()) ADD_FAILURE() << "nginx did not start: " << nginx_->log();
    return nginx_->running();
  }
  std::unique_ptr<Nginx> nginx_;
};

class NginxH2 : public ::testing::TestWithParam<const char*>, protected NginxH2Base {
 protected:
  void SetUp() override {
    if (!nginx_installed()) {
      GTEST_SKIP() << "nginx not installed (Debian: nginx-light): HTTP/2 against nginx skipped";
    }
  }
};

class NginxH2Async : public ::testing::Test, protected NginxH2Base {
 protected:
  void SetUp() override {
    if (!nginx_installed()) {
      GTEST_SKIP() << "nginx not installed (Debian: nginx-light): HTTP/2 against nginx skipped";
    }
  }
};

}  // namespace

INSTANTIATE_TEST_SUITE_P(Modes, NginxH2, ::testing::Values("sync", "threads", "async"),
                         [](const auto& info) { return std::string(info.param); });

TEST_P(NginxH2, H2cWithPriorKnowledgeAllSucceed) {
  ASSERT_TRUE(start(h2c_site()));
  auto r = run_h2({"--mode", GetParam(), "-n", "200", "-c", "4", nginx_->url()});
  ASSERT_EQ(r.code, kExitOk) << r.err << r.out;
  EXPECT_EQ(r.get("succeeded"), 200);
  EXPECT_EQ(r.run.at("status_codes").at("200").as_int64(), 200);
  EXPECT_GE(r.get("bytes_received"), 200 * 100);
}

// h2 by ALPN, the certificate verified against the test CA; the manifest says what was
// negotiated.
TEST_P(NginxH2, H2OverTlsWithAVerifiedCertificate) {
  ASSERT_TRUE(start(h2_site()));
  auto r =
      run_h2({"--mode", GetParam(), "-n", "200", "-c", "4", "--cacert", pki().ca(), nginx_->url()});
  ASSERT_EQ(r.code, kExitOk) << r.err << r.out;
  EXPECT_EQ(r.get("succeeded"), 200);
  const auto& tls = r.run.at("tls").as_object();
  EXPECT_EQ(tls.at("full_handshakes").as_int64() + tls.at("resumed_handshakes").as_int64(),
            r.get("connections"));
  const auto doc = boost::json::parse(r.out).as_object();
  EXPECT_EQ(doc.at("manifest").at("alpn").as_string(), "h2") << r.out;
}

// Without the test CA the certificate is refused: tls, as over HTTP/1.1.
TEST_P(NginxH2, H2UnknownCaIsATlsFailure) {
  ASSERT_TRUE(start(h2_site()));
  auto r = run_h2({"--mode", GetParam(), "-n", "3", "-c", "1", nginx_->url()});
  ASSERT_EQ(r.code, kExitFailures) << r.err << r.out;
  EXPECT_EQ(r.run.at("errors").at("tls").as_int64(), 3) << r.out;
}

// nginx's default keepalive_requests (1000) ends each connection with a GOAWAY after 1000
// streams: 3000 requests on 2 connections go through several, without a failure.
TEST_F(NginxH2Async, ThousandsOfRequestsThroughGoaways) {
  ASSERT_TRUE(start(h2c_site()));
  auto r = run_h2({"--mode", "async", "-n", "3000", "-c", "20", "--streams", "10", nginx_->url()});
  ASSERT_EQ(r.code, kExitOk) << r.err << r.out;
  EXPECT_EQ(r.get("succeeded"), 3000);
  EXPECT_EQ(r.get("failed"), 0);
  EXPECT_GT(r.get("reconnects"), 0);
  EXPECT_GE(r.get("connections"), 3);
}

// The same over TLS: each new connection after a GOAWAY is a new handshake.
TEST_F(NginxH2Async, ThousandsOfRequestsThroughGoawaysOverTls) {
  ASSERT_TRUE(start(h2_site()));
  auto r = run_h2({"--mode", "async", "-n", "3000", "-c", "20", "--streams", "10", "--cacert",
                   pki().ca(), nginx_->url()});
  ASSERT_EQ(r.code, kExitOk) << r.err << r.out;
  EXPECT_EQ(r.get("succeeded"), 3000);
  EXPECT_EQ(r.get("failed"), 0);
  EXPECT_GT(r.get("reconnects"), 0);
}

// http2_max_concurrent_streams 4 below --streams 8: the server's limit wins, nothing fails.
TEST_F(NginxH2Async, ServersConcurrentStreamsLimitBelowStreams) {
  ASSERT_TRUE(start(h2c_site("    http2_max_concurrent_streams 4;\n")));
  auto r = run_h2({"--mode", "async", "-n", "400", "-c", "16", "--streams", "8", nginx_->url()});
  ASSERT_EQ(r.code, kExitOk) << r.err << r.out;
  EXPECT_EQ(r.get("succeeded"), 400);
  EXPECT_EQ(r.get("failed"), 0);
  EXPECT_EQ(r.get("streams_per_connection"), 8);
}

// A 1 MiB response body, many streams at once: far over the default 64 KiB windows.
TEST_F(NginxH2Async, OneMebibyteResponses) {
  for (const bool tls : {false, true}) {
    ASSERT_TRUE(start(tls ? h2_site() : h2c_site()));
    write_file(nginx_->dir() + "/www/1m.bin", kMiB);
    std::vector<std::string> args{"--mode", "async",     "-n", "40",        "-c",
                                  "10",     "--streams", "5",  "--timeout", "20s"};
    if (tls) args.insert(args.end(), {"--cacert", pki().ca()});
    args.push_back(nginx_->base_url() + "1m.bin");
    auto r = run_h2(args);
    ASSERT_EQ(r.code, kExitOk) << r.err << r.out;
    EXPECT_EQ(r.get("succeeded"), 40);
    EXPECT_GE(r.get("bytes_received"), static_cast<std::int64_t>(40 * kMiB));
  }
}

// A 1 MiB POST body (--body-file), read to the end by nginx (proxied to a sink): the body goes
// through the server's flow control.
TEST_F(NginxH2Async, OneMebibytePostBodies) {
  for (const bool tls : {false, true}) {
    ASSERT_TRUE(start(with_uploads(tls ? h2_site() : h2c_site())));
    const std::string body = write_file(private_temp_path("h2-post.bin"), kMiB);
    std::vector<std::string> args{"--mode", "async",     "-n",          "40",        "-c",
                                  "10",     "--streams", "5",           "--timeout", "20s",
                                  "-X",     "POST",      "--body-file", body};
    if (tls) args.insert(args.end(), {"--cacert", pki().ca()});
    args.push_back(nginx_->base_url() + "upload-read");
    auto r = run_h2(args);
    ASSERT_EQ(r.code, kExitOk) << r.err << r.out << nginx_->log();
    EXPECT_EQ(r.get("succeeded"), 40);
    EXPECT_EQ(r.run.at("status_codes").at("200").as_int64(), 40);
  }
}

// The same body to a location that answers before reading it: nginx sends the complete response,
// then RST_STREAM NO_ERROR. The response counts (RFC 9113 §8.1: a client must not discard it).
TEST_F(NginxH2Async, ResponseBeforeTheWholeBodyThenNoErrorResetSucceeds) {
  ASSERT_TRUE(start(with_uploads(h2c_site())));
  const std::string body = write_file(private_temp_path("h2-post.bin"), kMiB);
  auto r = run_h2({"--mode", "async", "-n", "40", "-c", "10", "--streams", "5", "--timeout", "20s",
                   "-X", "POST", "--body-file", body, nginx_->base_url() + "upload"});
  ASSERT_EQ(r.code, kExitOk) << r.err << r.out;
  EXPECT_EQ(r.get("succeeded"), 40);
  EXPECT_EQ(r.get("failed"), 0);
  EXPECT_EQ(r.run.at("errors").at("reset").as_int64(), 0);
}
