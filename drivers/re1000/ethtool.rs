// SPDX-License-Identifier: GPL-2.0

//! `ethtool_ops`: what `ethtool` can ask and set.

use kernel::prelude::*;

use crate::{
    net::{
        ethtool::{
            DrvInfo,
            Operations, //
        },
        netdev::NetDev, //
    },
    netdev::Adapter,
    DRIVER_VERSION, //
};

#[vtable]
impl Operations for Adapter<'_> {
    fn get_drvinfo(this: Pin<&Self>, _dev: &NetDev, info: &mut DrvInfo) {
        info.set_driver("re1000");
        info.set_version(DRIVER_VERSION);
        let device: &kernel::device::Device<kernel::device::Bound> = this.pdev.as_ref();
        info.set_bus_info(device.name().to_str().unwrap_or(""));
    }
}
