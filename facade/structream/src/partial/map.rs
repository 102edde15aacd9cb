//! [`Map`]: the partial of a map with string keys, its members shared
//! between successive partials the way a [`List`]'s items are.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use serde::{Serialize, Serializer};

use super::{CHUNK, List};

/// One member: its key and its value.
#[derive(Clone)]
struct Member<P> {
    key: Arc<str>,
    value: P,
}

/// The partial of a `HashMap<String, _>` or `BTreeMap<String, _>`: its
/// members so far, in the order they arrived.
///
/// Members sit in a [`List`], so cloning a map (what happens when the
/// consumer still holds the previous partial while the next is made)
/// copies at most a chunk's worth of pointers, and a member that is done
/// is never copied again. A key is found through an index of the members
/// before the last chunk (shared too) and a scan of the rest.
///
/// ```
/// use structream::partial::Map;
///
/// let mut map: Map<u32> = (0..100).map(|i| (i.to_string(), i)).collect();
/// let kept = map.clone(); // cheap: the members are shared
/// map.insert("7".into(), 70);
/// map.insert("new".into(), 1);
/// assert_eq!((map.get("7"), map.len()), (Some(&70), 101));
/// assert_eq!((kept.get("7"), kept.len()), (Some(&7), 100));
/// assert_eq!(map.iter().next(), Some(("0", &0)));
/// ```
pub struct Map<P> {
    members: List<Member<P>>,
    /// The position of each of the first `indexed` members' keys.
    index: Arc<HashMap<Arc<str>, usize>>,
    indexed: usize,
}

impl<P> Default for Map<P> {
    fn default() -> Self {
        Map {
            members: List::new(),
            index: Arc::default(),
            indexed: 0,
        }
    }
}

impl<P> Clone for Map<P> {
    fn clone(&self) -> Self {
        Map {
            members: self.members.clone(),
            index: Arc::clone(&self.index),
            indexed: self.indexed,
        }
    }
}

impl<P> Map<P> {
    /// An empty map.
    pub fn new() -> Self {
        Map::default()
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether there are no members.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Where the member with `key` is.
    fn position(&self, key: &str) -> Option<usize> {
        (self.indexed..self.members.len())
            .rev()
            .find(|&i| self.members.get(i).is_some_and(|m| &*m.key == key))
            .or_else(|| self.index.get(key).copied())
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&P> {
        let at = self.position(key)?;
        self.members.get(at).map(|m| &m.value)
    }

    /// Whether there is a member with `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// The members in the order they arrived.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&str, &P)> + '_ {
        self.members.iter().map(|m| (&*m.key, &m.value))
    }

    /// The keys in the order they arrived.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &str> + '_ {
        self.iter().map(|(k, _)| k)
    }

    /// The values in the order their keys arrived.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &P> + '_ {
        self.iter().map(|(_, v)| v)
    }
}

impl<P: Clone> Map<P> {
    /// The value of `key`, to change: copied first if a previous partial
    /// shares it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut P> {
        let at = self.position(key)?;
        self.members.get_mut(at).map(|m| &mut m.value)
    }

    /// Sets `key` to `value`: in its place if the key is there, else last.
    pub fn insert(&mut self, key: String, value: P) {
        if let Some(slot) = self.get_mut(&key) {
            *slot = value;
            return;
        }
        self.members.push(Member {
            key: key.into(),
            value,
        });
        // Index the members before the last chunk, a chunk at a time: the
        // index is copied (when shared) once per chunk, not per member.
        if self.members.len() - self.indexed >= 2 * CHUNK {
            let upto = self.members.len() - CHUNK;
            let index = Arc::make_mut(&mut self.index);
            for at in self.indexed..upto {
                if let Some(m) = self.members.get(at) {
                    index.insert(Arc::clone(&m.key), at);
                }
            }
            self.indexed = upto;
        }
    }
}

impl<P: Clone> FromIterator<(String, P)> for Map<P> {
    fn from_iter<I: IntoIterator<Item = (String, P)>>(iter: I) -> Self {
        let mut map = Map::new();
        for (key, value) in iter {
            map.insert(key, value);
        }
        map
    }
}

impl<P: fmt::Debug> fmt::Debug for Map<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Equal with the same members, in any order (as the maps it stands for).
impl<P: PartialEq> PartialEq for Map<P> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl<P: Serialize> Serialize for Map<P> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<P> std::ops::Index<&str> for Map<P> {
    type Output = P;

    fn index(&self, key: &str) -> &P {
        match self.get(key) {
            Some(value) => value,
            None => panic!("no member {key:?} in the map"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys are found before and after the index covers them; a repeated
    /// key keeps its place; a clone shares the members it did not change.
    #[test]
    fn members_are_found_and_shared() {
        let mut map: Map<String> = (0..200).map(|i| (format!("k{i}"), i.to_string())).collect();
        assert!(map.indexed > 0 && map.len() - map.indexed < 2 * CHUNK);
        for i in 0..200 {
            assert_eq!(
                map.get(&format!("k{i}")).map(String::as_str),
                Some(&*i.to_string())
            );
        }
        assert_eq!(map.get("k200"), None);
        let before = map.clone();
        assert!(Arc::ptr_eq(&map.index, &before.index));
        map.insert("k3".into(), "three".into());
        map.get_mut("k199").unwrap().push('!');
        map.insert("k200".into(), "200".into());
        assert_eq!(map.keys().nth(3), Some("k3"));
        assert_eq!(
            (&map["k3"][..], &map["k199"][..], map.len()),
            ("three", "199!", 201)
        );
        assert_eq!(
            (&before["k3"][..], &before["k199"][..], before.len()),
            ("3", "199", 200)
        );
        // The members map and `before` did not touch are the same values.
        let first = |m: &Map<String>| m.members.get(0).map(|m| Arc::as_ptr(&m.key));
        assert_eq!(first(&map), first(&before));
        assert_ne!(map, before);
        assert_eq!(
            serde_json::to_string(&before.iter().take(2).collect::<Vec<_>>()).unwrap(),
            r#"[["k0","0"],["k1","1"]]"#
        );
    }
}
