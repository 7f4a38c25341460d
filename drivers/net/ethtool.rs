// SPDX-License-Identifier: GPL-2.0

//! `ethtool_ops`: what `ethtool` asks a driver.
//!
//! C header: [`include/linux/ethtool.h`](srctree/include/linux/ethtool.h)

use core::marker::PhantomData;

use kernel::prelude::*;

use super::{
    bindings,
    netdev::NetDev, //
};

/// Driver identification for `ethtool -i` (`struct ethtool_drvinfo`).
#[repr(transparent)]
pub(crate) struct DrvInfo(bindings::ethtool_drvinfo);

/// Copies `src` into a fixed C string field, truncating and NUL-terminating it.
fn copy_c_string(dst: &mut [c_char], src: &str) {
    let Some(max) = dst.len().checked_sub(1) else {
        return;
    };
    let n = src.len().min(max);
    for (d, s) in dst.iter_mut().zip(&src.as_bytes()[..n]) {
        *d = *s as c_char;
    }
    dst[n..].fill(0);
}

impl DrvInfo {
    /// Sets the driver name.
    pub(crate) fn set_driver(&mut self, name: &str) {
        copy_c_string(&mut self.0.driver, name);
    }

    /// Sets the driver version.
    pub(crate) fn set_version(&mut self, version: &str) {
        copy_c_string(&mut self.0.version, version);
    }

    /// Sets the bus address, e.g. `0000:00:09.0`.
    pub(crate) fn set_bus_info(&mut self, bus: &str) {
        copy_c_string(&mut self.0.bus_info, bus);
    }
}

/// The ethtool operations a driver implements. `Self` is its net_device private data.
#[vtable]
pub(crate) trait Operations: Sized + Send + Sync {
    /// Fills in `ethtool -i`.
    fn get_drvinfo(_this: Pin<&Self>, _dev: &NetDev, _info: &mut DrvInfo) {}
}

/// Recovers the private data inside an ethtool callback.
///
/// # Safety
///
/// `dev` must be a registered net_device whose private data is `T`.
unsafe fn data<'a, T>(dev: *mut bindings::net_device) -> (&'a NetDev, Pin<&'a T>) {
    // SAFETY: ethtool ops run only on registered devices, whose private area holds an
    // initialised, pinned `T`; `NetDev` is a transparent wrapper.
    unsafe {
        let data = bindings::re1000_netdev_priv(dev).cast::<T>();
        (&*dev.cast::<NetDev>(), Pin::new_unchecked(&*data))
    }
}

struct OpsTable<T>(PhantomData<T>);

impl<T: Operations> OpsTable<T> {
    const OPS: bindings::ethtool_ops = bindings::ethtool_ops {
        get_drvinfo: if T::HAS_GET_DRVINFO {
            Some(Self::get_drvinfo)
        } else {
            None
        },
        get_link: Some(bindings::ethtool_op_get_link),
        // SAFETY: All-zero is valid for this struct of flags and optional function pointers.
        ..unsafe { core::mem::zeroed() }
    };

    /// # Safety
    ///
    /// `dev` must be a registered device whose private data is `T`, and `info` valid
    /// for writes.
    unsafe extern "C" fn get_drvinfo(
        dev: *mut bindings::net_device,
        info: *mut bindings::ethtool_drvinfo,
    ) {
        // SAFETY: Called by the ethtool core on a registered device.
        let (dev, this) = unsafe { data::<T>(dev) };
        // SAFETY: `info` is valid and exclusively ours for the call; `DrvInfo` is transparent.
        let info = unsafe { &mut *info.cast::<DrvInfo>() };
        T::get_drvinfo(this, dev, info);
    }
}

/// The `ethtool_ops` table for `T`.
pub(super) const fn build<T: Operations>() -> &'static bindings::ethtool_ops {
    &OpsTable::<T>::OPS
}
