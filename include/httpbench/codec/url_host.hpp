// The host of a URL parsed by Boost.URL, as Target keeps it; shared by the target and proxy
// parsers.
#pragma once

#include <optional>
#include <string>

#include <boost/url/url_view.hpp>

namespace httpbench {

// A name, an IPv4 address, or an IPv6 address without brackets; nullopt for the forms httpbench
// cannot connect to (IPvFuture, an empty host).
std::optional<std::string> url_host(const boost::urls::url_view& u);

}  // namespace httpbench
