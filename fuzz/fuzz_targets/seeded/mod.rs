//! The input of the byte-level targets: parameters (configuration, chunking,
//! policies) and the bytes to parse.
//!
//! Read by hand rather than derived so that a corpus seed can be a JSON file
//! as it is: a first byte of 0 means default parameters and the rest of the
//! input verbatim. Any other first byte reads the parameters from what
//! follows, then takes the rest as the bytes. (A derived struct would read
//! its parameters from the seed's first bytes, so a seed `{"a":[1]}` would
//! lose its opening brace to them.) `run.sh` writes the seeds with the 0.

use arbitrary::{Arbitrary, Unstructured};

/// Parameters `P` and the bytes to feed.
#[derive(Debug)]
pub struct Seeded<P> {
    pub params: P,
    pub bytes: Vec<u8>,
}

impl<'a, P: Arbitrary<'a> + Default> Seeded<P> {
    fn params(u: &mut Unstructured<'a>) -> arbitrary::Result<P> {
        if u8::arbitrary(u)? == 0 {
            Ok(P::default())
        } else {
            P::arbitrary(u)
        }
    }
}

impl<'a, P: Arbitrary<'a> + Default> Arbitrary<'a> for Seeded<P> {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Seeded {
            params: Self::params(u)?,
            bytes: Vec::arbitrary(u)?,
        })
    }

    fn arbitrary_take_rest(mut u: Unstructured<'a>) -> arbitrary::Result<Self> {
        let params = Self::params(&mut u)?;
        Ok(Seeded {
            params,
            bytes: u.take_rest().to_vec(),
        })
    }
}

/// `bytes` cut into chunks whose sizes cycle through `sizes` (a size of 0
/// counts as 1); the whole as one chunk when `sizes` is empty; no chunk when
/// `bytes` is empty.
#[allow(dead_code)] // not every target feeds in chunks of given sizes
pub fn chunks<'b>(bytes: &'b [u8], sizes: &'b [u8]) -> impl Iterator<Item = &'b [u8]> + 'b {
    let mut sizes = sizes.iter().map(|&s| usize::from(s).max(1)).cycle();
    let mut rest = bytes;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let n = sizes.next().unwrap_or(rest.len()).min(rest.len());
        let (chunk, tail) = rest.split_at(n);
        rest = tail;
        Some(chunk)
    })
}
