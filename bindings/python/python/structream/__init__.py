"""O(n) partial JSON for streamed LLM output.

``PartialJSON`` is fed the chunks of a JSON value as they arrive (bytes or
str, split anywhere) and shows the value so far at any moment, without
re-parsing: reading ``.value`` after every chunk costs the change, not the
document. ``JSONError`` reports invalid input with its byte, line and column.

>>> from structream import PartialJSON
>>> p = PartialJSON(partial_mode="trailing-strings", items=["/users"])
>>> p.feed(b'{"users": [{"name": "Ja')
True
>>> p.value
{'users': [{'name': 'Ja'}]}
>>> p.feed('ne", "age": 30}, {')
True
>>> p.items
[{'name': 'Jane', 'age': 30}]
>>> p.state("/users/0"), p.state("/users/1")
('complete', 'incomplete')

What models write that is almost JSON is repaired as it streams with
``repair=True`` (or a list of ``REPAIR_KINDS``), each repair reported:

>>> p = PartialJSON(repair=True)
>>> p.feed("{'name': 'Ada', tags: ['x',], ok: True}")
True
>>> p.value
{'name': 'Ada', 'tags': ['x'], 'ok': True}
>>> p.repairs[:3]
[('single-quotes', 1), ('single-quotes', 9), ('unquoted-key', 16)]
"""

from ._structream import REPAIR_KINDS, JSONError, PartialJSON

__all__ = ["JSONError", "PartialJSON", "REPAIR_KINDS"]
