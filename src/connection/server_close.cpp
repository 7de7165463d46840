#include "httpbench/connection/server_close.hpp"

#include <sys/socket.h>

#include <cerrno>

namespace httpbench {

bool read_to_server_close(int fd, std::size_t& budget) {
  char dropped[512];
  for (;;) {
    const ssize_t n = ::recv(fd, dropped, sizeof(dropped), MSG_DONTWAIT);
    if (n == 0) return true;
    if (n > 0) {
      const auto read = static_cast<std::size_t>(n);
      if (read >= budget) return true;
      budget -= read;
      continue;
    }
    if (errno == EINTR) continue;
    return errno != EAGAIN && errno != EWOULDBLOCK;
  }
}

}  // namespace httpbench
