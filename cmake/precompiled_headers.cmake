# Precompiled third-party headers: most files of httpbench_core and of the tests include fmt,
# Boost.System/JSON and, through the codec and connection headers, Asio's TCP socket and Beast's
# parser; parsing them again in every file was most of a cold build's time. One PCH a target
# (the tests add GoogleTest), each compiled with its target's own flags, so warnings and
# sanitizer flags stay exactly as they are. Only headers from /usr/include (system headers, no
# warnings of ours) are listed; the project's headers stay out so an edit to them does not
# rebuild a PCH. -DHTTPBENCH_PCH=OFF builds without (e.g. to check that every file still
# includes what it uses).
option(HTTPBENCH_PCH "Precompile the third-party headers most files include" ON)

set(httpbench_pch_headers
    <algorithm>
    <chrono>
    <cstdint>
    <functional>
    <map>
    <memory>
    <optional>
    <string>
    <string_view>
    <vector>
    <fmt/format.h>
    <boost/system/error_code.hpp>
    <boost/json/array.hpp>
    <boost/json/object.hpp>
    <boost/json/value.hpp>
    <boost/asio/generic/stream_protocol.hpp>
    <boost/asio/ip/tcp.hpp>
    <boost/beast/core/flat_buffer.hpp>
    <boost/beast/http/basic_parser.hpp>)

# httpbench_precompile(target [header...]): the common headers plus the target's own.
function(httpbench_precompile target)
  if(NOT HTTPBENCH_PCH)
    return()
  endif()
  target_precompile_headers(${target} PRIVATE ${httpbench_pch_headers} ${ARGN})
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # ccache can only cache files compiled with a clang PCH when the PCH has no timestamp.
    target_compile_options(${target} PRIVATE -Xclang -fno-pch-timestamp)
  endif()
endfunction()
