//! The render benchmark (`?render-bench=100x5000`): a synthetic scene of N
//! nodes on a circle and M messages moving between them forever, drawn by the
//! same renderer as the real app. It measures drawing only; it is not a
//! protocol and runs no simulator (and so needs no randomness: the messages'
//! routes and timings come from a fixed integer hash of their index).

use super::palette::{Shape, PALETTE_LEN};
use super::scene::{MsgDraw, NodeDraw, Scene};
use protocol::present::Tone;
use protocol::Status;

/// Largest benchmark scene accepted from the URL.
pub const MAX_NODES: u32 = 1_000;
pub const MAX_MSGS: u32 = 200_000;

/// Read `NxM` (nodes x messages).
pub fn parse(spec: &str) -> Result<(u32, u32), String> {
    let bad = || format!("render-bench: expected NODESxMESSAGES like 100x5000, got {spec:?}");
    let (n, m) = spec.split_once(['x', 'X']).ok_or_else(bad)?;
    let n: u32 = n.trim().parse().map_err(|_| bad())?;
    let m: u32 = m.trim().parse().map_err(|_| bad())?;
    if !(2..=MAX_NODES).contains(&n) || m > MAX_MSGS {
        return Err(format!("render-bench: nodes must be 2..={MAX_NODES} and messages at most {MAX_MSGS}"));
    }
    Ok((n, m))
}

fn mix(mut x: u32) -> u32 {
    x ^= x >> 16;
    x = x.wrapping_mul(0x7feb_352d);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846c_a68b);
    x ^ (x >> 16)
}

/// A message's fixed route and period.
#[derive(Clone, Copy, Debug)]
struct Route {
    from: u32,
    to: u32,
    period: f64,
    offset: f64,
}

/// The synthetic scene and the routes that move it.
pub struct Bench {
    pub scene: Scene,
    routes: Vec<Route>,
}

impl Bench {
    pub fn new(nodes: u32, msgs: u32) -> Self {
        let mut scene = Scene::default();
        scene.synthetic = true;
        // Node 0 leads (and pulses), as a cluster's leader would.
        scene.lead_role = Some("lead");
        for id in 0..nodes {
            let (role, tone) = if id == 0 { ("lead", Tone::GREEN) } else { ("node", Tone::BLUE) };
            scene.nodes.push(NodeDraw {
                id,
                role,
                color: tone.slot(),
                shape: Shape::Circle,
                name: id.to_string(),
                badge: "T1".to_string(),
                status: Status::Up,
                ring: None,
                group: None,
                note: String::new(),
                halo: false,
                blamed: false,
                server_ring: None,
            });
        }
        let routes: Vec<Route> = (0..msgs)
            .map(|i| {
                let h = mix(i.wrapping_add(1));
                let from = h % nodes;
                let to = (from + 1 + (h >> 8) % (nodes - 1)) % nodes;
                Route { from, to, period: 200.0 + f64::from((h >> 4) % 600), offset: f64::from((h >> 12) % 1000) }
            })
            .collect();
        scene.msgs = routes
            .iter()
            .enumerate()
            .map(|(i, r)| MsgDraw {
                id: i as u64,
                from: r.from,
                to: r.to,
                sent_at: 0.0,
                deliver_at: r.period,
                color: [0, 1, 3, 4][i % 4] % PALETTE_LEN,
                held: false,
            })
            .collect();
        Self { scene, routes }
    }

    /// Move every message to its current trip at time `t`.
    pub fn update(&mut self, t: f64) {
        for (m, r) in self.scene.msgs.iter_mut().zip(&self.routes) {
            let trips = ((t + r.offset) / r.period).floor();
            m.sent_at = trips * r.period - r.offset;
            m.deliver_at = m.sent_at + r.period;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_parses_and_is_bounded() {
        assert_eq!(parse("100x5000"), Ok((100, 5000)));
        assert!(parse("100").is_err());
        assert!(parse("1x5").is_err());
        assert!(parse("10x999999999").is_err());
    }

    #[test]
    fn messages_keep_moving_between_distinct_nodes() {
        let mut b = Bench::new(100, 5000);
        assert_eq!(b.scene.msgs.len(), 5000);
        assert!(b.scene.msgs.iter().all(|m| m.from != m.to && m.to < 100));
        b.update(12_345.0);
        assert!(b.scene.msgs.iter().all(|m| m.sent_at <= 12_345.0 && 12_345.0 < m.deliver_at));
    }
}
