// The read buffer of a connection: small for small responses, grown once for large ones.
#pragma once

#include <cstddef>
#include <cstdint>

namespace httpbench {

// Beast reads at most what the buffer has room for (at least 512 bytes), so 16 KiB bodies took
// 32 reads. A connection grows its buffer to this once, when a body larger than the buffer
// arrives; small-response connections stay small, which keeps ten thousand connections cheap.
inline constexpr std::size_t kLargeReadBuffer = 64 * 1024;

// Grows `buffer` before reading a body of `body_bytes` (unknown length: pass kLargeReadBuffer).
template <class Buffer>
void grow_for_large_responses(Buffer& buffer, std::uint64_t body_bytes) {
  if (body_bytes > buffer.capacity() - buffer.size() && buffer.capacity() < kLargeReadBuffer) {
    buffer.reserve(kLargeReadBuffer);
  }
}

}  // namespace httpbench
