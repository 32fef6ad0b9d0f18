// conflictmap: control areas, front line and retaken ground for the day and source layers shown,
// with the km² figures and a chart of the ground each side held over time.
function conflictmapTerritory(map, data) {
  "use strict";
  var colours = data.colours;
  var SVG = "http://www.w3.org/2000/svg";
  var CONTROLLERS = {U: "UA", R: "RU", C: "contested"};
  var areas = L.layerGroup();  // one shape per side: its cells, filled as one path (no seams)
  var retaken = L.layerGroup();
  var line = L.geoJSON(null, {style: function () { return {color: "#111", weight: 3, dashArray: "6 4"}; }, interactive: false});
  var AREA = {weight: 0, fillOpacity: 0.18, interactive: false};
  var RETAKEN = {color: "#8a6d00", weight: 0, fillColor: "#ffd500", fillOpacity: 0.35, interactive: false};
  areas.addTo(map); retaken.addTo(map); line.addTo(map);

  // a set of cells as Leaflet polygons: each cell a list of polygons, each a list of rings (made once)
  var made = new Map();
  function cellPolygons(variant, t) {
    var key = variant.cells[t];
    if (!made.has(key)) {
      made.set(key, key.map(function (g) {
        if (!g) return [];
        return g.type === "Polygon" ? [L.GeoJSON.coordsToLatLngs(g.coordinates, 1)] : L.GeoJSON.coordsToLatLngs(g.coordinates, 2);
      }));
    }
    return made.get(key);
  }
  // the polygons of the cells whose state ``pick`` accepts
  function gather(polygons, states, pick) {
    var parts = [];
    for (var k = 0; k < states.length; k++) if (pick(states.charAt(k), k)) parts.push.apply(parts, polygons[k]);
    return parts;
  }
  var keys = Object.keys(data.variants);
  // at first every layer is shown: the variant of the most layers
  var state = {day: null, variant: keys.reduce(function (a, b) { return b.split("+").length > a.split("+").length ? b : a; })};

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function km2(x) { return Math.round(x).toLocaleString("en-GB") + " km\u00b2"; }

  // the entry of a variant for a day: the latest day of the slider at or before it
  function entry(variant, day) {
    var best = null;
    Object.keys(variant.days).forEach(function (d) { if (d <= day && (best === null || d > best)) best = d; });
    return best === null ? null : variant.days[best];
  }

  var figures = el("div", null, "cm-figures");
  var caption = el("div", null, "cm-chart-caption");
  var chart = document.createElementNS(SVG, "svg");
  chart.setAttribute("class", "cm-chart");
  chart.setAttribute("viewBox", "0 0 240 44");
  chart.setAttribute("role", "img");
  chart.setAttribute("aria-label", "Share of the region held by each side, day by day");

  // the chart's days: from the day retaken ground is counted from (the whole span if that is the first)
  function chartDays(variant) {
    var days = Object.keys(variant.days).sort();
    var from = days.filter(function (d) { return d >= data.since; });
    return from.length > 1 ? from : days;
  }

  function drawChart(variant) {
    while (chart.firstChild) chart.removeChild(chart.firstChild);
    var days = chartDays(variant);
    caption.textContent = days.length < 2 ? "" : "Share of the region held, " + days[0] + " to " + days[days.length - 1] +
      ": Russia (red), contested (amber), Ukraine (blue)";
    if (days.length < 2) return;
    var first = Date.parse(days[0]), span = Date.parse(days[days.length - 1]) - first || 1;
    function x(day) { return (240 * (Date.parse(day) - first) / span).toFixed(1); }
    function y(share) { return (44 - 44 * Math.min(share, 1)).toFixed(1); }
    function band(lower, upper, colour) {  // shares of the region, stacked from the bottom
      var top = days.map(function (d) { return x(d) + "," + y(upper(variant.stats[variant.days[d]])); });
      var bottom = days.slice().reverse().map(function (d) { return x(d) + "," + y(lower(variant.stats[variant.days[d]])); });
      var shape = document.createElementNS(SVG, "polygon");
      shape.setAttribute("points", top.concat(bottom).join(" "));
      shape.setAttribute("fill", colour);
      chart.appendChild(shape);
    }
    var total = data.region_km2;
    band(function () { return 0; }, function (s) { return s[1] / total; }, colours.RU);
    band(function (s) { return s[1] / total; }, function (s) { return (s[1] + s[2]) / total; }, colours.contested);
    band(function (s) { return (s[1] + s[2]) / total; }, function (s) { return (s[0] + s[1] + s[2]) / total; }, colours.UA);
    var marker = document.createElementNS(SVG, "line");
    marker.setAttribute("class", "cm-chart-day");
    marker.setAttribute("y1", "0"); marker.setAttribute("y2", "44");
    marker.setAttribute("stroke", "#111"); marker.setAttribute("stroke-width", "1.5");
    chart.appendChild(marker);
  }

  function show() {
    var variant = data.variants[state.variant];
    areas.clearLayers(); retaken.clearLayers(); line.clearLayers();
    var i = variant && state.day ? entry(variant, state.day) : null;
    if (i === null) { figures.textContent = "No control areas for these sources on this day."; return; }
    var now = variant.entries[i], s = variant.stats[i], polygons = cellPolygons(variant, now.t);
    Object.keys(CONTROLLERS).forEach(function (letter) {
      var parts = gather(polygons, now.s, function (c) { return c === letter; });
      if (parts.length) L.polygon(parts, Object.assign({color: colours[CONTROLLERS[letter]]}, AREA)).addTo(areas);
    });
    if (state.day >= data.since) {  // Russian-held then, Ukrainian-held now
      var was = variant.since[now.t];
      var parts = gather(polygons, now.s, function (c, k) { return c === "U" && was.charAt(k) === "R"; });
      if (parts.length) L.polygon(parts, RETAKEN).addTo(retaken);
    }
    if (variant.lines[now.l]) line.addData(variant.lines[now.l]);
    retaken.eachLayer(function (layer) { layer.bringToBack(); });  // under the settlements, over the areas
    areas.eachLayer(function (layer) { layer.bringToBack(); });
    figures.textContent = "Held: Ukraine " + km2(s[0]) + " \u00b7 Russia " + km2(s[1]) +
      (s[2] ? " \u00b7 contested " + km2(s[2]) : "") + ". Retaken since " + data.since + ": " + km2(s[3]) + ".";
    var marker = chart.querySelector(".cm-chart-day");
    var days = chartDays(variant);
    if (marker && days.length > 1) {
      var first = Date.parse(days[0]), span = Date.parse(days[days.length - 1]) - first || 1;
      var at = (240 * (Math.min(Math.max(Date.parse(state.day), first), first + span) - first) / span).toFixed(1);
      marker.setAttribute("x1", at); marker.setAttribute("x2", at);
    }
  }

  var Panel = L.Control.extend({
    options: {position: "bottomleft"},
    onAdd: function () {
      var box = el("div", null, "cm-territory leaflet-bar");
      box.appendChild(figures);
      box.appendChild(chart);
      box.appendChild(caption);
      L.DomEvent.disableClickPropagation(box);
      return box;
    }
  });
  new Panel().addTo(map);
  drawChart(data.variants[state.variant]);

  map.on("conflictmap:day", function (e) { state.day = e.day; show(); });
  map.on("conflictmap:layers", function (e) {
    state.variant = e.layers.slice().sort().join("+");
    if (data.variants[state.variant]) drawChart(data.variants[state.variant]);
    else { while (chart.firstChild) chart.removeChild(chart.firstChild); caption.textContent = ""; }
    show();
  });
  map.cmTerritory = {areas: areas, retaken: retaken, line: line, figures: figures, state: state};
  if (map.cmDay) { state.day = map.cmDay; show(); }
}
