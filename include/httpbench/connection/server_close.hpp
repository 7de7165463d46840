// Closing a connection after a response whose server announced `Connection: close`, for both
// clients: the client closes once the server's FIN is in, not before.
//
// Why: closing before the FIN arrives makes the close simultaneous, and a TIME_WAIT then stays on
// this side as well as the server's: a kernel timer and a hash entry per connection and, against
// a remote server, a local port held for a minute, so that a long run without keep-alive runs out
// of ports. The FIN trails the response by microseconds over loopback: at -c1, 30 % of the async
// client's connections and 92 % of the sync client's were closed before it.
//
// Why the bytes before the FIN are read and dropped: over TLS the server sends its close_notify
// alert just before the FIN. Counting those bytes as "the server has closed" closed the client
// between the two. They are read from the socket, under the TLS layer, which is not read again:
// the clients mark its shutdown done when they close, so the session stays resumable.
#pragma once

#include <chrono>
#include <cstddef>

namespace httpbench {

// How long the client waits for the FIN at most (less when the request's deadline is sooner). The
// FIN trails the response by microseconds over loopback, and over a network it comes with the
// response's last segments, the server's close following its write. The bound is for a server
// that announces a close and then does not close: it costs a run 200 ms per connection rather
// than the request's timeout, and leaves a TIME_WAIT on the client's side.
inline constexpr std::chrono::milliseconds kServerCloseGrace{200};

// Bytes past a response read while waiting for the FIN, at most: a close_notify is 24 to 31
// bytes; a server that sends more than this without closing is not waited for.
inline constexpr std::size_t kBytesBeforeServerClose = 16 * 1024;

// Reads what the server sent after its response, without blocking, up to its FIN. True when the
// connection can be closed: the FIN is in, the socket failed, or `budget` (decreased by the bytes
// read) is spent. False when nothing more is in yet: wait until `fd` is readable and ask again.
bool read_to_server_close(int fd, std::size_t& budget);

}  // namespace httpbench
