// Routes to the target: Unix domain sockets (--unix-socket, serve --unix-socket) and HTTP proxies
// (--proxy, CONNECT tunnels, --proxy-user, --proxy-from-env), in every mode, against the built-in
// server and the test proxy on loopback.
#include "httpbench/cli/route_options.hpp"
#include "httpbench/connection/route.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>

#include <boost/json/parse.hpp>

#include "httpbench/cli/cli.hpp"
#include "httpbench/cli/collect_manifest.hpp"
#include "httpbench/cli/options.hpp"
#include "httpbench/cli/request_options.hpp"
#include "httpbench/report/manifest.hpp"
#include "httpbench/serve/serve.hpp"
#include "httpbench/stats/error.hpp"
#include "httpbench/version.hpp"
#include "test_pki.hpp"
#include "test_proxy_server.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;
namespace json = boost::json;

namespace {

std::unique_ptr<Server> start(ServeOptions o) {
  auto server = std::make_unique<Server>(o);
  server->start();
  return server;
}

std::unique_ptr<Server> start_tls_server() {
  ServeOptions o;
  o.port = 0;
  o.tls_cert = pki().cert();
  o.tls_key = pki().key();
  return start(o);
}

std::unique_ptr<Server> start_unix_server(const std::string& path, bool tls = false) {
  ServeOptions o;
  o.unix_socket = path;
  if (tls) {
    o.tls_cert = pki().cert();
    o.tls_key = pki().key();
  }
  return start(o);
}

json::object document(const Outcome& o) {
  return json::parse(o.out).as_object();
}

std::string error_example(const json::object& run, const char* kind) {
  const auto& examples = run.at("error_examples").as_object();
  return examples.contains(kind) ? std::string(examples.at(kind).as_string()) : std::string();
}

// Runs the benchmark in process with `env` as the environment (for --proxy-from-env).
Outcome run_with_environment(const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env) {
  const EnvironmentLookup lookup = [&](const char* name) -> const char* {
    const auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  std::ostringstream out;
  std::ostringstream err;
  std::atomic<bool> stop{false};
  Outcome o;
  try {
    CommandLine cl = parse_command_line(args, lookup);
    cl.options.command_line = args;
    const BenchmarkPlan plan = make_plan(cl.options);
    o.code = run_benchmark(std::move(cl.options), plan, out, err, stop);
  } catch (const UsageError& e) {
    err << "httpbench: " << e.what() << "\n";
    o.code = kExitUsage;
  }
  o.out = out.str();
  o.err = err.str();
  return o;
}

class UnixSocketInEveryMode : public ::testing::TestWithParam<const char*> {};
class ProxyInEveryMode : public ::testing::TestWithParam<const char*> {};

}  // namespace

// --- Unix domain sockets -------------------------------------------------------------------

TEST_P(UnixSocketInEveryMode, HttpOverTheSocketWithoutDns) {
  const std::string path = private_temp_path("http.sock");
  auto server = start_unix_server(path);
  EXPECT_EQ(server->url(), "http://localhost/");
  Outcome o = run_inprocess(for_mode({"--mode", GetParam(), "-n", "12", "-c", "3", "--json",
                                      "--unix-socket", path, "http://localhost/items?size=10"}));
  ASSERT_EQ(o.code, kExitOk) << o.err << o.out;
  const auto doc = document(o);
  const auto run = first_run(o);
  EXPECT_EQ(run.at("succeeded").as_int64(), 12);
  EXPECT_EQ(server->requests_received(), 12u);
  EXPECT_TRUE(doc.at("dns_ms").is_null());
  EXPECT_EQ(doc.at("options").at("unix_socket").as_string(), path);
  EXPECT_TRUE(doc.at("options").at("proxy").is_null());
  const auto& addresses = doc.at("manifest").at("resolved_addresses").as_array();
  ASSERT_EQ(addresses.size(), 1u);
  EXPECT_EQ(addresses[0].as_string(), "unix:" + path);
}

TEST_P(UnixSocketInEveryMode, HttpsOverTheSocket) {
  const std::string path = private_temp_path("https.sock");
  auto server = start_unix_server(path, true);
  Outcome o = run_inprocess(
      for_mode({"--mode", GetParam(), "-n", "9", "-c", "3", "--no-keep-alive", "--cacert",
                pki().ca(), "--json", "--unix-socket", path, "https://localhost/"}));
  ASSERT_EQ(o.code, kExitOk) << o.err << o.out;
  const auto run = first_run(o);
  EXPECT_EQ(run.at("succeeded").as_int64(), 9);
  const auto& tls = run.at("tls").as_object();
  EXPECT_EQ(tls.at("full_handshakes").as_int64() + tls.at("resumed_handshakes").as_int64(), 9);
  EXPECT_EQ(server->requests_received(), 9u);
}

TEST_P(UnixSocketInEveryMode, MissingSocketIsAConnectFailure) {
  const std::string path = private_temp_path("missing.sock");
  Outcome o = run_inprocess(for_mode({"--mode", GetParam(), "-n", "4", "-c", "2", "--json",
                                      "--unix-socket", path, "http://localhost/"}));
  EXPECT_EQ(o.code, kExitFailures) << o.err;
  const auto run = first_run(o);
  EXPECT_EQ(run.at("errors").at("connect").as_int64(), 4);
  const std::string example = error_example(run, "connect");
  EXPECT_NE(example.find("unix socket " + path), std::string::npos) << example;
  EXPECT_NE(example.find("No such file"), std::string::npos) << example;
}

TEST_P(UnixSocketInEveryMode, SocketNobodyListensOnIsAConnectFailure) {
  const std::string path = private_temp_path("refused.sock");
  ::unlink(path.c_str());
  // Bound but not listening: connect() is refused.
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  Outcome o = run_inprocess(for_mode({"--mode", GetParam(), "-n", "3", "-c", "1", "--json",
                                      "--unix-socket", path, "http://localhost/"}));
  ::close(fd);
  ::unlink(path.c_str());
  EXPECT_EQ(o.code, kExitFailures) << o.err;
  const auto run = first_run(o);
  EXPECT_EQ(run.at("errors").at("connect").as_int64(), 3);
  EXPECT_NE(error_example(run, "connect").find("refused"), std::string::npos)
      << error_example(run, "connect");
}

INSTANTIATE_TEST_SUITE_P(Modes, UnixSocketInEveryMode,
                         ::testing::Values("sync", "threads", "async"));

TEST(UnixSocket, BadInputIsAUsageError) {
  expect_usage_error({"--unix-socket", "", "http://localhost/"}, "--unix-socket: empty path");
  expect_usage_error(
      {"--unix-socket", "/tmp/x.sock", "--resolve", "localhost:80:127.0.0.1", "http://localhost/"},
      "--resolve");
  expect_usage_error(
      {"--unix-socket", "/tmp/x.sock", "--proxy", "http://127.0.0.1:9", "http://localhost/"},
      "--proxy");
  expect_usage_error({"--unix-socket", "/tmp/" + std::string(200, 'x'), "http://localhost/"},
                     "longer than");
  expect_usage_error({"serve", "--unix-socket", "/tmp/x.sock", "--port", "0"}, "--port");
  expect_usage_error({"serve", "--unix-socket", ""}, "--unix-socket");
}

TEST(UnixSocket, ServeCommandListensOnTheSocketAndRemovesIt) {
  const std::string path = private_temp_path("serve.sock");
  Child server({"serve", "--unix-socket", path});
  EXPECT_EQ(server.read_line(std::chrono::seconds(10)),
            "listening on http://localhost/ at unix:" + path);
  Outcome o = run_inprocess({"-n", "5", "-c", "1", "--unix-socket", path, "http://localhost/"});
  EXPECT_EQ(o.code, kExitOk) << o.err;
  EXPECT_NE(o.out.find("unix socket " + path), std::string::npos) << o.out;
  server.signal(SIGTERM);
  EXPECT_EQ(server.wait(std::chrono::seconds(10)), 0);
  EXPECT_FALSE(std::filesystem::exists(path));
}

// --- Proxies: units ---------------------------------------------------------------------------

TEST(Proxy, ParsesProxyUrls) {
  std::optional<std::string> credentials;
  Target t = parse_proxy_url("http://proxy.example.test:3128/", credentials);
  EXPECT_EQ(t.host, "proxy.example.test");
  EXPECT_EQ(t.port, 3128);
  EXPECT_FALSE(credentials);
  t = parse_proxy_url("10.0.0.1:8080", credentials);
  EXPECT_EQ(t.host, "10.0.0.1");
  EXPECT_EQ(t.port, 8080);
  EXPECT_EQ(parse_proxy_url("http://[::1]", credentials).port, 1080);
  t = parse_proxy_url("http://al%40ice:s3cret@proxy.test:1", credentials);
  EXPECT_EQ(credentials.value_or(""), "al@ice:s3cret");
  for (const char* bad : {"https://proxy.test:443", "socks5://proxy.test:1080", "http://",
                          "http://proxy.test:0", "http://proxy.test:1/path"}) {
    EXPECT_THROW(parse_proxy_url(bad, credentials), UsageError) << bad;
  }
  try {
    parse_proxy_url("https://bob:s3cret@proxy.test", credentials);
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()).find("s3cret"), std::string::npos) << e.what();
  }
}

TEST(Proxy, NoProxyFollowsCurl) {
  EXPECT_TRUE(no_proxy_matches("*", "anything.test"));
  EXPECT_TRUE(no_proxy_matches("example.test", "example.test"));
  EXPECT_TRUE(no_proxy_matches("example.test", "api.example.test"));
  EXPECT_TRUE(no_proxy_matches(".example.test", "api.example.test"));
  EXPECT_TRUE(no_proxy_matches(" other.test , EXAMPLE.test", "Api.Example.Test"));
  EXPECT_FALSE(no_proxy_matches("example.test", "badexample.test"));
  EXPECT_FALSE(no_proxy_matches("example.test", "example.testing"));
  EXPECT_TRUE(no_proxy_matches("127.0.0.1", "127.0.0.1"));
  EXPECT_FALSE(no_proxy_matches("0.0.1", "127.0.0.1"));
  EXPECT_TRUE(no_proxy_matches("[::1]", "::1"));
  EXPECT_FALSE(no_proxy_matches("", "example.test"));
  EXPECT_FALSE(no_proxy_matches("*.example.test,", "example.test"));
}

TEST(Proxy, EnvironmentOnlyWithProxyFromEnv) {
  const std::map<std::string, std::string> env{{"http_proxy", "http://127.0.0.1:3128"},
                                               {"HTTPS_PROXY", "http://u:p@127.0.0.1:3129"},
                                               {"NO_PROXY", "skip.test"}};
  const EnvironmentLookup lookup = [&](const char* name) -> const char* {
    const auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  EXPECT_FALSE(parse_command_line({"http://a.test/"}, lookup).options.proxy);
  Options o = parse_command_line({"--proxy-from-env", "http://a.test/"}, lookup).options;
  ASSERT_TRUE(o.proxy);
  EXPECT_EQ(o.proxy->port, 3128);
  EXPECT_FALSE(o.proxy_user);
  o = parse_command_line({"--proxy-from-env", "https://a.test/"}, lookup).options;
  ASSERT_TRUE(o.proxy);
  EXPECT_EQ(o.proxy->port, 3129);
  EXPECT_EQ(o.proxy_user.value_or(""), "u:p");
  EXPECT_EQ(display_proxy(o), "http://***@127.0.0.1:3129");
  EXPECT_FALSE(
      parse_command_line({"--proxy-from-env", "http://api.skip.test/"}, lookup).options.proxy);
}

TEST(Proxy, RequestFormsAndTunnelRequest) {
  Options o = parse_command_line({"--proxy", "127.0.0.1:3128", "--proxy-user", "alice:s3cret",
                                  "http://origin.test:8080/a?b=1"})
                  .options;
  const std::string request = serialize_request(o);
  EXPECT_EQ(
      request.rfind("GET http://origin.test:8080/a?b=1 HTTP/1.1\r\nHost: origin.test:8080\r\n", 0),
      0u)
      << request;
  EXPECT_NE(request.find("Proxy-Authorization: Basic " + base64_encode("alice:s3cret")),
            std::string::npos);
  EXPECT_TRUE(connect_request(o).empty());

  o = parse_command_line(
          {"--proxy", "127.0.0.1:3128", "--proxy-user", "alice:s3cret", "https://origin.test/a"})
          .options;
  // The origin inside the tunnel gets an origin-form request without the proxy's credentials.
  const std::string inner = serialize_request(o);
  EXPECT_EQ(inner.rfind("GET /a HTTP/1.1\r\n", 0), 0u) << inner;
  EXPECT_EQ(inner.find("Proxy-Authorization"), std::string::npos);
  EXPECT_EQ(connect_request(o),
            "CONNECT origin.test:443 HTTP/1.1\r\nHost: origin.test:443\r\nUser-Agent: httpbench/" +
                std::string(kVersion) + "\r\nProxy-Authorization: Basic " +
                base64_encode("alice:s3cret") + "\r\n\r\n");
}

TEST(Proxy, CredentialsAreRedactedFromTheCommandLine) {
  const auto r =
      redact_command_line({"--proxy-user", "alice:s3cret", "--proxy-user=bob:pw", "--proxy",
                           "carol:pw2@127.0.0.1:1", "--proxy=http://dave:pw3@127.0.0.1:2"});
  const std::vector<std::string> expected{"--proxy-user",     "***",
                                          "--proxy-user=***", "--proxy",
                                          "***@127.0.0.1:1",  "--proxy=http://***@127.0.0.1:2"};
  EXPECT_EQ(r, expected);
}

TEST(Proxy, BadInputIsAUsageError) {
  expect_usage_error({"--proxy-user", "a:b", "http://127.0.0.1:9/"}, "--proxy-user needs --proxy");
  expect_usage_error({"--proxy", "127.0.0.1:9", "--proxy-user", "nocolon", "http://127.0.0.1:9/"},
                     "--proxy-user: expected user:password");
  expect_usage_error({"--proxy", "https://127.0.0.1:9", "http://127.0.0.1:9/"},
                     "only http:// proxies");
  expect_usage_error({"--proxy", "", "http://127.0.0.1:9/"}, "--proxy");
  expect_usage_error({"--proxy", "127.0.0.1:9", "--proxy-from-env", "http://127.0.0.1:9/"},
                     "exclude each other");
  // The proxy's host is resolved (once), not the target's.
  expect_usage_error({"--proxy", "http://" + unresolvable_host() + ":3128", "http://127.0.0.1:9/"},
                     "proxy: cannot resolve host");
}

// --- Proxies: end to end ---------------------------------------------------------------------

TEST_P(ProxyInEveryMode, HttpInAbsoluteFormWithKeepAlive) {
  auto server = start_server();
  ProxyServer proxy;
  Outcome o = run_inprocess(for_mode({"--mode", GetParam(), "-n", "12", "-c", "3", "--json",
                                      "--proxy", proxy.url(), server->url() + "items"}));
  ASSERT_EQ(o.code, kExitOk) << o.err << o.out;
  const auto doc = document(o);
  EXPECT_EQ(first_run(o).at("succeeded").as_int64(), 12);
  EXPECT_EQ(server->requests_received(), 12u);
  const auto lines = proxy.request_lines();
  ASSERT_EQ(lines.size(), 12u);
  for (const std::string& line : lines)
    EXPECT_EQ(line, "GET " + server->url() + "items HTTP/1.1");
  // Kept alive to the proxy: one connection per client at most.
  EXPECT_LE(proxy.connections(), 3u);
  EXPECT_EQ(doc.at("options").at("proxy").as_string(), proxy.url());
  const auto& addresses = doc.at("manifest").at("resolved_addresses").as_array();
  ASSERT_EQ(addresses.size(), 1u);
  EXPECT_EQ(addresses[0].as_string(), proxy.url().substr(7));
}

TEST_P(ProxyInEveryMode, HttpsThroughAConnectTunnel) {
  auto server = start_tls_server();
  ProxyServer proxy;
  // localhost: the proxy resolves it; SNI and verification use the target's name.
  const std::string target = "https://localhost:" + std::to_string(server->port()) + "/";
  Outcome o = run_inprocess(for_mode({"--mode", GetParam(), "-n", "12", "-c", "3", "--cacert",
                                      pki().ca(), "--json", "--proxy", proxy.url(), target}));
  ASSERT_EQ(o.code, kExitOk) << o.err << o.out;
  const auto run = first_run(o);
  EXPECT_EQ(run.at("succeeded").as_int64(), 12);
  EXPECT_EQ(server->requests_received(), 12u);
  const auto lines = proxy.request_lines();
  ASSERT_GE(lines.size(), 1u);
  EXPECT_LE(lines.size(), 3u);
  for (const std::string& line : lines)
    EXPECT_EQ(line, "CONNECT localhost:" + std::to_string(server->port()) + " HTTP/1.1");
  EXPECT_EQ(run.at("tls").at("full_handshakes").as_int64() +
                run.at("tls").at("resumed_handshakes").as_int64(),
            static_cast<std::int64_t>(lines.size()));
}

TEST_P(ProxyInEveryMode, ProxyAuthorizationIsSentAndNeverPrinted) {
  auto http_server = start_server();
  auto tls_server = start_tls_server();
  const std::string secret = "alice:s3cret-Pw";
  const std::string expected = "Basic " + base64_encode(secret);
  ProxyServerOptions po;
  po.required_authorization = expected;
  ProxyServer proxy(po);
  const std::string tls_target = "https://localhost:" + std::to_string(tls_server->port()) + "/";
  for (const std::string& target : {http_server->url(), tls_target}) {
    for (const char* format : {"text", "json"}) {
      Outcome o = run_inprocess(for_mode({"--mode", GetParam(), "-n", "4", "-c", "2", "--format",
                                          format, "--cacert", pki().ca(), "--proxy", proxy.url(),
                                          "--proxy-user", secret, "-H", "X-Test: 1", target}));
      EXPECT_EQ(o.code, kExitOk) << o.err << o.out;
      for (const std::string& text : {o.out, o.err}) {
        EXPECT_EQ(text.find("s3cret"), std::string::npos) << text;
        EXPECT_EQ(text.find(base64_encode(secret)), std::string::npos) << text;
      }
      if (std::string(format) == "text") {
        EXPECT_NE(o.out.find("proxy      http://***@127.0.0.1:"), std::string::npos) << o.out;
      } else {
        EXPECT_EQ(document(o).at("options").at("proxy").as_string(),
                  "http://***@" + proxy.url().substr(7));
      }
    }
  }
  EXPECT_EQ(http_server->requests_received(), 8u);
  EXPECT_EQ(tls_server->requests_received(), 8u);
  for (const std::string& seen : proxy.authorizations())
    EXPECT_EQ(seen, expected);
}

TEST_P(ProxyInEveryMode, ConnectRefusedIsAConnectFailureWithTheStatus) {
  auto server = start_tls_server();
  const std::string target = "https://localhost:" + std::to_string(server->port()) + "/";
  {
    ProxyServerOptions po;
    po.refuse_connect = 403;
    ProxyServer proxy(po);
    Outcome o = run_inprocess(for_mode({"--mode", GetParam(), "-n", "4", "-c", "2", "--cacert",
                                        pki().ca(), "--json", "--proxy", proxy.url(), target}));
    EXPECT_EQ(o.code, kExitFailures) << o.err;
    const auto run = first_run(o);
    EXPECT_EQ(run.at("errors").at("connect").as_int64(), 4);
    EXPECT_NE(error_example(run, "connect").find("refused CONNECT: 403"), std::string::npos)
        << error_example(run, "connect");
  }
  {
    // Credentials required but none given: 407.
    ProxyServerOptions po;
    po.required_authorization = "Basic " + base64_encode("a:b");
    ProxyServer proxy(po);
    Outcome o = run_inprocess(for_mode({"--mode", GetParam(), "-n", "3", "-c", "1", "--cacert",
                                        pki().ca(), "--json", "--proxy", proxy.url(), target}));
    EXPECT_EQ(o.code, kExitFailures) << o.err;
    const auto run = first_run(o);
    EXPECT_EQ(run.at("errors").at("connect").as_int64(), 3);
    EXPECT_NE(error_example(run, "connect").find("407 Proxy Authentication Required"),
              std::string::npos)
        << error_example(run, "connect");
  }
  EXPECT_EQ(server->requests_received(), 0u);
}

TEST_P(ProxyInEveryMode, DeadProxyIsAConnectFailure) {
  auto server = start_server();
  const std::string proxy = "http://127.0.0.1:" + std::to_string(unused_loopback_port());
  Outcome o = run_inprocess(for_mode(
      {"--mode", GetParam(), "-n", "4", "-c", "2", "--json", "--proxy", proxy, server->url()}));
  EXPECT_EQ(o.code, kExitFailures) << o.err;
  const auto run = first_run(o);
  EXPECT_EQ(run.at("errors").at("connect").as_int64(), 4);
  EXPECT_NE(error_example(run, "connect").find("proxy " + proxy.substr(7) + ": Connection refused"),
            std::string::npos)
      << error_example(run, "connect");
  EXPECT_EQ(server->requests_received(), 0u);
}

TEST_P(ProxyInEveryMode, ProxyFromEnvironmentHonoursNoProxy) {
  auto server = start_server();
  ProxyServer proxy;
  const std::vector<std::string> args = for_mode(
      {"--mode", GetParam(), "-n", "5", "-c", "1", "--json", "--proxy-from-env", server->url()});
  // NO_PROXY matches the target's address: straight to the server.
  Outcome bypass = run_with_environment(
      args, {{"http_proxy", proxy.url()}, {"NO_PROXY", "example.test, 127.0.0.1"}});
  ASSERT_EQ(bypass.code, kExitOk) << bypass.err;
  EXPECT_TRUE(document(bypass).at("options").at("proxy").is_null());
  EXPECT_TRUE(proxy.request_lines().empty());
  EXPECT_EQ(server->requests_received(), 5u);
  // NO_PROXY does not match: through the proxy (upper-case names work too).
  Outcome via = run_with_environment(
      args, {{"HTTP_PROXY", proxy.url()}, {"no_proxy", "example.test,127.0.0.2"}});
  ASSERT_EQ(via.code, kExitOk) << via.err;
  EXPECT_EQ(document(via).at("options").at("proxy").as_string(), proxy.url());
  EXPECT_EQ(proxy.request_lines().size(), 5u);
  EXPECT_EQ(server->requests_received(), 10u);
  // Without --proxy-from-env the environment is ignored.
  Outcome ignored = run_with_environment(
      for_mode({"--mode", GetParam(), "-n", "2", "-c", "1", "--json", server->url()}),
      {{"http_proxy", proxy.url()}});
  ASSERT_EQ(ignored.code, kExitOk) << ignored.err;
  EXPECT_EQ(proxy.request_lines().size(), 5u);
}

INSTANTIATE_TEST_SUITE_P(Modes, ProxyInEveryMode, ::testing::Values("sync", "threads", "async"));
