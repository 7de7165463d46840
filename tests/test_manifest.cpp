// The reproducibility manifest in every JSON result: versions, machine, target facts, and the
// command line with its credentials redacted.
#include "httpbench/cli/collect_manifest.hpp"
#include "httpbench/report/manifest.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "httpbench/cli/request_options.hpp"
#include "httpbench/version.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;

namespace {

boost::json::object manifest_of(const Outcome& o) {
  return boost::json::parse(o.out).as_object().at("manifest").as_object();
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST(Manifest, DescribesTheRunTheMachineAndTheTarget) {
  auto server = start_server();
  Outcome o = run_inprocess({"-n", "5", "-c", "2", "--json", "--basic-auth", "alice:s3cr3t-pw",
                             "-H", "Cookie: session=cookie-secret", server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const auto m = manifest_of(o);
  EXPECT_EQ(m.at("httpbench_version").as_string(), kVersion);
  EXPECT_EQ(m.at("boost_version").as_string().subview().substr(0, 2), "1.");
  EXPECT_TRUE(contains(std::string(m.at("openssl_version").as_string()), "SSL"));
  EXPECT_FALSE(m.at("compiler").as_string().empty());
  EXPECT_GE(m.at("cpu_count").as_int64(), 1);
  EXPECT_TRUE(m.at("cpu_model").is_string() || m.at("cpu_model").is_null());
  EXPECT_EQ(m.at("kernel").as_string().subview().substr(0, 5), "Linux");
  EXPECT_TRUE(m.at("open_files_limit").is_int64() || m.at("open_files_limit").is_null());
  const auto& addresses = m.at("resolved_addresses").as_array();
  ASSERT_FALSE(addresses.empty());
  EXPECT_EQ(addresses[0].as_string(), "127.0.0.1:" + std::to_string(server->port()));
  // What the built-in server sends.
  EXPECT_EQ(m.at("server_header").as_string(), "httpbench");
  EXPECT_TRUE(m.at("tls_version").is_null());
  EXPECT_TRUE(m.at("alpn").is_null());
  const auto& argv = m.at("command_line").as_array();
  ASSERT_EQ(argv.size(), 10u);
  EXPECT_EQ(argv[0].as_string(), "-n");
  EXPECT_EQ(argv[5].as_string(), "--basic-auth");
  EXPECT_EQ(argv[6].as_string(), "***");
  EXPECT_EQ(argv[8].as_string(), "Cookie: ***");
  EXPECT_EQ(argv[9].as_string(), server->url());
  // Nowhere in the document.
  EXPECT_FALSE(contains(o.out, "s3cr3t-pw"));
  EXPECT_FALSE(contains(o.out, "cookie-secret"));
}

TEST(Manifest, InEveryJsonResult) {
  auto server = start_server();
  const std::string path = private_temp_path("manifest.json");
  Outcome o =
      run_inprocess({"--compare", "sync,async", "-n", "4", "-q", "-o", path, server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  Outcome merged = run_inprocess({"merge", "--json", path});
  ASSERT_EQ(merged.code, kExitOk) << merged.err;
  const auto m = manifest_of(merged);
  EXPECT_EQ(m.at("httpbench_version").as_string(), kVersion);
  EXPECT_EQ(m.at("command_line").as_array().size(), 3u);
  std::remove(path.c_str());
}

TEST(Manifest, RedactsCredentialsInEveryForm) {
  const std::vector<std::string> args = {"--basic-auth",
                                         "u:p1",
                                         "--basic-auth=u:p2",
                                         "-H",
                                         "Authorization: Bearer t3",
                                         "-Hauthorization:Bearer t4",
                                         "--header=Proxy-Authorization: Basic t5",
                                         "--header",
                                         "X-Trace: visible",
                                         "https://user:p6@example.com/x",
                                         "-n",
                                         "10"};
  const auto out = redact_command_line(args);
  ASSERT_EQ(out.size(), args.size());
  EXPECT_EQ(out[0], "--basic-auth");
  EXPECT_EQ(out[1], "***");
  EXPECT_EQ(out[2], "--basic-auth=***");
  EXPECT_EQ(out[4], "Authorization: ***");
  EXPECT_EQ(out[5], "-Hauthorization: ***");
  EXPECT_EQ(out[6], "--header=Proxy-Authorization: ***");
  EXPECT_EQ(out[8], "X-Trace: visible");
  EXPECT_EQ(out[10], "-n");
  EXPECT_EQ(out[11], "10");
  std::string all;
  for (const auto& a : out)
    all += a + " ";
  for (const char* secret : {"p1", "p2", "t3", "t4", "t5", "p6"})
    EXPECT_FALSE(contains(all, secret)) << secret << " in " << all;
}
