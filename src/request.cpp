#include "httpbench/request.hpp"

#include <sstream>

#include <fmt/format.h>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/write.hpp>

namespace httpbench {

std::string serialize_request(const Options& options) {
  namespace http = boost::beast::http;
  http::request<http::empty_body> req{http::verb::get, options.target.target, 11};
  req.set(http::field::host, options.target.host_header());
  req.set(http::field::user_agent, fmt::format("httpbench/{}", kVersion));
  req.set(http::field::accept, "*/*");
  if (!options.keep_alive) req.set(http::field::connection, "close");
  std::ostringstream out;
  out << req;
  return std::move(out).str();
}

}  // namespace httpbench
