"""Models and answers the Instructor tests stream, chunk by chunk.

Each case is a response model and a JSON answer an LLM could give for it,
chosen to reach every branch of Instructor's partial building: nested models
(required, optional, absent), lists of models, of unions, of lists, raw dicts,
members the model does not know, defaults and default factories, enums and
literals, strings with escapes, non-ASCII text, whitespace and control
characters, and ``null``.
"""

from __future__ import annotations

import json
import random
from enum import Enum
from typing import Any, Dict, List, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator


class Color(Enum):
    RED = "red"
    BLUE = "blue"


class Address(BaseModel):
    city: str
    zip: Optional[str] = None
    lines: List[str] = Field(default_factory=list)


class Pet(BaseModel):
    kind: Literal["cat", "dog"]
    name: str

    @field_validator("name")
    @classmethod
    def title(cls, v: str) -> str:
        return v.title()


class User(BaseModel):
    name: str
    age: int
    score: float = 0.0
    active: bool = True
    color: Optional[Color] = None
    home: Address
    work: Optional[Address] = None
    addresses: List[Address] = []
    pets: List[Union[Pet, Address]] = []
    matrix: List[List[int]] = []
    meta: Dict[str, Any] = {}
    nickname: Optional[str] = None


class Loose(BaseModel):
    """Not plain: an alias, extra members kept, a private attribute."""

    model_config = ConfigDict(extra="allow")
    label: str = Field(alias="Label")
    where: Optional[Address] = None
    _seen: int = PrivateAttr(default=0)


class Team(BaseModel):
    title: str
    members: List[User]
    lead: Optional[User] = None
    notes: Optional[List[Address]] = None
    loose: List[Loose] = []


USER = {
    "name": "Ada \"the\" Lovelace \u00e9\u4e2d\U0001f600 \\ / end",
    "age": 36,
    "score": -1.5e3,
    "active": False,
    "color": "blue",
    "home": {"city": "London", "zip": None, "lines": ["12 St James's Sq", "  "]},
    "work": {"city": "Paris  ", "lines": []},
    "addresses": [{"city": "A"}, {"city": "B", "zip": "x", "lines": ["l1", "l2"]}, {"city": "C"}],
    "pets": [{"kind": "cat", "name": "tom"}, {"city": "Dogtown"}],
    "matrix": [[1, 2], [], [3]],
    "meta": {"k": [1, {"x": None}], "s": "t", "n": {"deep": {"er": True}}},
    "extra_key": {"not": "in model"},
    "nickname": None,
}

TEAM = {
    "title": "Analytical   engines",
    "members": [USER, {"name": "Bob", "age": 7, "home": {"city": "Bath"}}],
    "lead": {"name": "Cy", "age": 40, "home": {"city": "York", "lines": ["a b  "]}},
    "notes": [{"city": "raw"}, {"city": "dicts"}],
    "loose": [{"Label": "L", "where": {"city": "W"}, "more": [1, {"a": "b"}]}, {"Label": "M"}],
}

CASES = {
    "user": (User, json.dumps(USER, indent=1)),
    "user-ascii": (User, json.dumps(USER, separators=(",", ":"))),
    "team": (Team, json.dumps(TEAM, ensure_ascii=False)),
    "team-controls": (Team, json.dumps(TEAM, indent="\t").replace(": ", ":\x00 ")),
}


def chunkings(text: str, seed: int = 7) -> Dict[str, List[str]]:
    """The chunk lists each case is streamed in: one character at a time, and
    random LLM-sized pieces (1-8 characters, then 1-40)."""
    rng = random.Random(seed)
    out = {"1": list(text)}
    for top in (8, 40):
        pieces, i = [], 0
        while i < len(text):
            step = rng.randint(1, top)
            pieces.append(text[i : i + step])
            i += step
        out[f"1-{top}"] = pieces
    return out
