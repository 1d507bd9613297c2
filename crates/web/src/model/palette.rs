//! The palette as the model knows it: how many colour slots there are (a
//! protocol picks a [`protocol::present::Tone`], the theme maps its slot to
//! a colour) and the CSS class of each node [`Shape`]'s legend swatch.

pub use protocol::present::Shape;

/// Colours the renderer picks by index (the theme maps them to CSS colours).
pub const PALETTE_LEN: usize = protocol::present::Tone::COUNT as usize;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_has_its_own_swatch_class() {
        let classes: std::collections::BTreeSet<_> = Shape::ALL.iter().map(|&s| shape_class(s)).collect();
        assert_eq!(classes.len(), Shape::ALL.len());
    }
}
