// README's CI performance gate, run as written: it records a baseline and passes, then fails once
// the target is slower (the README says DELAY=40ms after a 10ms baseline makes it fail).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "test_support.hpp"

using namespace httpbench::test;

namespace {

// The shell block of README.md that begins with `# CI performance gate`.
std::string readme_gate_script() {
  std::ifstream in(std::string(HTTPBENCH_SOURCE_DIR) + "/README.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string readme = text.str();
  const std::size_t begin = readme.find("# CI performance gate");
  if (begin == std::string::npos) return {};
  const std::size_t end = readme.find("\n```", begin);
  return "#!/usr/bin/env bash\n" + readme.substr(begin, end - begin) + "\n";
}

// Runs the script in `dir` with `delay`; its exit code, its output in `log`.
int run_gate(const std::string& dir, std::uint16_t port, const std::string& delay) {
  const std::string command = "cd '" + dir +
                              "' && HTTPBENCH='" HTTPBENCH_BINARY "' PORT=" + std::to_string(port) +
                              " DELAY=" + delay + " bash gate.sh >> gate.log 2>&1";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST(ReadmeExamples, TheCiGatePassesThenFailsOnASlowerTarget) {
  const std::string script = readme_gate_script();
  ASSERT_FALSE(script.empty());
  const std::string dir = private_temp_path("readme_gate");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/gate.sh") << script;
  const std::uint16_t port = unused_loopback_port();
  EXPECT_EQ(run_gate(dir, port, "10ms"), 0);
  EXPECT_TRUE(std::filesystem::exists(dir + "/baseline.json"));
  EXPECT_EQ(run_gate(dir, port, "40ms"), 1);
  std::ifstream in(dir + "/gate.log");
  std::stringstream log;
  log << in.rdbuf();
  EXPECT_NE(log.str().find("recorded baseline.json"), std::string::npos) << log.str();
  EXPECT_NE(log.str().find("performance gate passed"), std::string::npos) << log.str();
  EXPECT_NE(log.str().find("performance gate FAILED"), std::string::npos) << log.str();
  std::filesystem::remove_all(dir);
}
