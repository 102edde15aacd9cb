//! The kinds of call: the value, partials then the value, or items.

/// What a call makes of the model's answer: the one name for it, in the
/// driver and in [`BodyDecoder`](crate::BodyDecoder).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallKind {
    /// The final value ([`Event::Done`](crate::Event::Done)), as `create`.
    Value,
    /// Partials, then the final value, as `create_partial`.
    Partial,
    /// Items, as `create_iterable`.
    Iterable,
}
