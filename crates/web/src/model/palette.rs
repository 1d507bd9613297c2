//! Colours and shapes by name: the palette slot of a node role or message
//! kind, and the shape of a role. Roles and kinds with a known meaning get
//! fixed slots; anything else is hashed onto the palette (FNV-1a, the same
//! as [`protocol::present::Tone::of_name`]) so a new algorithm still gets
//! colours. Replaced by the protocols' own [`protocol::present::Look`] once
//! every protocol presents itself.

pub use protocol::present::Shape;

/// Colours the renderer picks by index (the theme maps them to CSS colours).
pub const PALETTE_LEN: usize = protocol::present::Tone::COUNT as usize;

/// Palette slot of a node role.
pub fn role_color(role: &str) -> usize {
    match role {
        "leader" => 0,
        "candidate" => 1,
        "follower" => 2,
        // Roles of the Paxos and lock algorithms that share a screen get
        // colours apart from each other (their shapes differ too).
        "acceptor" => 3,
        "proposer" | "storage" => 5,
        "learner" | "client" => 4,
        "lock_server" => 7,
        // Other algorithms' roles avoid the three Raft colours, so that no
        // role looks like a leader by accident.
        other => 3 + hash_slot(other) % (PALETTE_LEN - 3),
    }
}

/// The CSS class of a shape's legend swatch.
pub fn shape_class(shape: Shape) -> &'static str {
    match shape {
        Shape::Circle => "shape-circle",
        Shape::Diamond => "shape-diamond",
        Shape::Square => "shape-square",
        Shape::Dot => "shape-dot",
        Shape::Hexagon => "shape-hexagon",
    }
}

/// Shape of a node role: Paxos proposers are diamonds, acceptors squares and
/// learners small dots; lock servers are squares, clients circles and the
/// storage a hexagon; cluster roles (Raft, Multi-Paxos) stay circles.
pub fn role_shape(role: &str) -> Shape {
    match role {
        "proposer" => Shape::Diamond,
        "acceptor" | "lock_server" => Shape::Square,
        "learner" => Shape::Dot,
        "storage" => Shape::Hexagon,
        _ => Shape::Circle,
    }
}

/// Palette slot of a message kind.
pub fn kind_color(kind: &str) -> usize {
    match kind {
        "RequestVote" => 1,
        "RequestVoteReply" => 5,
        "AppendEntries" => 0,
        "AppendEntriesReply" => 4,
        other => hash_slot(other),
    }
}

/// FNV-1a of the name onto the palette: stable across runs and platforms.
fn hash_slot(name: &str) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    (h % PALETTE_LEN as u32) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_names_get_stable_palette_slots() {
        assert_eq!(role_color("leader"), 0);
        assert!((3..PALETTE_LEN).contains(&role_color("acceptor")));
        assert_eq!(hash_slot("acceptor"), hash_slot("acceptor"));
        assert!(kind_color("Prepare") < PALETTE_LEN);
        assert_eq!(shape_class(role_shape("storage")), "shape-hexagon");
    }
}
