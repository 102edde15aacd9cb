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
