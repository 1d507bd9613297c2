//! The `postMessage` protocol between the app in an iframe and the page
//! that embeds it, as data: which verbs a parent may call, which origins
//! may call them (`?parent=ORIGIN`, repeatable), and the events the app
//! posts as the run changes. Pure; the host edge
//! (`crate::host::post_message`) moves these over `window.postMessage`.

use protocol::NodeId;
use sim::Session;

/// Version of the message format, in `ready` and `ping` answers.
pub const PROTOCOL_VERSION: u32 = 1;

/// Every verb a parent may call, and nothing else (a verb is looked up
/// here, never on an object, so `constructor` or `toString` are not verbs).
/// All but `ping` are the `window.clusterscope` functions of the same name.
pub const VERBS: &[&str] =
    &["ping", "state", "step", "back", "seek", "play", "pause", "act", "request", "trace", "traceText", "layout"];

/// Most steps one slice of a long `step` or `seek` simulates before the
/// page gets the main thread back (a few milliseconds of work).
pub const SLICE_STEPS: u64 = 5_000;

/// Whether `verb` may be called over `postMessage`.
pub fn is_verb(verb: &str) -> bool {
    VERBS.contains(&verb)
}

/// The origins allowed to drive the app: `None` when the page names none
/// (any origin may), else exactly those.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origins(Option<Vec<String>>);

impl Origins {
    /// Read every `parent` parameter. A value that is not an origin
    /// (`https://docs.example.org`, `http://localhost:3000`: a scheme, a
    /// host, maybe a port, nothing after) is an error naming it; the others
    /// still count, and a page whose every `parent` is bad accepts no one.
    pub fn from_query(pairs: &[(String, String)]) -> (Self, Vec<String>) {
        let mut allowed = Vec::new();
        let mut errors = Vec::new();
        let mut any = false;
        for (_, value) in pairs.iter().filter(|(k, _)| k == PARENT) {
            any = true;
            match origin(value.trim()) {
                Ok(o) => allowed.push(o),
                Err(why) => errors.push(format!("parent: {why}, got {value:?}")),
            }
        }
        (Self(any.then_some(allowed)), errors)
    }

    /// Whether a message from `origin` is to be answered.
    pub fn allows(&self, origin: &str) -> bool {
        match &self.0 {
            None => origin != "null",
            Some(list) => list.iter().any(|o| o == origin),
        }
    }

    /// The origins named, if any.
    pub fn named(&self) -> &[String] {
        self.0.as_deref().unwrap_or_default()
    }
}

/// `value` as a serialized origin (lower-case scheme and host, no default
/// port, no path), or why it is not one.
fn origin(value: &str) -> Result<String, &'static str> {
    let (scheme, rest) = value.split_once("://").ok_or("expected an origin like https://docs.example.org")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err("expected an http or https origin");
    }
    let host_port = rest.strip_suffix('/').unwrap_or(rest);
    if host_port.is_empty() || host_port.contains(['/', '?', '#', '@', ' ']) {
        return Err("expected only a scheme, a host and a port (no path)");
    }
    let host_port = host_port.to_ascii_lowercase();
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    let host_port = host_port.strip_suffix(default_port).unwrap_or(&host_port);
    // The port, if any, follows the last colon (after the `]` of an IPv6 host).
    let after_host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split_once(']').ok_or("expected a `]` after an IPv6 host")?.1,
        None => host_port.find(':').map_or("", |i| &host_port[i..]),
    };
    if let Some(port) = after_host.strip_prefix(':') {
        port.parse::<u16>().map_err(|_| "expected a port number after the host")?;
    } else if !after_host.is_empty() {
        return Err("expected only a scheme, a host and a port (no path)");
    }
    Ok(format!("{scheme}://{host_port}"))
}

/// How the app shows itself inside another page (`?embed=1`): the canvas
/// and a compact bar, or the canvas alone (`controls=0`), playing from the
/// start if asked (`autoplay=1`, unless the reader asked for less motion).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmbedView {
    pub controls: bool,
    pub autoplay: bool,
}

/// `?parent=ORIGIN`: an origin allowed to drive the app over `postMessage`.
pub const PARENT: &str = "parent";
/// `?embed=1`: the compact view for another page's iframe.
pub const EMBED: &str = "embed";
/// `?controls=0`: the embedded view without its bar.
pub const CONTROLS: &str = "controls";
/// `?autoplay=1`: the embedded view plays at once.
pub const AUTOPLAY: &str = "autoplay";

/// Read `embed`, `controls` and `autoplay` (each `0` or `1`): the embed
/// view when `embed=1`, and an error naming each bad value.
pub fn embed_view(pairs: &[(String, String)]) -> (Option<EmbedView>, Vec<String>) {
    let mut errors = Vec::new();
    let mut flag = |name: &str, default: bool| match pairs.iter().rev().find(|(k, _)| k == name) {
        None => default,
        Some((_, v)) => match v.trim() {
            "1" | "true" => true,
            "0" | "false" => false,
            other => {
                errors.push(format!("{name}: expected 0 or 1, got {other:?}"));
                default
            }
        },
    };
    let embed = flag(EMBED, false);
    let view = EmbedView { controls: flag(CONTROLS, true), autoplay: flag(AUTOPLAY, false) };
    (embed.then_some(view), errors)
}

/// Something that happened in the run, for the parent page.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// The run is at another step (at most one per page refresh).
    Step { step: u64, time: u64 },
    /// Some node's role or status changed: every node's, in id order.
    Roles { roles: Vec<(NodeId, &'static str, &'static str)> },
    /// The protocol's banner changed (a value chosen, a lock granted...),
    /// or whether it reports a fault ([`protocol::present::Picture::banner_alarm`]).
    Banner { text: Option<String>, alarm: bool },
    /// A safety property broke at this step.
    Violation { step: u64, property: &'static str, detail: String, nodes: Vec<NodeId> },
    /// The caption shown changed: the line over the canvas, or in a guided
    /// tour the tour's caption, with which one of how many it is.
    Caption { text: String, tour: Option<TourAt> },
}

/// Where a caption is in its tour: the tour's id and the caption's number
/// (1-based; 0 before the first) of how many.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TourAt {
    pub id: String,
    pub at: usize,
    pub of: usize,
}

impl TourAt {
    /// The caption a tour shows, and where it is in the tour.
    pub fn of_view(view: &super::tour::TourView) -> (String, Self) {
        let at = Self { id: view.tour.id.clone(), at: view.stop.map_or(0, |i| i + 1), of: view.tour.stops.len() };
        (view.line().unwrap_or_default(), at)
    }
}

impl Event {
    /// The event's `type` field.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Step { .. } => "step",
            Event::Roles { .. } => "roles",
            Event::Banner { .. } => "banner",
            Event::Violation { .. } => "violation",
            Event::Caption { .. } => "caption",
        }
    }
}

/// What the parent was last told, to tell it only what changed.
#[derive(Clone, Debug, Default)]
pub struct Announcer {
    step: Option<u64>,
    roles: Vec<(NodeId, &'static str, &'static str)>,
    banner: Option<(Option<String>, bool)>,
    violation_at: Option<u64>,
    caption: String,
    tour: Option<TourAt>,
}

impl Announcer {
    /// The events between what was announced and the session now.
    pub fn changes(
        &mut self,
        session: &dyn Session,
        banner: Option<&str>,
        alarm: bool,
        caption: &str,
        tour: Option<TourAt>,
    ) -> Vec<Event> {
        let mut out = Vec::new();
        let step = session.steps();
        if self.step != Some(step) {
            self.step = Some(step);
            out.push(Event::Step { step, time: session.now() });
        }
        let roles: Vec<_> = (0..session.node_count())
            .map(|id| {
                let info = session.node_info(id);
                (id, info.look.role, info.status.name())
            })
            .collect();
        if roles != self.roles {
            self.roles = roles.clone();
            out.push(Event::Roles { roles });
        }
        let banner = (banner.map(str::to_string), alarm);
        if self.banner.as_ref() != Some(&banner) {
            self.banner = Some(banner.clone());
            out.push(Event::Banner { text: banner.0, alarm: banner.1 });
        }
        match session.violation() {
            Some(v) if self.violation_at != Some(step) => {
                self.violation_at = Some(step);
                out.push(Event::Violation {
                    step,
                    property: v.property,
                    detail: v.detail.clone(),
                    nodes: v.nodes.clone(),
                });
            }
            Some(_) => {}
            None => self.violation_at = None,
        }
        if caption != self.caption || tour != self.tour {
            self.caption = caption.to_string();
            self.tour = tour.clone();
            out.push(Event::Caption { text: caption.to_string(), tour });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(values: &[&str]) -> Vec<(String, String)> {
        values.iter().map(|v| ("parent".to_string(), v.to_string())).collect()
    }

    #[test]
    fn embed_options_are_flags_and_a_bad_one_is_named() {
        let q = |kv: &[(&str, &str)]| kv.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
        assert_eq!(embed_view(&q(&[])), (None, vec![]));
        assert_eq!(embed_view(&q(&[("embed", "1")])).0, Some(EmbedView { controls: true, autoplay: false }));
        let (view, errors) = embed_view(&q(&[("embed", "1"), ("controls", "0"), ("autoplay", "yes")]));
        assert_eq!(view, Some(EmbedView { controls: false, autoplay: false }));
        assert_eq!(errors, ["autoplay: expected 0 or 1, got \"yes\""]);
        assert_eq!(embed_view(&q(&[("embed", "0"), ("autoplay", "1")])).0, None);
    }

    #[test]
    fn verbs_are_an_explicit_list() {
        for verb in ["ping", "step", "seek", "traceText"] {
            assert!(is_verb(verb), "{verb}");
        }
        for not in ["constructor", "toString", "__proto__", "hasOwnProperty", "__panicForTest", "reply", ""] {
            assert!(!is_verb(not), "{not}");
        }
    }

    #[test]
    fn origins_are_read_strictly_and_every_bad_one_is_named() {
        let (o, errors) = Origins::from_query(&[]);
        assert_eq!((o.allows("https://a.example"), o.allows("null"), errors.len()), (true, false, 0));

        let (o, errors) = Origins::from_query(&pairs(&["https://Docs.Example.org/", "http://localhost:3000"]));
        assert!(errors.is_empty(), "{errors:?}");
        assert!(o.allows("https://docs.example.org") && o.allows("http://localhost:3000"));
        assert!(!o.allows("https://evil.example") && !o.allows("http://docs.example.org"));

        let (o, errors) =
            Origins::from_query(&pairs(&["https://ok.example:443", "docs.example.org", "https://a.b/path"]));
        assert_eq!(o.named(), ["https://ok.example"]);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors.iter().all(|e| e.starts_with("parent: ")));
        assert!(errors[1].contains("no path") && errors[1].contains("https://a.b/path"));

        // A page that names only bad origins accepts no one.
        let (o, _) = Origins::from_query(&pairs(&["ftp://x.example"]));
        assert!(!o.allows("ftp://x.example") && !o.allows("https://x.example"));
        assert!(Origins::from_query(&pairs(&["https://x.example:99999"])).1[0].contains("port"));
    }

    #[test]
    fn the_announcer_tells_only_what_changed() {
        let mut s = lab::open(&lab::Setup::default()).unwrap();
        let mut a = Announcer::default();
        let first = a.changes(s.as_ref(), None, false, "Step 0", None);
        let kinds: Vec<_> = first.iter().map(Event::kind).collect();
        assert_eq!(kinds, ["step", "roles", "banner", "caption"], "everything, once");
        assert!(a.changes(s.as_ref(), None, false, "Step 0", None).is_empty(), "nothing changed");
        // The default protocol changes some role within a few hundred steps.
        let mut saw_roles = false;
        for _ in 0..400 {
            s.step();
            saw_roles |= a.changes(s.as_ref(), None, false, "", None).iter().any(|e| matches!(e, Event::Roles { .. }));
        }
        assert!(saw_roles);
        let again = a.changes(s.as_ref(), Some("chosen"), false, "", None);
        assert_eq!(again, [Event::Banner { text: Some("chosen".into()), alarm: false }]);
        // The same words turning into an alarm are news too.
        let alarm = a.changes(s.as_ref(), Some("chosen"), true, "", None);
        assert_eq!(alarm, [Event::Banner { text: Some("chosen".into()), alarm: true }]);
        // A tour's caption is announced with where it is in its tour.
        let at = TourAt { id: "raft-basics".into(), at: 3, of: 10 };
        let again = a.changes(s.as_ref(), Some("chosen"), true, "A majority: ...", Some(at.clone()));
        assert_eq!(again, [Event::Caption { text: "A majority: ...".into(), tour: Some(at) }]);
    }
}
