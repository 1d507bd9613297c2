//! The canvas layer: colours ([`theme`]), drawing a scene ([`render`]) and
//! the ring's own layer ([`ring_layer`]), the state kept between frames
//! ([`stage`]), the animation loop ([`frame`]) and pointer handling
//! ([`pointer`]). It reads the [`crate::model`] and imports nothing above it.

pub mod frame;
pub mod pointer;
pub mod render;
pub mod ring_layer;
pub mod stage;
pub mod theme;
