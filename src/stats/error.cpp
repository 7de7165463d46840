#include "httpbench/stats/error.hpp"

namespace httpbench {

std::string_view kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::connect:
      return "connect";
    case ErrorKind::timeout:
      return "timeout";
    case ErrorKind::read:
      return "read";
    case ErrorKind::write:
      return "write";
    case ErrorKind::protocol:
      return "protocol";
    case ErrorKind::tls:
      return "tls";
    case ErrorKind::status:
      return "status";
    case ErrorKind::redirect:
      return "redirect";
    case ErrorKind::reset:
      return "reset";
  }
  return "unknown";
}

}  // namespace httpbench
