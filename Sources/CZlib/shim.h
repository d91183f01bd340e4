// zlib, for reading gzip-compressed data files.
// SPDX-License-Identifier: GPL-3.0-or-later
#ifndef FTTE_CZLIB_SHIM_H
#define FTTE_CZLIB_SHIM_H

#include <zlib.h>

/// `inflateInit2` is a macro in zlib.h, which Swift cannot call; this wraps it.
static inline int ftte_inflate_init2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

#endif
