// Text from the user or a server made safe to print: every layer's messages and reports follow
// the one-line error rule and never echo a credential.
#pragma once

#include <string>
#include <string_view>

namespace httpbench {

// `url` made safe to print: userinfo replaced by "***" (also in a URL without a scheme,
// "user:pw@host/"), control characters escaped.
std::string redact_for_display(std::string_view url);

}  // namespace httpbench
