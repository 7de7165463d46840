#include "httpbench/report/manifest.hpp"

#include <boost/json/array.hpp>

namespace httpbench {

namespace json = boost::json;

json::object manifest_json(const Manifest& m) {
  auto optional = [](const auto& value) -> json::value {
    if (value) return json::value(*value);
    return nullptr;
  };
  return {
      {"httpbench_version", m.httpbench_version},
      {"boost_version", m.boost_version},
      {"openssl_version", m.openssl_version},
      {"compiler", m.compiler},
      {"cpu_model", optional(m.cpu_model)},
      {"cpu_count", m.cpu_count},
      {"kernel", m.kernel},
      {"open_files_limit", optional(m.open_files_limit)},
      {"resolved_addresses", json::array(m.resolved_addresses.begin(), m.resolved_addresses.end())},
      {"tls_version", optional(m.tls_version)},
      {"alpn", optional(m.alpn)},
      {"server_header", optional(m.server_header)},
      {"command_line", json::array(m.command_line.begin(), m.command_line.end())}};
}

}  // namespace httpbench
