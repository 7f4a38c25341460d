// SPDX-License-Identifier: GPL-2.0

//! The link modes of the 8254x copper parts, shared by the adapter's defaults and
//! `ethtool -s`.

use crate::net::ethtool::link_mode;

/// Link modes the copper parts support (10/100 half and full, 1000 full).
pub(crate) const SUPPORTED_SPEEDS: u64 = link_mode::T10_HALF
    | link_mode::T10_FULL
    | link_mode::T100_HALF
    | link_mode::T100_FULL
    | link_mode::T1000_FULL;
/// Advertised by default, as the C driver's AutoNeg=0x2F.
pub(crate) const ADVERTISE_DEFAULT: u64 = SUPPORTED_SPEEDS;
