"""The fast path: the msgspec structs hold to the pydantic model's fields and verdicts."""

from __future__ import annotations

import copy
import json
import re
from enum import Enum
from typing import Any

import msgspec
import pydantic
import pytest

from conflictmap.events import codec as features
from conflictmap.events import model
from tests.helpers import make_feature

PAIRS = [
    (features.Event, model.Event),
    (features.EventProperties, model.EventProperties),
    (features.Point, model.Point),
    (features.Source, model.Source),
]


@pytest.mark.parametrize(("struct", "pydantic_model"), PAIRS, ids=lambda c: c.__name__)
def test_struct_has_the_models_fields_defaults_and_order(struct, pydantic_model):
    def default(value: Any) -> Any:
        return value.value if isinstance(value, Enum) else value

    info = msgspec.structs.fields(struct)
    mirrored = [(f.name, f.required, None if f.required else default(f.default)) for f in info]
    fields = pydantic_model.model_fields.items()
    expected = [(name, f.is_required(), None if f.is_required() else default(f.get_default())) for name, f in fields]
    assert mirrored == expected


def _set(path: str, value: Any) -> dict[str, Any]:
    """A valid feature with the field at dotted ``path`` set to ``value`` (``DROP`` removes it)."""
    feature = copy.deepcopy(make_feature())
    *parents, last = path.split(".")
    target: Any = feature
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    key = int(last) if last.isdigit() else last
    if value is DROP:
        target.pop(key) if isinstance(target, list) else target.pop(key, None)
    else:
        target[key] = value
    return feature


DROP = object()
#: Valid urls whose start does not settle them: decode_events leaves them to the model.
UNSETTLED_URLS = [" " * 20 + "https://a.org"]
VALUES = [DROP, None, "", "x", 0, 1.5, True, [], {}]
MUTATIONS = [
    *[(path, value) for path in ("type", "id", "geometry", "properties") for value in VALUES],
    *[(f"properties.{name}", value) for name in model.EventProperties.model_fields for value in VALUES],
    *[(f"properties.sources.0.{name}", value) for name in model.Source.model_fields for value in VALUES],
    *[("geometry.type", v) for v in (DROP, "LineString", "point")],
    *[
        ("geometry.coordinates", v)
        for v in (
            DROP,
            [36],
            [36, 49, 1],
            ["36", 49],
            [True, 49],
            [36, 49],
            [200, 49],
            [36, 95],
            [-180, -90],
            [180.0, 90.0],
            [49.5, 36.8],
            (36, 49),
        )
    ],
    *[
        ("properties.date", v)
        for v in (
            "2022-09-08",
            "2022-02-30",
            "2022-9-08",
            "08/09/2022",
            "2022-09-08T00:00",
            "2022-09-08 ",
            "٢٠٢٢-09-08",
            "0001-01-01",
            "9999-12-31",
            20220908,
        )
    ],
    *[
        ("properties.sources.0.url", v)
        for v in (
            "https://a.org",
            "HTTPS://A.ORG/x",
            " https://a.org",
            "http://a",
            "ftp://a.org",
            "javascript:alert(1)",
            "https://",
            "https:///path",
            "https:// a.org",
            "//a.org",
            "https://a.org\n",
            *UNSETTLED_URLS,
            "https://abcdefgh",
            "\thttps://a.org",
            "https://abcdefg",
        )
    ],
    *[("properties.event_type", v) for v in ("clash", "Clash", "clash\n", "air_strike2", "2strike", "control_change")],
    *[
        ("properties.place", v) for v in ("Bal\udcffakliia", "Balakliia \U0001f600", "\ud83d")
    ],  # lone surrogates, a pair
    *[("properties.control_before", v) for v in ("UA", "RU", "contested", "unknown", "ua", "Ukraine")],
    ("properties.sources", [{"publisher": "P", "url": "https://a.org", "published": "2022-09-08", "extra": [1]}]),
    ("properties.sources", ["https://a.org"]),
    ("properties.extra", {"any": ["thing"]}),
]


def test_the_mutations_cover_both_verdicts():
    verdicts = {_pydantic_accepts(_set(path, value)) for path, value in MUTATIONS}
    assert verdicts == {True, False}


def _pydantic_accepts(feature: Any) -> bool:
    try:
        model.Event.model_validate(feature)
    except pydantic.ValidationError:
        return False
    return True


def _structs_accept(feature: Any) -> bool:
    return features.convert_feature(feature) is not None


@pytest.mark.parametrize(("path", "value"), MUTATIONS, ids=lambda v: "DROP" if v is DROP else repr(v))
def test_structs_and_model_give_the_same_verdict(path, value):
    feature = _set(path, value)
    verdict = _pydantic_accepts(feature)
    assert _structs_accept(feature) == verdict
    text = json.dumps(feature).encode()
    assert (features.decode_events([text])[0] is not None) == (verdict and value not in UNSETTLED_URLS)


def test_a_block_gives_each_feature_its_own_verdict():
    texts = [json.dumps(_set(path, value)).encode() for path, value in MUTATIONS]
    verdicts = [_pydantic_accepts(_set(path, value)) and value not in UNSETTLED_URLS for path, value in MUTATIONS]
    assert [event is not None for event in features.decode_events(texts)] == verdicts


@pytest.mark.parametrize(
    ("url", "settled"),
    [
        ("https://abcdefgh", False),  # the whole start matched: more may follow
        ("https://abcdefg", True),  # shorter than the start: the whole url
        ("https://abcdefgh/path", False),
    ],
)
def test_a_url_start_is_settled_only_when_what_follows_cannot_matter(monkeypatch, url, settled):
    monkeypatch.setattr(features, "_URL", re.compile(r"^https://\w+$"))  # a pattern with an end
    assert features._settles_url(url[: features.URL_START]) == settled


def test_a_refused_feature_gets_the_models_field_named_messages():
    feature = make_feature(date="2022-02-30", confidence="sure")
    event, errors = features.validate_feature(feature)
    assert event is None
    assert [field for field, _ in errors] == ["date", "confidence"]
    assert "not a real date" in errors[0][1]


def test_the_fast_event_reads_like_the_models():
    fast = features.parse_event(make_feature())
    slow = model.Event.model_validate(make_feature())
    assert (fast.id, fast.lon, fast.lat) == (slow.id, slow.lon, slow.lat)
    for name in model.EventProperties.model_fields:
        if name != "sources":
            assert getattr(fast.properties, name) == getattr(slow.properties, name), name
    assert [msgspec.structs.asdict(s) for s in fast.properties.sources] == [
        s.model_dump() for s in slow.properties.sources
    ]
