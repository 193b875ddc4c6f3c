//! An IP network (`10.0.0.0/8`, `::1`), for the proxies whose forwarded headers are believed.

use std::net::IpAddr;

/// An address with a prefix length; a bare address is a network of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl Network {
    /// Parses `a.b.c.d`, `a.b.c.d/n`, an IPv6 address or an IPv6 address with `/n`.
    pub fn parse(text: &str) -> Result<Network, String> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("{text:?} is not an IP address or network such as 10.0.0.0/8"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{text:?}: the prefix length must be 0 to {max}"))?,
        };
        Ok(Network { addr, prefix })
    }

    /// Parses a comma- or space-separated list.
    pub fn parse_list(text: &str) -> Result<Vec<Network>, String> {
        text.split([',', ' '])
            .filter(|s| !s.trim().is_empty())
            .map(Network::parse)
            .collect()
    }

    /// True when `ip` lies in this network (an IPv4-mapped IPv6 address counts as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Network;

    #[test]
    fn networks_hold_their_addresses_and_no_others() {
        let nets = Network::parse_list("127.0.0.1, 10.0.0.0/8 fd00::/8").unwrap();
        let ip = |s: &str| s.parse().unwrap();
        assert!(nets[0].contains(ip("127.0.0.1")) && !nets[0].contains(ip("127.0.0.2")));
        assert!(nets[1].contains(ip("10.200.3.4")) && !nets[1].contains(ip("11.0.0.1")));
        assert!(
            nets[1].contains(ip("::ffff:10.1.1.1")),
            "an IPv4-mapped address"
        );
        assert!(nets[2].contains(ip("fd12::1")) && !nets[2].contains(ip("fe80::1")));
        assert!(Network::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        for bad in ["10.0.0.0/33", "proxy.example", "10.0.0/8", "::1/129"] {
            assert!(Network::parse(bad).is_err(), "{bad}");
        }
    }
}
