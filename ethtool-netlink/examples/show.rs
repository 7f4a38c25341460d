// SPDX-License-Identifier: GPL-2.0
//! What `ethtool IF` and `ethtool -i IF` print, through this crate:
//! `cargo run -p ethtool-netlink --example show -- enp0s9`.

use ethtool_netlink::{Duplex, Ethtool, Ioctl};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let ifname = std::env::args().nth(1).ok_or("usage: show IFNAME")?;
    let info = Ioctl::open()?.drvinfo(&ifname)?;
    println!(
        "driver: {} {} ({})",
        info.driver, info.version, info.bus_info
    );
    let eth = Ethtool::connect()?;
    let modes = eth.linkmodes_get(&ifname)?;
    let speed = modes
        .speed
        .map_or("unknown".to_owned(), |s| format!("{s} Mb/s"));
    let duplex = match modes.duplex {
        Duplex::Half => "half",
        Duplex::Full => "full",
        Duplex::Unknown => "unknown",
    };
    println!(
        "speed: {speed}, duplex: {duplex}, autoneg: {}",
        modes.autoneg
    );
    println!("advertised: {}", modes.advertised.join(" "));
    let state = eth.linkstate_get(&ifname)?;
    println!("link detected: {:?}", state.link);
    Ok(())
}
