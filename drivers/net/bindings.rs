// SPDX-License-Identifier: GPL-2.0

//! Bindings for the parts of the net stack that `kernel::bindings` lacks.
//!
//! Generated at build time from `bindings_helper.h` (see `Kbuild`); only the
//! abstraction layer in this folder uses them.

#![allow(
    dead_code,
    improper_ctypes,
    missing_docs,
    non_camel_case_types,
    non_snake_case,
    non_upper_case_globals,
    unsafe_op_in_unsafe_fn,
    unnecessary_transmutes,
    unreachable_pub,
    clippy::all,
    clippy::undocumented_unsafe_blocks,
    clippy::ptr_as_ptr,
    clippy::ref_as_ptr,
    clippy::cast_lossless
)]

// Mapped by hand as in `rust/bindings/lib.rs`.
type __kernel_size_t = usize;
type __kernel_ssize_t = isize;
type __kernel_ptrdiff_t = isize;

include!("bindings_generated.rs");
