#include "closed_first.hpp"

#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace httpbench::test {

// From /proc/net/tcp and tcp6: "sl local_address rem_address st ...", addresses as HEX:PORT and
// the state in hex: FIN_WAIT1 04, FIN_WAIT2 05, TIME_WAIT 06, CLOSING 0B.
int closed_first(std::uint16_t port, bool remote) {
  const std::set<std::string> kClosedFirst{"04", "05", "06", "0B"};
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
      if (colon == std::string::npos || !kClosedFirst.contains(state)) continue;
      if (std::stoul(address.substr(colon + 1), nullptr, 16) == port) ++count;
    }
  }
  return count;
}

}  // namespace httpbench::test
