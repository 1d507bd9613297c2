use lab::{open, Setup};

#[test]
fn five_nodes_elect_a_leader() {
    let mut s = open(&Setup::default()).unwrap();
    for _ in 0..400 {
        s.step();
    }
    let roles: Vec<String> = (0..5).map(|i| s.node_info(i).look.role.to_string()).collect();
    println!("{roles:?} t={} {}", s.now(), s.state_json().len());
    assert!(roles.iter().any(|r| r == "leader"), "{roles:?}");
    assert!(s.first_violation().is_none());
}
