import shapely

from conflictmap.boundaries import area_km2, country_outline, oblasts
from conflictmap.geocode.gazetteer import UA_ADMIN1, _geonames_places


def test_every_oblast_has_one_polygon_and_kharkiv_has_its_official_area():
    table = oblasts()
    assert sorted(table["admin1"]) == sorted(names[0] for names in UA_ADMIN1.values())
    kharkiv = table.loc[table["admin1"] == "Kharkiv", "geometry"].iloc[0]
    assert abs(area_km2(kharkiv) - 31_415) / 31_415 < 0.01  # official area


def test_oblasts_tile_the_country():
    table, outline = oblasts(), country_outline().union_all()
    assert shapely.is_valid(table.geometry).all()
    total = area_km2(table.geometry.to_numpy())
    assert abs(total - area_km2(outline)) / total < 0.002  # no overlaps, no gaps beyond slivers
    assert abs(area_km2(outline) - 603_628) / 603_628 < 0.01  # Ukraine's official area


def test_towns_lie_in_their_own_oblast():
    towns = [place for place, _ in _geonames_places() if place.population >= 20_000 and place.admin1]
    table = oblasts().set_index("admin1")
    inside = [shapely.contains_xy(table.geometry[town.admin1], town.lon, town.lat) for town in towns]
    assert len(inside) > 150
    assert sum(inside) >= 0.97 * len(inside)  # 304 of 310: towns beside Kyiv city and on borders fall off
