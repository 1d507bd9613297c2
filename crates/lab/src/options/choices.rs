//! Options that take one of a few words, so the app offers them as a menu
//! rather than a text field. The words are the ones each algorithm's config
//! reads (a test opens every algorithm with each of them, and with a word
//! that is not one).

use super::OptionSpec;

const ON_OFF: &[&str] = &["on", "off"];

/// The words `spec` takes, when it is one of a few.
pub fn choices(spec: &OptionSpec) -> Option<&'static [&'static str]> {
    match (spec.name, spec.default) {
        (_, "on" | "off") => Some(ON_OFF),
        ("roles", _) => Some(&["split", "all"]),
        ("strategy", _) => Some(&["round-robin", "least-outstanding", "ring", "two-choices"]),
        ("topology", _) => Some(&["pair", "chain"]),
        ("detector", _) => Some(&["timeout", "phi"]),
        ("fencing", _) => Some(&["epoch", "none"]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Setup, ALGOS};

    /// Every word of every menu opens its algorithm; a word off the menu
    /// is refused, naming the option. (The balancer's strategy was a text
    /// field, with its four words only in its description.)
    #[test]
    fn every_word_of_a_menu_opens_its_algorithm() {
        let mut menus = 0;
        for algo in ALGOS.iter().map(|i| i.algo) {
            for spec in algo.info().options {
                let Some(words) = choices(spec) else { continue };
                menus += 1;
                assert!(words.contains(&spec.default), "{}: {} default {}", algo.info().name, spec.name, spec.default);
                for word in words.iter().copied().chain(["nonsense"]) {
                    let mut setup = Setup::new(algo);
                    setup.options.insert(spec.name.to_string(), word.to_string());
                    let opened = crate::open(&setup);
                    if word == "nonsense" {
                        let e = opened
                            .err()
                            .unwrap_or_else(|| panic!("{}: {}=nonsense opened", algo.info().name, spec.name));
                        assert_eq!(e.field, spec.name);
                    } else {
                        assert!(opened.is_ok(), "{}: {}={word}: {:?}", algo.info().name, spec.name, opened.err());
                    }
                }
            }
        }
        assert!(menus >= 8, "{menus} menus");
    }
}
