use super::*;
use crate::model::core::Core;
use crate::model::layout::Layout;
use lab::Setup;
use sim::Action;

#[test]
fn groups_are_two_way_components() {
    // {0,1} | {2,3,4}
    let side = |id: NodeId| u32::from(id >= 2);
    let (of, gs) = groups(5, |a, b| side(a) != side(b));
    assert_eq!(gs, vec![vec![0, 1], vec![2, 3, 4]]);
    assert_eq!(of, vec![0, 0, 1, 1, 1]);
    // A single one-way cut does not split a cluster that can route around it.
    let (_, gs) = groups(3, |a, b| (a, b) == (0, 1));
    assert_eq!(gs.len(), 1);
    // ...but it does split two nodes that have no one else.
    let (_, gs) = groups(2, |a, b| (a, b) == (0, 1));
    assert_eq!(gs.len(), 2);
}

#[test]
fn layout_hits_nodes_and_messages() {
    let layout = Layout::new(800.0, 600.0, 5);
    let (x, y) = layout.node_pos(0);
    assert!((x - 400.0).abs() < 1e-9 && y < 300.0);
    assert_eq!(layout.node_at(x + 3.0, y - 3.0), Some(0));
    assert_eq!(layout.node_at(400.0, 300.0), None);
    let scene = Scene {
        msgs: vec![
            MsgDraw { id: 7, from: 0, to: 2, sent_at: 0.0, deliver_at: 10.0, color: 0, held: false },
            MsgDraw { id: 8, from: 0, to: 2, sent_at: 5.0, deliver_at: 15.0, color: 0, held: false },
        ],
        ..Scene::default()
    };
    let (mx, my) = layout.msg_pos(&scene.msgs[0], 5.0);
    assert_eq!(layout.msg_at(&scene, 5.0, mx + 1.0, my).map(|h| h.0), Some(7));
    let (mx, my) = layout.msg_pos(&scene.msgs[1], 5.0);
    assert_eq!(layout.msg_at(&scene, 5.0, mx, my + 1.0).map(|h| h.0), Some(8), "nearest wins");
    assert_eq!(layout.msg_at(&scene, 5.0, 0.0, 0.0), None);
}

#[test]
fn scene_shows_a_partition_and_a_one_way_cut() {
    let mut s = lab::open(&Setup::default()).unwrap();
    for _ in 0..30 {
        s.step();
    }
    s.act(Action::Partition { groups: vec![vec![0, 1]] }).unwrap();
    let mut scene = Scene::default();
    scene.rebuild(s.as_ref(), &s.picture());
    assert_eq!(scene.groups, vec![vec![0, 1], vec![2, 3, 4]]);
    assert!(scene.cuts.is_empty(), "two-way cuts across groups are drawn as groups");
    s.act(Action::Heal).unwrap();
    s.act(Action::Cut { from: 2, to: 3 }).unwrap();
    scene.rebuild(s.as_ref(), &s.picture());
    assert!(scene.groups.is_empty());
    assert_eq!(scene.cuts, vec![CutDraw { from: 2, to: 3, one_way: true }]);
    assert_eq!(scene.labels.len(), scene.msgs.len());
    assert!(scene.msgs.windows(2).all(|w| w[0].id < w[1].id));
}

#[test]
fn columns_place_servers_clients_and_storage() {
    let layout = Layout::new(900.0, 600.0, 4).arranged(Arrangement::Columns { servers: 1, clients: 2 });
    let xs: Vec<f64> = (0..4).map(|id| layout.node_pos(id).0).collect();
    assert!(xs[0] < xs[1] && xs[1] == xs[2] && xs[2] < xs[3], "{xs:?}");
    assert_eq!((layout.column(0), layout.column(2), layout.column(3)), (0, 1, 2));
    let (x, y) = layout.node_pos(3);
    assert_eq!(layout.node_at(x, y), Some(3));
}

#[test]
fn lost_messages_fade_out() {
    let l = LostDraw { id: 1, from: 0, to: 1, at: 100.0, frac: 0.5, reason: LossReason::User };
    assert_eq!(Scene::lost_alpha(&l, 100.0), Some(1.0));
    assert!(Scene::lost_alpha(&l, 250.0).unwrap() > 0.4);
    assert_eq!(Scene::lost_alpha(&l, 401.0), None);
    assert_eq!(Scene::lost_alpha(&l, 99.0), None);
}

fn scene_at(preset: &str, step: u64) -> (Core, Scene) {
    let mut core = Core::new(lab::presets::Preset::find(preset).unwrap().load().setup, Some(step));
    core.apply(crate::model::cmd::Cmd::Refresh).unwrap();
    let mut scene = Scene::default();
    scene.rebuild(core.session.as_ref(), &core.picture);
    (core, scene)
}

#[test]
fn clocks_say_their_drift_and_pause() {
    assert_eq!(clock_text(1180, 1.0, false), "t=1180");
    assert_eq!(clock_text(1180, 0.5, false), "t=1180 ×0.5");
    assert_eq!(clock_text(7, 1.25, true), "t=7 ×1.25 (frozen)");
}

#[test]
fn nodes_look_as_the_protocol_says() {
    // Every field of a node's look reaches the scene unchanged: the web
    // crate maps tones and shapes, it does not pick them.
    let (core, scene) = scene_at("dueling-proposers", 40);
    let s = core.session.as_ref();
    for node in &scene.nodes {
        let look = s.node_info(node.id).look;
        assert_eq!((node.color, node.shape, &node.badge), (look.tone.slot(), look.shape, &look.badge));
        assert!(node.note.starts_with(&look.note));
    }
    assert!(scene.nodes.iter().any(|n| n.shape != Shape::Circle), "Paxos roles differ by shape");
    let mut msgs = Vec::new();
    s.messages_into(&mut msgs);
    assert!(msgs.iter().zip(&scene.msgs).all(|(m, d)| m.tone.slot() == d.color));
}

#[test]
fn locks_get_columns_clocks_and_the_servers_view_of_the_lease() {
    let (core, scene) = scene_at("kleppmann-fenced", 20);
    assert!(matches!(scene.arrangement, Arrangement::Columns { .. }), "{:?}", scene.arrangement);
    assert!(scene.nodes.iter().all(|n| n.note.contains("t=")), "every node shows its clock");
    assert_eq!(core.picture.outer_rings.is_empty(), scene.nodes.iter().all(|n| n.server_ring.is_none()));
}

#[test]
fn a_chosen_paxos_value_marks_its_quorum_and_says_so() {
    let mut core = Core::new(lab::Setup::new(lab::Algo::Paxos), None);
    core.apply(crate::model::cmd::Cmd::Step(400)).unwrap();
    let mut scene = Scene::default();
    scene.rebuild(core.session.as_ref(), &core.picture);
    assert_eq!(scene.banner, core.picture.banner);
    let halo: Vec<NodeId> = scene.nodes.iter().filter(|n| n.halo).map(|n| n.id).collect();
    assert_eq!(halo, core.picture.marked);
}

#[test]
fn the_nodes_a_violation_names_are_marked_at_its_step() {
    // The lease preset breaks Storage Mutual Exclusion; at that step the
    // storage and the two clients are marked, and no other node.
    let setup = lab::presets::Preset::find("kleppmann-lease").unwrap().load().setup;
    let mut s = lab::open(&setup).unwrap();
    while s.violation().is_none() && s.steps() < 10_000 && s.step() {}
    let step = s.steps();
    let want = s.violation().expect("the preset breaks a property").nodes.clone();
    assert!(want.len() >= 2, "the storage and a client at least: {want:?}");
    let (_, scene) = scene_at("kleppmann-lease", step);
    let blamed: Vec<NodeId> = scene.nodes.iter().filter(|n| n.blamed).map(|n| n.id).collect();
    assert_eq!(blamed, want);
    let (_, before) = scene_at("kleppmann-lease", step - 1);
    assert!(before.nodes.iter().all(|n| !n.blamed), "nothing is marked before the step that breaks it");
}
