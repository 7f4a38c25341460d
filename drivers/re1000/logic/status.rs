// SPDX-License-Identifier: GPL-2.0

//! How the link state is reported. The STATUS register's fields are decoded by its
//! type (`regs::STATUS`, `regs::LinkSpeed`).

/// "Full" or "Half", as the C e1000 prints it.
pub(crate) fn duplex_name(full_duplex: bool) -> &'static str {
    if full_duplex {
        "Full Duplex"
    } else {
        "Half Duplex"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplex_names_as_the_c_driver_prints_them() {
        assert_eq!(duplex_name(true), "Full Duplex");
        assert_eq!(duplex_name(false), "Half Duplex");
    }
}
