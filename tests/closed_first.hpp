// Which side of a TCP connection closed first: that side goes through FIN_WAIT to TIME_WAIT and
// keeps the TIME_WAIT.
#pragma once

#include <cstdint>

namespace httpbench::test {

// TCP sockets (IPv4 and IPv6) that closed first, from FIN_WAIT1 to TIME_WAIT, whose remote port
// is `port` (`remote`: the client's side of connections to a server on `port`) or whose local port
// is `port` (the server's side). The FIN_WAIT states count too: a connection a test's set-up
// closed becomes a TIME_WAIT only once the server has answered its FIN, which may be during the
// test.
int closed_first(std::uint16_t port, bool remote);

}  // namespace httpbench::test
