// https against a real third-party server: Debian's nginx, started here on 127.0.0.1 with a
// generated config and the test CA's certificate, stopped by PID. Skipped, saying so, where nginx
// is not installed.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "closed_first.hpp"
#include "nginx_server.hpp"
#include "test_pki.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;
using namespace std::chrono_literals;

namespace {

class NginxTls : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (!nginx_installed()) {
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
