// https in every mode against the built-in server with a CA and certificates made at test time.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <cstdlib>
#include <filesystem>

#include "httpbench/serve/serve.hpp"
#include "test_pki.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;

namespace {

std::unique_ptr<Server> start_tls_server(const std::string& cert, const std::string& key) {
  ServeOptions o;
  o.port = 0;
  o.tls_cert = cert;
  o.tls_key = key;
  auto server = std::make_unique<Server>(o);
  server->start();
  return server;
}

class TlsInEveryMode : public ::testing::TestWithParam<const char*> {};

}  // namespace

TEST_P(TlsInEveryMode, VerifiedHttpsWithResumptionOnReconnect) {
  auto server = start_tls_server(pki().cert(), pki().key());
  ASSERT_EQ(server->url().rfind("https://127.0.0.1:", 0), 0u);
  Outcome o =
      run_inprocess(for_mode({"--mode", GetParam(), "-n", "30", "-c", "3", "--no-keep-alive",
                              "--cacert", pki().ca(), "--json", server->url()}));
  ASSERT_EQ(o.code, kExitOk) << o.err << o.out;
  auto run = first_run(o);
  EXPECT_EQ(run.at("succeeded").as_int64(), 30);
  EXPECT_EQ(server->requests_received(), 30u);
  const auto& tls = run.at("tls").as_object();
  EXPECT_EQ(tls.at("full_handshakes").as_int64() + tls.at("resumed_handshakes").as_int64(), 30);
  // Handshake time is reported apart from TCP connect time and request latency.
  EXPECT_GT(tls.at("handshake_ms").as_object().at("mean").to_number<double>(), 0.0);
  EXPECT_GT(tls.at("handshake_ms").as_object().at("max").to_number<double>(),
            tls.at("handshake_ms").as_object().at("min").to_number<double>() * 0.99);
  // Connection slots resume the session of their previous connection (all but the first, when
  // every ticket arrives in time; at least half on a slow, sanitized build).
  EXPECT_GE(tls.at("resumed_handshakes").as_int64(), 15) << o.out;
}

TEST_P(TlsInEveryMode, UntrustedCertificateIsATlsFailureWithTheReason) {
  auto server = start_tls_server(pki().cert(), pki().key());
  Outcome o = run_inprocess(
      for_mode({"--mode", GetParam(), "-n", "4", "-c", "2", "--json", server->url()}));
  EXPECT_EQ(o.code, kExitFailures);
  auto run = first_run(o);
  EXPECT_EQ(run.at("errors").as_object().at("tls").as_int64(), 4);
  EXPECT_NE(std::string(run.at("error_examples").as_object().at("tls").as_string())
                .find("certificate verify failed"),
            std::string::npos);
  EXPECT_EQ(server->requests_received(), 0u);
}

TEST_P(TlsInEveryMode, InsecureSkipsVerification) {
  auto server = start_tls_server(pki().other_cert(), pki().other_key());
  Outcome o = run_inprocess(
      for_mode({"--mode", GetParam(), "-n", "6", "-c", "2", "-k", "--json", server->url()}));
  EXPECT_EQ(o.code, kExitOk) << o.err;
  EXPECT_EQ(first_run(o).at("succeeded").as_int64(), 6);
}

TEST_P(TlsInEveryMode, WrongHostNameIsRefused) {
  // Signed by the trusted CA, but for other.test, not 127.0.0.1.
  auto server = start_tls_server(pki().other_cert(), pki().other_key());
  Outcome o = run_inprocess(for_mode({"--mode", GetParam(), "-n", "3", "-c", "1", "--cacert",
                                      pki().ca(), "--json", server->url()}));
  EXPECT_EQ(o.code, kExitFailures);
  EXPECT_EQ(first_run(o).at("errors").as_object().at("tls").as_int64(), 3);
}

TEST_P(TlsInEveryMode, Tls13OnlyWorksAgainstAModernServer) {
  auto server = start_tls_server(pki().cert(), pki().key());
  Outcome o = run_inprocess(for_mode({"--mode", GetParam(), "-n", "5", "-c", "1", "--tls-min",
                                      "1.3", "--cacert", pki().ca(), "--json", server->url()}));
  EXPECT_EQ(o.code, kExitOk) << o.err;
}

INSTANTIATE_TEST_SUITE_P(Modes, TlsInEveryMode, ::testing::Values("sync", "threads", "async"));

TEST(Tls, BadSettingsAreUsageErrors) {
  EXPECT_EQ(run_inprocess({"--tls-min", "1.1", "https://127.0.0.1:9/"}).code, kExitUsage);
  Outcome o = run_inprocess({"--cacert", "/nonexistent/ca.pem", "https://127.0.0.1:9/"});
  EXPECT_EQ(o.code, kExitUsage);
  EXPECT_NE(o.err.find("/nonexistent/ca.pem"), std::string::npos) << o.err;
  EXPECT_EQ(run_inprocess({"--cert", pki().cert(), "https://127.0.0.1:9/"}).code, kExitUsage);
  EXPECT_EQ(run_inprocess({"serve", "--tls-cert", pki().cert()}).code, kExitUsage);
}

TEST_P(TlsInEveryMode, ManifestNamesTheNegotiatedTlsVersion) {
  auto server = start_tls_server(pki().cert(), pki().key());
  Outcome o = run_inprocess(for_mode({"--mode", GetParam(), "-n", "4", "-c", "2", "--cacert",
                                      pki().ca(), "--json", server->url()}));
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const auto m = boost::json::parse(o.out).as_object().at("manifest").as_object();
  EXPECT_EQ(m.at("tls_version").as_string().subview().substr(0, 6), "TLSv1.") << m;
  // The built-in server selects by ALPN (h2 or http/1.1): http/1.1, the only one offered.
  ASSERT_TRUE(m.at("alpn").is_string()) << m;
  EXPECT_EQ(m.at("alpn").as_string(), "http/1.1") << m;
  EXPECT_EQ(m.at("server_header").as_string(), "httpbench");
}
