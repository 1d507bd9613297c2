//! A guided tour in the app ([`lab::tour`]): the tour's run, the caption
//! shown (the last stop at or before the run's step, so stepping and
//! playing move through the captions too), next and back, and taking over.
//! Free of Yew and the browser; the host fetches `tours/ID.json` and hands
//! the parsed tour over as one [`Cmd::OpenTour`].

use super::cmd::Cmd;
use super::core::Core;
use lab::tour::{Stop, Tour};
use std::rc::Rc;

/// A link's `?tour=ID&at=N`: the tour to fetch and the caption to open
/// at (1-based, as the link writes it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TourRequest {
    pub id: String,
    pub at: usize,
}

/// `?tour=ID`: the guided tour a link opens.
pub const TOUR: &str = "tour";
/// `?at=N`: the tour's caption to open at, from 1.
pub const AT: &str = "at";

/// Read `tour` and `at` from a link. A bad value is an error naming the
/// parameter; an id is only lower-case letters, digits and `-`, so it can
/// only name a file in `tours/`.
pub fn request(pairs: &[(String, String)]) -> Result<Option<TourRequest>, String> {
    let get = |name: &str| pairs.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.trim());
    let Some(id) = get(TOUR) else { return Ok(None) };
    if !lab::tour::is_id(id) {
        return Err(format!("tour: expected a tour id (lower-case letters, digits and '-'), got {id:?}"));
    }
    let at = match get(AT) {
        None => 1,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if n >= 1 => n,
            _ => return Err(format!("at: expected a caption number from 1, got {v:?}")),
        },
    };
    Ok(Some(TourRequest { id: id.to_string(), at }))
}

/// The tour on show and where the run is in it.
#[derive(Clone, Debug, PartialEq)]
pub struct TourView {
    pub tour: Rc<Tour>,
    /// The caption shown: the last stop at or before the run's step;
    /// `None` before the first.
    pub stop: Option<usize>,
    /// Whether Next and Back have a stop to go to.
    pub has_next: bool,
    pub has_back: bool,
}

impl TourView {
    /// The stop shown, if any.
    pub fn current(&self) -> Option<&Stop> {
        self.stop.map(|i| &self.tour.stops[i])
    }

    /// "3 / 7" (1-based), or "– / 7" before the first caption.
    pub fn count(&self) -> String {
        let of = self.tour.stops.len();
        match self.stop {
            Some(i) => format!("{} / {of}", i + 1),
            None => format!("– / {of}"),
        }
    }

    /// The caption as one line: its title, then its text.
    pub fn line(&self) -> Option<String> {
        let stop = self.current()?;
        Some(match &stop.title {
            Some(title) => format!("{title}: {}", stop.caption),
            None => stop.caption.clone(),
        })
    }
}

impl Core {
    /// The tour on show, while the run is still the tour's run (opening
    /// another world, acting or taking over ends it).
    pub fn tour_view(&self) -> Option<TourView> {
        let tour = self.tour.as_ref().filter(|t| t.setup == self.full_setup())?;
        let step = self.session.steps();
        Some(TourView {
            stop: tour.stop_at(step),
            has_next: tour.stops.iter().any(|s| s.step > step),
            has_back: tour.stops.iter().any(|s| s.step < step),
            tour: tour.clone(),
        })
    }

    /// Whether the run is at one of the tour's captions (cheap enough to ask
    /// after every step while playing).
    pub fn at_tour_stop(&self) -> bool {
        let step = self.session.steps();
        self.tour.as_ref().is_some_and(|t| t.stops.binary_search_by_key(&step, |s| s.step).is_ok())
    }

    /// The address of the caption on show: `tour=ID&at=N` (ids need no
    /// percent-encoding), while in a tour.
    pub fn tour_query(&self) -> Option<String> {
        let view = self.tour_view()?;
        Some(format!("tour={}&at={}", view.tour.id, view.stop.map_or(1, |i| i + 1)))
    }

    /// Open `tour` at its caption `at` (1-based). A caption it does not
    /// have opens the first, with a notice naming `at`.
    pub(super) fn open_tour(&mut self, tour: Rc<Tour>, at: usize) -> Result<(), String> {
        let count = tour.stops.len();
        self.apply(Cmd::Open(tour.setup.clone()))?;
        let index = if (1..=count).contains(&at) {
            at - 1
        } else {
            self.notify(
                format!("at: the tour “{}” has captions 1 to {count}, got {at}; showing the first.", tour.title),
                true,
            );
            0
        };
        let step = tour.stops[index].step;
        self.tour = Some(tour);
        // The tour's panel takes the place of a scenario's card.
        self.scenario_open = false;
        self.apply(Cmd::Seek(step))
    }

    /// Go to the next caption's step (`forward`) or the previous one's.
    pub(super) fn tour_move(&mut self, forward: bool) -> Result<(), String> {
        let view = self.tour_view().ok_or("not in a tour")?;
        let step = self.session.steps();
        let stops = &view.tour.stops;
        let target = if forward {
            stops.iter().find(|s| s.step > step).ok_or("this is the tour's last caption")?
        } else {
            stops.iter().rev().find(|s| s.step < step).ok_or("this is the tour's first caption")?
        };
        self.apply(Cmd::Seek(target.step))
    }

    /// After an action: acting forks the run (the recorded actions after
    /// this step are dropped), so a tour on show ends, and says so.
    pub(super) fn leave_forked_tour(&mut self) {
        if self.tour.is_some() && self.tour_view().is_none() {
            self.tour = None;
            let step = self.session.steps();
            self.notify(format!("You left the tour at step {step} by acting: its scripted actions still to come are dropped, and the run is yours."), false);
        }
    }

    /// Leave the tour and keep its run at this step, without the scripted
    /// actions still to come: from here on the user plays (the timeline
    /// forks here, as acting in the past does).
    pub(super) fn take_over(&mut self) -> Result<(), String> {
        if self.tour_view().is_none() {
            return Err("not in a tour".into());
        }
        self.tour = None;
        let step = self.session.steps();
        let mut setup = self.full_setup();
        let before = setup.actions.len();
        setup.actions.retain(|a| a.step <= step);
        if setup.actions.len() != before {
            self.apply(Cmd::Open(setup))?;
            self.apply(Cmd::Seek(step))?;
        }
        let dropped = before - self.session.actions().len();
        self.notify(
            format!(
                "You have the controls at step {step}. {} The run is yours: step, play, crash or partition as you like.",
                match dropped {
                    0 => "The tour had no scripted actions left.".to_string(),
                    1 => "The tour's one scripted action still to come is dropped.".to_string(),
                    n => format!("The tour's {n} scripted actions still to come are dropped."),
                }
            ),
            false,
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lab::Setup;

    fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
        q.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    /// A tour over the default algorithm with a scripted crash after its
    /// second stop; the algorithm comes from the catalog, not a name.
    fn tour() -> Rc<Tour> {
        let algo = Setup::default().algo.info().name;
        let text = format!(
            r#"{{"format":"clusterscope-tour","version":1,"id":"t","title":"T",
               "setup":{{"algo":"{algo}","seed":3,"actions":[{{"step":12,"do":"crash","node":1}},{{"step":30,"do":"crash","node":2}}]}},
               "stops":[{{"step":5,"caption":"one"}},{{"step":10,"title":"Two","caption":"two"}},{{"step":40,"caption":"three"}}]}}"#
        );
        Rc::new(lab::tour::parse(&text).unwrap())
    }

    #[test]
    fn a_link_names_a_tour_and_a_caption_and_bad_values_are_named() {
        assert_eq!(request(&pairs(&[])), Ok(None));
        assert_eq!(
            request(&pairs(&[("tour", "raft-basics")])),
            Ok(Some(TourRequest { id: "raft-basics".into(), at: 1 }))
        );
        assert_eq!(request(&pairs(&[("tour", "a"), ("at", "3")])).unwrap().unwrap().at, 3);
        for (q, field) in [
            (&[("tour", "../x")][..], "tour: "),
            (&[("tour", "A")][..], "tour: "),
            (&[("tour", "a"), ("at", "0")][..], "at: "),
            (&[("tour", "a"), ("at", "x")][..], "at: "),
        ] {
            let err = request(&pairs(q)).unwrap_err();
            assert!(err.starts_with(field), "{q:?}: {err}");
        }
    }

    #[test]
    fn next_and_back_go_from_caption_to_caption() {
        let mut core = Core::new(Setup::default(), None);
        core.apply(Cmd::OpenTour { tour: tour(), at: 2 }).unwrap();
        let view = core.tour_view().unwrap();
        assert_eq!((core.session.steps(), view.stop, view.count()), (10, Some(1), "2 / 3".to_string()));
        assert_eq!(view.line().as_deref(), Some("Two: two"));
        assert_eq!(core.tour_query().as_deref(), Some("tour=t&at=2"));
        core.apply(Cmd::TourNext).unwrap();
        assert_eq!((core.session.steps(), core.tour_view().unwrap().stop), (40, Some(2)));
        assert!(!core.tour_view().unwrap().has_next);
        assert_eq!(core.apply(Cmd::TourNext).unwrap_err(), "this is the tour's last caption");
        core.apply(Cmd::TourBack).unwrap();
        core.apply(Cmd::TourBack).unwrap();
        assert_eq!(core.session.steps(), 5);
        assert!(core.apply(Cmd::TourBack).is_err());
        // Stepping moves through the captions too; between two stops the
        // earlier one shows, and Back returns to it.
        core.apply(Cmd::Step(7)).unwrap();
        assert_eq!((core.tour_view().unwrap().stop, core.tour_query().as_deref()), (Some(1), Some("tour=t&at=2")));
        core.apply(Cmd::TourBack).unwrap();
        assert_eq!(core.session.steps(), 10);
    }

    #[test]
    fn playing_a_tour_pauses_at_each_caption() {
        let mut core = Core::new(Setup::default(), None);
        core.apply(Cmd::OpenTour { tour: tour(), at: 1 }).unwrap();
        for want in [10, 40] {
            core.apply(Cmd::Play).unwrap();
            for _ in 0..100_000 {
                if !core.playing {
                    break;
                }
                core.advance(16.0);
            }
            assert_eq!((core.playing, core.session.steps()), (false, want));
        }
        // Past the last caption, play goes on.
        core.apply(Cmd::Play).unwrap();
        for _ in 0..200 {
            core.advance(16.0);
        }
        assert!(core.playing && core.session.steps() > 40);
        // Out of the tour, nothing pauses there.
        core.apply(Cmd::Reset).unwrap();
        assert_eq!(core.tour, None);
        core.apply(Cmd::Seek(9)).unwrap();
        core.apply(Cmd::Play).unwrap();
        for _ in 0..200 {
            core.advance(16.0);
        }
        assert!(core.playing && core.session.steps() > 10);
    }

    #[test]
    fn a_caption_the_tour_lacks_opens_the_first_and_says_so() {
        let mut core = Core::new(Setup::default(), None);
        core.apply(Cmd::OpenTour { tour: tour(), at: 9 }).unwrap();
        assert_eq!(core.session.steps(), 5);
        assert!(core.notices.last().unwrap().text.starts_with("at: the tour “T” has captions 1 to 3, got 9"));
    }

    #[test]
    fn taking_over_drops_the_scripted_actions_still_to_come() {
        let mut core = Core::new(Setup::default(), None);
        core.apply(Cmd::OpenTour { tour: tour(), at: 2 }).unwrap();
        core.apply(Cmd::Step(5)).unwrap();
        let before = core.session.state_json();
        core.apply(Cmd::TakeOver).unwrap();
        assert_eq!(core.tour_view(), None);
        assert_eq!(core.tour_query(), None);
        assert_eq!(core.session.state_json(), before, "the same world at the same step");
        let steps: Vec<u64> = core.session.actions().iter().map(|a| a.step).collect();
        assert_eq!(steps, [12], "the crash at step 30 is dropped");
        assert!(core.notices.last().unwrap().text.contains("scripted action still to come is dropped"));
        core.apply(Cmd::Step(30)).unwrap();
        assert_eq!(core.status(2), Some(protocol::Status::Up), "node 2 is not crashed at step 30 any more");
        assert!(core.apply(Cmd::TakeOver).is_err());
    }

    #[test]
    fn acting_or_opening_another_world_ends_the_tour() {
        let mut core = Core::new(Setup::default(), None);
        core.apply(Cmd::OpenTour { tour: tour(), at: 1 }).unwrap();
        core.apply(Cmd::Act(sim::Action::Heal)).unwrap();
        assert_eq!(core.tour_view(), None, "the run forked: it is not the tour's any more");
        assert!(core.notices.last().unwrap().text.starts_with("You left the tour at step 5 by acting"));
        core.apply(Cmd::OpenTour { tour: tour(), at: 1 }).unwrap();
        core.apply(Cmd::Reset).unwrap();
        assert_eq!(core.tour_view(), None);
    }
}
