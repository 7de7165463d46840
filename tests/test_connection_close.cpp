// A connection the server says it will close is closed by the client only once the server's FIN
// is in: the TIME_WAIT then stays on the server's side, and a long run without keep-alive does
// not hold a local port per connection for a minute.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "httpbench/serve.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;

namespace {

// TCP sockets in TIME_WAIT whose local (or, with `remote`, remote) port is `port`, from
// /proc/net/tcp and tcp6: "sl local_address rem_address st ...", addresses as HEX:PORT.
int time_waits(std::uint16_t port, bool remote) {
  constexpr const char* kTimeWait = "06";
  int count = 0;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, rem, state;
      fields >> slot >> local >> rem >> state;
      const std::string& address = remote ? rem : local;
      const auto colon = address.rfind(':');
      if (colon == std::string::npos || state != kTimeWait) continue;
      if (std::stoul(address.substr(colon + 1), nullptr, 16) == port) ++count;
    }
  }
  return count;
}

class ClosesAfterTheServer : public ::testing::TestWithParam<const char*> {};

}  // namespace

TEST_P(ClosesAfterTheServer, LeavesNoTimeWaitOnTheClientsSide) {
  auto server = start_server();
  // A test that ran before may have had a server on this port number and left client-side
  // TIME_WAITs toward it (idle keep-alive connections closed by the client at the end of a run):
  // they may expire during this run, but none may be added.
  const int before = time_waits(server->port(), true);
  Outcome o = run_inprocess(
      {"--mode", GetParam(), "-n", "300", "-c", "1", "--no-keep-alive", "--json", server->url()});
  ASSERT_EQ(o.code, 0) << o.err;
  auto run = first_run(o);
  EXPECT_EQ(run.at("succeeded").as_int64(), 300);
  EXPECT_EQ(run.at("connections").as_int64(), 300);
  // The client's sockets (remote port = the server's) closed after the server's FIN, passively.
  EXPECT_LE(time_waits(server->port(), true), before);
  // The server closed first: its side holds them.
  EXPECT_GT(time_waits(server->port(), false), 0);
}

INSTANTIATE_TEST_SUITE_P(Modes, ClosesAfterTheServer,
                         ::testing::Values("sync", "threads", "async"));
