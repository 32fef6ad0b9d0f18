import pytest
import shapely

from conflictmap.errors import ConflictmapError
from conflictmap.places.boundaries import area_km2, country_outline, oblasts, region_label, region_names, region_polygon
from conflictmap.places.gazetteer import geonames_places
from conflictmap.vocab import UA_ADMIN1


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
    towns = [place for place, _ in geonames_places() if place.population >= 20_000 and place.admin1]
    table = oblasts().set_index("admin1")
    inside = [shapely.contains_xy(table.geometry[town.admin1], town.lon, town.lat) for town in towns]
    assert len(inside) > 150
    assert sum(inside) >= 0.97 * len(inside)  # 304 of 310: towns beside Kyiv city and on borders fall off


@pytest.mark.parametrize(
    ("spec", "names", "label"),
    [
        ("Kyiv", ("Kyiv",), "Kyiv oblast"),  # the oblast: its own name comes first
        ("Київська", ("Kyiv",), "Kyiv oblast"),
        ("Kyiv City", ("Kyiv City",), "Kyiv City"),
        ("Київ", ("Kyiv City",), "Kyiv City"),  # the city's name as written
        ("Kharkov", ("Kharkiv",), "Kharkiv oblast"),
        ("Kharkivska", ("Kharkiv",), "Kharkiv oblast"),  # a name it begins
        ("Kharkiv,Donetsk", ("Kharkiv", "Donetsk"), "Kharkiv and Donetsk oblasts"),
        (" Sumy , Kursk ,Sumy", ("Sumy", "Kursk"), "Sumy and Kursk oblasts"),
        ("Курська", ("Kursk",), "Kursk oblast"),
        ("Ukraine", ("Ukraine",), "Ukraine"),
        (None, ("Ukraine",), "Ukraine"),
        ("Crimea,Sevastopol", ("Crimea", "Sevastopol"), "Crimea and Sevastopol"),
    ],
)
def test_region_names_by_any_spelling_and_in_lists(spec, names, label):
    assert region_names(spec) == names
    assert region_label(spec) == label


def test_a_list_of_regions_is_their_union_and_russian_border_oblasts_are_regions():
    both = region_polygon("Kharkiv,Donetsk")
    assert abs(area_km2(both) - area_km2(region_polygon("Kharkiv")) - area_km2(region_polygon("Donetsk"))) < 50
    kursk = region_polygon("Kursk")
    assert shapely.contains_xy(kursk, 36.19, 51.73)  # Kursk city
    assert not shapely.intersects(kursk, shapely.buffer(region_polygon("Ukraine"), -0.01))
    assert 25_000 < area_km2(kursk) < 31_000  # 29,997 km² officially
    assert area_km2(region_polygon("Ukraine")) > 590_000


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("Narnia", "unknown region 'Narnia'; known: Ukraine, Cherkasy"),
        ("Kharkiv,Narnia", "unknown region 'Narnia'"),
        ("Kiev", "'Kiev' could be Kyiv City or Kyiv"),
        (" , ", "names no region"),
    ],
)
def test_wrong_regions_are_one_clear_error(spec, message):
    with pytest.raises(ConflictmapError, match=message):
        region_names(spec)


def test_by_default_the_extent_is_the_ground_the_events_cover():
    import geopandas as gpd

    from conflictmap.places.boundaries import covering_regions, extent_of

    def events(*points):
        return gpd.GeoDataFrame(geometry=gpd.points_from_xy(*zip(*points, strict=True)), crs="EPSG:4326")

    kharkiv_and_kursk = events((36.84, 49.46), (37.62, 49.71), (35.27, 51.19))  # Balakliia, Kupiansk, Sudzha
    assert covering_regions(kharkiv_and_kursk) == ("Kharkiv", "Kursk")
    extent = extent_of(None, kharkiv_and_kursk)
    assert extent.names == ("Kharkiv", "Kursk") and extent.label == "Kharkiv and Kursk oblasts"
    assert extent.polygon.equals(region_polygon("Kharkiv,Kursk"))
    assert extent_of(None, events((21.0, 52.2))).label == "Ukraine"  # Warsaw: in no region
    assert extent_of("Donetsk", kharkiv_and_kursk).label == "Donetsk oblast"
    many = ",".join(["Kharkiv", "Donetsk", "Luhansk", "Zaporizhzhia", "Kherson", "Kursk"])
    assert region_label(many) == "5 regions of Ukraine and Kursk oblast"
