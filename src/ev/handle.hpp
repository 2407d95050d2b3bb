// RAII over libuv handles. A libuv handle must stay allocated until its
// close callback has run, so owners never free one directly: the handle lives
// on the heap and `close_and_free` hands it to uv_close, whose callback frees
// it. Loop thread only.
#pragma once

#include <uv.h>

namespace fab::ev {

template <typename H>
void close_and_free(H*& h) {
    if (!h) return;
    auto* base = reinterpret_cast<uv_handle_t*>(h);
    base->data = nullptr; // no owner any more: callbacks that still fire see null
    if (!uv_is_closing(base))
        uv_close(base, [](uv_handle_t* x) { delete reinterpret_cast<H*>(x); });
    h = nullptr;
}

// Closes every handle still open on `loop` and runs it until they are freed;
// returns uv_loop_close()'s result (0 = nothing leaked).
int close_loop(uv_loop_t* loop);

} // namespace fab::ev
