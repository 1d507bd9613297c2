//! Layout geometry on the host: nodes inside the canvas and clear of one
//! another and of the banner, for every arrangement.

use super::*;

/// The protocol's banner is drawn across the top, 31 px deep: no node
/// of a columns layout reaches under it, whatever the canvas's height.
#[test]
fn columns_leave_the_banner_its_band() {
    for height in [180.0, 250.0, 400.0, 800.0] {
        for (servers, clients) in [(1, 3), (3, 1), (3, 3), (6, 2), (2, 12)] {
            let arrangement = Arrangement::Columns { servers, clients };
            let l = Layout::new(460.0, height, servers + clients + 1).arranged(arrangement);
            for id in 0..l.n {
                let top = l.node_pos(id).1 - l.node_r;
                assert!(top >= 31.0, "node {id} of {arrangement:?} at height {height}: top {top}");
            }
        }
    }
}

/// A circle under a banner starts below its band: the outbox's idle
/// banner covered node 0, the top node, at 1280×800.
#[test]
fn a_circle_clears_the_banner() {
    for (w, h) in [(900.0, 280.0), (914.0, 343.0), (390.0, 420.0)] {
        for n in [1, 2, 4, 5, 9, 16] {
            let l = Layout::below(w, h, n, BANNER_BAND);
            fits(&l);
            for id in 0..n {
                let top = l.node_pos(id).1 - l.node_r - 6.0;
                assert!(top >= BANNER_BAND, "node {id} of {n} on {w}×{h}: its ring's top at {top:.0}");
            }
        }
    }
    assert_eq!(Layout::below(900.0, 300.0, 5, 0.0), Layout::new(900.0, 300.0, 5));
}

/// Centres of every node.
fn centres(l: &Layout) -> Vec<(f64, f64)> {
    (0..l.n).map(|id| l.node_pos(id)).collect()
}

/// Every node and its labels inside the canvas, no two nodes touching.
fn fits(l: &Layout) {
    let c = centres(l);
    // Two lines of text under a node, if it has them there (small
    // nodes have none).
    let under = if l.node_r >= SMALL_NODE_R && !l.beside { 28.0 } else { 0.0 };
    for (i, &(x, y)) in c.iter().enumerate() {
        assert!(x - l.node_r >= 0.0 && x + l.node_r <= l.width, "node {i} at x={x:.0} in {l:?}");
        assert!(y - l.node_r >= 0.0 && y + l.node_r + under <= l.height, "node {i} at y={y:.0} in {l:?}");
        for (j, &(u, v)) in c.iter().enumerate().skip(i + 1) {
            assert!((x - u).hypot(y - v) > 2.0 * l.node_r + 2.0, "nodes {i} and {j} overlap in {l:?}");
        }
    }
}

#[test]
fn a_circle_on_a_wide_canvas_uses_the_width() {
    // The app's canvas at 1280×800.
    let l = Layout::new(914.0, 343.0, 5);
    fits(&l);
    let c = centres(&l);
    let span =
        |f: fn(&(f64, f64)) -> f64| c.iter().map(f).fold(f64::MIN, f64::max) - c.iter().map(f).fold(f64::MAX, f64::min);
    let (wide, high) = (span(|p| p.0), span(|p| p.1));
    assert!(wide > 0.45 * l.width, "nodes span {wide:.0} of {} px", l.width);
    assert!(high > 0.5 * l.height, "and {high:.0} of {} px", l.height);
    for n in [2, 3, 7, 9, 15, 32] {
        fits(&Layout::new(914.0, 343.0, n));
        fits(&Layout::new(390.0, 500.0, n));
    }
}

/// The columns that have nodes share the width: two at a quarter and
/// three quarters (they sat at a sixth and a half, the right third of
/// the canvas empty), three at a sixth, a half and five sixths.
#[test]
fn columns_share_the_width() {
    let xs = |servers, clients, n| {
        let l = Layout::new(900.0, 300.0, n).arranged(Arrangement::Columns { servers, clients });
        let mut xs: Vec<f64> = (0..n).map(|id| (l.node_pos(id).0 / 900.0 * 100.0).round()).collect();
        xs.dedup();
        xs
    };
    assert_eq!(xs(1, 3, 4), [25.0, 75.0], "a coordinator and its participants");
    assert_eq!(xs(3, 2, 5), [25.0, 75.0], "servers and clients");
    assert_eq!(xs(1, 2, 4), [17.0, 50.0, 83.0], "a lock server, clients, storage");
    assert_eq!(xs(2, 0, 4), [25.0, 75.0], "servers and storage, no clients");
    assert_eq!(xs(4, 0, 4), [50.0], "one column");
}

/// On the app's canvas at 1280×800 (about 900×280), four nodes to a
/// column left no room for text under nodes big enough to name: they
/// were drawn as unnamed dots. Now the text goes beside them, on the
/// side away from the other column, and inside the canvas.
#[test]
fn crowded_columns_put_the_text_beside_the_nodes() {
    let l = Layout::new(900.0, 280.0, 5).arranged(Arrangement::Columns { servers: 1, clients: 4 });
    assert!(l.beside && l.node_r >= SMALL_NODE_R, "{l:?}");
    assert_eq!(l.label_side(0), LabelSide::Left);
    assert_eq!(l.label_side(3), LabelSide::Right);
    fits(&l);
    for id in 0..l.n {
        let (x, _) = l.node_pos(id);
        let room = match l.label_side(id) {
            LabelSide::Left => x - l.node_r - BESIDE_GAP,
            LabelSide::Right => l.width - (x + l.node_r + BESIDE_GAP),
            LabelSide::Below => unreachable!(),
        };
        assert!(room >= BESIDE_TEXT, "node {id}: {room:.0} px for its text");
    }
    // With room enough, the text stays under the nodes.
    let tall = Layout::new(900.0, 600.0, 5).arranged(Arrangement::Columns { servers: 1, clients: 4 });
    assert!(!tall.beside && tall.node_r >= SMALL_NODE_R, "{tall:?}");
    assert_eq!(tall.label_side(3), LabelSide::Below);
    // A circle goes back to its own choice: five nodes' text under them.
    assert!(!l.arranged(Arrangement::Circle).beside);
}

/// More clients than a column holds stand in two staggered columns, and
/// their text goes outward beside them: eight servers behind a load
/// balancer at 1280×800 were drawn as unnamed dots (the columns' height was
/// reckoned for six to a column, not four).
#[test]
fn staggered_clients_keep_their_text() {
    for (w, h) in [(914.0, 272.0), (914.0, 343.0), (900.0, 280.0), (620.0, 300.0)] {
        for (servers, clients) in [(1, 7), (1, 8), (1, 9), (2, 8)] {
            let n = servers + clients;
            let l = Layout::new(w, h, n).arranged(Arrangement::Columns { servers, clients });
            fits(&l);
            assert!(l.node_r >= SMALL_NODE_R, "{servers}+{clients} on {w}×{h}: unlabelled ({l:?})");
            texts_clear(&l, &format!("{servers}+{clients} on {w}×{h}"));
        }
    }
}

#[test]
fn columns_fit_the_canvas() {
    for (w, h) in [(900.0, 280.0), (914.0, 343.0), (390.0, 420.0), (1400.0, 700.0)] {
        for (servers, clients, n) in [(1, 3, 4), (1, 4, 5), (3, 2, 5), (1, 2, 4), (3, 3, 6), (1, 15, 16), (5, 11, 16)] {
            fits(&Layout::new(w, h, n).arranged(Arrangement::Columns { servers, clients }));
        }
    }
}

#[test]
fn a_ring_fills_the_canvas_with_the_nodes_beside_it() {
    for (w, h) in [(914.0, 343.0), (1400.0, 700.0), (390.0, 506.0), (600.0, 600.0)] {
        for n in 2..=9 {
            let l = Layout::new(w, h, n).arranged(Arrangement::Ring);
            fits(&l);
            assert!(l.radius >= 0.25 * w.min(h), "ring radius {:.0} on {w}×{h}", l.radius);
            for (i, (x, y)) in centres(&l).into_iter().enumerate() {
                let clear = (x - l.cx).hypot(y - l.cy) - l.radius - l.node_r;
                assert!(clear >= 10.0, "node {i} of {n} is {clear:.0} px off the ring on {w}×{h}");
            }
        }
    }
    // At 1280×800 the ring was 57 px in radius inside the circle of nodes.
    assert!(Layout::new(914.0, 343.0, 5).arranged(Arrangement::Ring).radius > 150.0);
}

#[test]
fn a_crowded_rings_nodes_keep_their_names_with_their_text_beside_them() {
    // Ten nodes at 1280×800 (the canvas 914×270), twelve on a taller one,
    // were unnamed 5 px dots: text under each left too little room between
    // them.
    for (h, n) in [(270.0, 10), (343.0, 11), (343.0, 12), (400.0, 14)] {
        let l = Layout::new(914.0, h, n).arranged(Arrangement::Ring);
        assert!(l.node_r >= SMALL_NODE_R, "{n} nodes: radius {:.1}", l.node_r);
        assert!(l.beside, "{n} nodes on 914×{h}");
        assert_eq!(l.label_side(0), LabelSide::Right);
        assert_eq!(l.label_side(n - 1), LabelSide::Left);
        fits(&l);
        texts_clear(&l, &format!("a ring of {n} on 914×{h}"));
        assert!(l.radius >= 100.0, "{n} nodes: ring radius {:.0}", l.radius);
    }
    // Where text under the nodes has room, it stays there; where three
    // lines beside them would not clear the next node's, the dots stay.
    assert!(!Layout::new(914.0, 343.0, 8).arranged(Arrangement::Ring).beside);
    assert!(!Layout::new(914.0, 270.0, 12).arranged(Arrangement::Ring).beside);
    // A phone keeps its rows above and below the ring.
    assert!(!Layout::new(390.0, 506.0, 12).arranged(Arrangement::Ring).beside);
}

/// Where node `id`'s lines of text are drawn: their box (left, right, top,
/// bottom), under the node or beside it, as the renderer places them.
/// Every node's text on the canvas (beside a node, with at least the room
/// the layout promises it), clear of every other node's ring and of every
/// other node's text. Text under a node may reach one straight below it:
/// only the height parts those.
fn texts_clear(l: &Layout, what: &str) {
    let c = centres(l);
    let boxes: Vec<_> = (0..l.n).map(|id| l.text_box(id)).collect();
    for (i, &(left, right, top, bottom)) in boxes.iter().enumerate() {
        let (x, _) = c[i];
        let side = l.label_side(i as NodeId);
        let room = match side {
            LabelSide::Left => x - l.node_r - BESIDE_GAP,
            LabelSide::Right => l.width - (x + l.node_r + BESIDE_GAP),
            LabelSide::Below => {
                assert!(
                    left >= -1e-6 && right <= l.width + 1e-6 && bottom <= l.height + 1e-6,
                    "{what}: node {i}'s text leaves the canvas ({l:?})"
                );
                f64::INFINITY
            }
        };
        assert!(room >= BESIDE_TEXT, "{what}: node {i} has {room:.0} px for its text ({l:?})");
        for (j, &(u, v)) in c.iter().enumerate().filter(|&(j, _)| j != i) {
            if side == LabelSide::Below && (x - u).abs() < 1e-6 {
                continue;
            }
            let (nx, ny) = (u.clamp(left, right), v.clamp(top, bottom));
            assert!((u - nx).hypot(v - ny) >= l.node_r + 4.0, "{what}: node {i}'s text reaches node {j} ({l:?})");
            let (jl, jr, jt, jb) = boxes[j];
            assert!(
                jr <= left + 1e-6 || jl >= right - 1e-6 || jb <= top || jt >= bottom,
                "{what}: the texts of nodes {i} and {j} overlap ({l:?})"
            );
        }
    }
}

/// A node's lines of text (role, badge, note) clear every other node and
/// its text, and stay on the canvas: under the nodes, the ellipse stretches
/// past its usual width as far as the text needs (at 1280×800 with the
/// space-time diagram below, single-decree Paxos's node 4 wrote its note
/// over node 3, and with the Paxos banner over node 3's text); where no
/// width parts them (nine nodes at 1280×800: node 7's note ran over node
/// 6), the text goes beside each node, outward.
#[test]
fn a_circles_text_clears_the_nodes_and_one_another() {
    // The canvas at 1280×800 (914×343), with the diagram below it (200 px),
    // a phone's (390×506), and others. On the short ones the nodes at each
    // end of nine stand too close above one another for any arrangement of
    // their text (and of seven under a banner at 200 px): nine nodes read
    // better with the diagram beside. On a phone the ellipse stands up to
    // use the height; past eight, the text under the top node touches its
    // neighbour's (text beside would shrink the circle more).
    let canvases = [
        (914.0, 200.0, 6),
        (914.0, 230.0, 8),
        (914.0, 343.0, 9),
        (900.0, 280.0, 9),
        (1240.0, 210.0, 8),
        (620.0, 300.0, 9),
        (390.0, 506.0, 8),
    ];
    for (w, h, most) in canvases {
        for n in 2..=most {
            for band in [0.0, BANNER_BAND] {
                let l = Layout::below(w, h, n, band);
                fits(&l);
                if l.node_r < SMALL_NODE_R {
                    continue;
                }
                texts_clear(&l, &format!("{n} nodes on {w}×{h} (band {band})"));
            }
        }
    }
    // Text under the nodes while it fits, as at 1280×800 with up to eight.
    assert!(!Layout::new(914.0, 343.0, 8).beside);
    assert!(Layout::new(914.0, 343.0, 9).beside);
    // But not on a phone, where the text beside would take the circle's
    // width (about 130 px across with the text under it, 74 beside); there
    // the ellipse is taller than wide, as far as the canvas allows.
    let phone = Layout::new(390.0, 506.0, 9);
    assert!(!phone.beside && phone.stretch < 0.7, "{phone:?}");
}

#[test]
fn text_under_a_node_may_be_as_wide_as_its_neighbours_allow() {
    // Three nodes on a wide canvas: far more than the box kept for text.
    let roomy = Layout::new(914.0, 400.0, 3);
    for id in 0..3 {
        assert!(roomy.text_room(id) > 200.0, "node {id}: {}", roomy.text_room(id));
    }
    // Never less than half the box kept for it, never past the canvas's
    // sides.
    for (w, h, n) in [(914.0, 235.0, 5), (914.0, 200.0, 6), (390.0, 506.0, 8), (620.0, 300.0, 9)] {
        let l = Layout::below(w, h, n, BANNER_BAND);
        for id in 0..n {
            let (x, _) = l.node_pos(id);
            let room = l.text_room(id);
            assert!(room >= LABEL_HALF_WIDTH - 1e-9, "{w}x{h} node {id}: {room}");
            if room > LABEL_HALF_WIDTH + 1e-9 {
                assert!(x - room / 2.0 >= -1e-9 && x + room / 2.0 <= w + 1e-9, "{w}x{h} node {id} leaves the canvas");
            }
        }
    }
}

#[test]
fn text_under_neighbours_shares_the_gap_and_stops_at_rings() {
    // A short canvas with its banner: five nodes stand close side by side.
    let l = Layout::below(914.0, 235.0, 5, BANNER_BAND);
    assert_eq!(l.label_side(3), LabelSide::Below);
    let c = centres(&l);
    for i in 0..5u32 {
        let (xi, yi) = c[i as usize];
        let half = l.text_room(i) / 2.0;
        if half <= LABEL_HALF_WIDTH / 2.0 + 1e-9 {
            continue;
        }
        for j in (0..5u32).filter(|&j| j != i) {
            let (xj, yj) = c[j as usize];
            let rows = (yi + l.node_r, yi + l.node_r + LABEL_ROOM);
            // No ring at its rows within its reach.
            if yj + l.node_r + 4.0 > rows.0 && yj - l.node_r - 4.0 < rows.1 && (xj - xi).abs() > 1e-6 {
                assert!((xj - xi).abs() - half >= l.node_r + 4.0 - 1e-9, "node {i}'s text reaches node {j}'s ring");
            }
            // Two texts side by side at the same rows: their widths fit the gap.
            let rows_j = (yj + l.node_r, yj + l.node_r + LABEL_ROOM);
            if rows_j.0 < rows.1 && rows_j.1 > rows.0 && (xj - xi).abs() > 1e-6 {
                let half_j = l.text_room(j) / 2.0;
                assert!(half + half_j <= (xj - xi).abs() + 1e-9, "the texts of nodes {i} and {j} overlap");
            }
        }
    }
}

/// Two worlds side by side on a short window (1000×660) give each about
/// 310×200: nine nodes of a circle overlapped at its ends, their text over
/// one another. Nodes shrink to stay apart, and a node too small for its
/// text goes without it (the node list and the inspector have it), which
/// leaves the circle the room kept for the text.
#[test]
fn a_small_canvas_shrinks_its_nodes_rather_than_overlap_them() {
    for (w, h) in [(310.0, 200.0), (330.0, 230.0), (450.0, 275.0), (240.0, 200.0), (320.0, 240.0)] {
        for n in 2..=9 {
            for band in [0.0, BANNER_BAND] {
                let l = Layout::below(w, h, n, band);
                fits(&l);
                assert!(l.node_r >= 7.0, "{n} nodes on {w}×{h}: big enough to tap and name ({l:?})");
                if l.node_r >= SMALL_NODE_R {
                    assert!(l.text_clears(), "{n} nodes on {w}×{h}: text drawn over a neighbour ({l:?})");
                }
            }
        }
    }
    // Seven on an embedded 320×260 (Raft's roles and terms ran into the
    // next node): no text rather than text over a node.
    let seven = Layout::below(320.0, 260.0, 7, 0.0);
    assert!(seven.node_r < SMALL_NODE_R && seven.node_r >= 7.0, "{seven:?}");
    let labelled = Layout::below(310.0, 200.0, 5, 0.0);
    assert!(labelled.node_r >= SMALL_NODE_R, "five keep their text: {labelled:?}");
    // Room enough: the nodes keep the size they had.
    for (w, h, n) in [(914.0, 343.0, 5), (914.0, 343.0, 9), (390.0, 506.0, 8)] {
        let l = Layout::new(w, h, n);
        assert!(l.node_r >= 16.0, "{n} on {w}×{h}: {l:?}");
    }
}

/// A phone's canvas, grown to the height the columns ask for, keeps every
/// node's text: Redlock's five lock servers (5 + 2 + 1) were unnamed dots
/// on a 372×439 canvas, and are named on one of [`Layout::labelled_height`].
#[test]
fn a_phone_canvas_of_the_labelled_height_keeps_the_columns_text() {
    let redlock = Arrangement::Columns { servers: 5, clients: 2 };
    assert!(Layout::new(372.0, 439.0, 8).arranged(redlock).node_r < SMALL_NODE_R);
    for width in [320.0, 372.0, 412.0] {
        for (servers, clients, n) in [(5, 2, 8), (1, 4, 5), (3, 2, 6), (6, 2, 9), (1, 8, 9), (5, 11, 16), (2, 1, 3)] {
            let arrangement = Arrangement::Columns { servers, clients };
            let height = Layout::labelled_height(arrangement, n);
            let l = Layout::new(width, height, n).arranged(arrangement);
            assert!(
                l.node_r >= SMALL_NODE_R && !l.beside && l.text_clears(),
                "{servers}+{clients} of {n} on {width}×{height}: {l:?}"
            );
            fits(&l);
            if clients <= CLIENTS_PER_COLUMN {
                // (Two staggered columns of clients share a row's width:
                // their lines are narrowed to it, `Layout::text_room`.)
                texts_clear(&l, &format!("{servers}+{clients} of {n} on {width}×{height}"));
            }
        }
    }
    // Arrangements that find their own room ask for nothing.
    assert_eq!(Layout::labelled_height(Arrangement::Circle, 9), 0.0);
    assert_eq!(Layout::labelled_height(Arrangement::Ring, 9), 0.0);
}
