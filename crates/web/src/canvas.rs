//! The canvas layer: colours ([`theme`]), drawing a scene ([`render`]) and
//! the ring's own layer ([`ring_layer`]), the space-time diagram
//! ([`spacetime`], its pointer and keys in [`spacetime_pointer`]), the state kept between frames
//! ([`stage`]), the animation loop ([`frame`]) and pointer handling
//! ([`pointer`]). It reads the [`crate::model`] and imports nothing above it.

pub mod frame;
pub mod pointer;
pub mod render;
pub mod ring_layer;
pub mod spacetime;
pub mod spacetime_pointer;
pub mod stage;
pub mod theme;
pub mod twin;
