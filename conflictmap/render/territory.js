// conflictmap: control areas, front line and retaken ground for the day and source layers shown,
// with the km² figures and a chart of the ground each side held over time.
function conflictmapTerritory(map, data) {
  "use strict";
  var colours = data.colours;
  var SVG = "http://www.w3.org/2000/svg";
  var CONTROLLERS = {U: "UA", R: "RU", C: "contested"};
  var areas = L.layerGroup();  // one shape per side: its cells, filled as one path (no seams)
  var retaken = L.layerGroup();
  var line = L.layerGroup();
  var LINE = {color: "#111", weight: 3, dashArray: "6 4", interactive: false};
  // a line or ring as the page keeps it: its first point, then each step to the next, in 1e-5 degrees
  function latLngs(flat) {
    var out = new Array(flat.length / 2), x = 0, y = 0;
    for (var k = 0; k < flat.length; k += 2) { x += flat[k]; y += flat[k + 1]; out[k / 2] = L.latLng(y * 1e-5, x * 1e-5); }
    return out;
  }
  var AREA = {stroke: false, fillOpacity: 0.18, smoothFactor: 0, interactive: false};  // unsimplified: shared edges stay shared
  var RETAKEN = {stroke: false, fillColor: "#ffd500", fillOpacity: 0.35, smoothFactor: 0, interactive: false};
  areas.addTo(map); retaken.addTo(map); line.addTo(map);

  // a set of cells as Leaflet polygons: each cell a list of polygons, each a list of rings (made once)
  var made = new Map();
  function cellPolygons(variant, t) {
    var key = variant.cells[t];
    if (!made.has(key)) {
      made.set(key, key.map(function (cell) {
        return cell.map(function (polygon) { return polygon.map(latLngs); });
      }));
    }
    return made.get(key);
  }
  // the polygons of the cells whose state ``pick`` accepts
  function gather(polygons, states, pick) {
    var parts = [];
    for (var k = 0; k < states.length; k++) if (pick(states[k], k)) parts.push.apply(parts, polygons[k]);
    return parts;
  }
  // the state letter of each cell of entry i: the first entry of its cells has them all, each later
  // one what changed since the entry before it of the same cells (replayed from the first)
  function statesOf(variant, i) {
    var entries = variant.entries, t = entries[i].t, states = null;
    if (variant.decoded && variant.decoded.i === i) return variant.decoded.states;
    for (var j = 0; j <= i; j++) {
      var e = entries[j];
      if (e.t !== t) continue;
      if (!e.c) { states = e.s.split(""); continue; }
      for (var k = 0; k < e.c.length; k++) states[e.c[k]] = e.s.charAt(k);
    }
    variant.decoded = {i: i, states: states};
    return states;
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

  // a variant's days in order (made once), and the latest of them at or before a day
  function sortedDays(variant) {
    if (!variant.sorted) variant.sorted = Object.keys(variant.days).sort();
    return variant.sorted;
  }
  function latestDay(variant, day) {
    var days = sortedDays(variant), lo = 0, hi = days.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (days[mid] <= day) lo = mid + 1; else hi = mid; }
    return lo ? days[lo - 1] : null;
  }
  function entry(variant, day) {
    var d = latestDay(variant, day);
    return d === null ? null : variant.days[d];
  }
  // km² held in Ukraine on a slider day: by Ukraine, Russia, contested (measured by the map where it
  // measured them); and held by Ukraine in Russia
  function held(variant, day) {
    var m = variant.measured && variant.measured[day], s = variant.stats[variant.days[day]];
    return m ? [m[0], m[1], m[2], m[4]] : [s[0], s[1], s[2], s[4]];
  }

  var figures = el("div", null, "cm-figures");
  var caption = el("div", null, "cm-chart-caption");
  var chart = document.createElementNS(SVG, "svg");
  chart.setAttribute("class", "cm-chart");
  chart.setAttribute("viewBox", "0 0 240 44");
  chart.setAttribute("role", "img");
  chart.setAttribute("aria-label", "Share of the region held by each side, day by day");
  var bars = document.createElementNS(SVG, "svg");
  bars.setAttribute("class", "cm-bars");
  bars.setAttribute("viewBox", "0 0 240 36");
  bars.setAttribute("role", "img");
  bars.setAttribute("aria-label", "Ground each side gained per month");
  var barsCaption = el("div", null, "cm-chart-caption cm-bars-caption");

  // the chart's days: from the day retaken ground is counted from (the whole span if that is the first)
  function chartDays(variant) {
    var days = sortedDays(variant);
    var from = days.filter(function (d) { return d >= data.since; });
    return from.length > 1 ? from : days;
  }

  // Russia's net gain of ground per month of the chart (a loss is Ukraine's gain): from the last
  // day of change before the month to its last; a month with no day of change before it has none
  function drawBars(variant, days) {
    while (bars.firstChild) bars.removeChild(bars.firstChild);
    barsCaption.textContent = "";
    var months = [], last = {};
    days.forEach(function (d) { var m = d.slice(0, 7); if (!(m in last)) months.push(m); last[m] = d; });
    var change = months.map(function (m) {
      var before = latestDay(variant, m + "-00");  // the last day of change before the month
      return before === null ? null : held(variant, last[m])[1] - held(variant, before)[1];
    });
    var shown = change.filter(function (c) { return c !== null; });
    if (!shown.length) return;
    var most = Math.max.apply(null, shown.map(Math.abs)) || 1, width = 240 / months.length, biggest = null;
    change.forEach(function (c, i) {
      if (c === null) return;
      if (biggest === null || Math.abs(c) > Math.abs(change[biggest])) biggest = i;
      var bar = document.createElementNS(SVG, "rect"), h = 17 * Math.abs(c) / most;
      bar.setAttribute("x", (i * width + width * 0.1).toFixed(1));
      bar.setAttribute("width", (width * 0.8).toFixed(1));
      bar.setAttribute("y", (c > 0 ? 18 - h : 18).toFixed(1));
      bar.setAttribute("height", Math.max(h, 0.3).toFixed(1));
      bar.setAttribute("fill", c > 0 ? colours.RU : colours.UA);
      var title = document.createElementNS(SVG, "title");
      title.textContent = months[i] + ": " + (c > 0 ? "Russia" : "Ukraine") + " gained " + km2(Math.abs(c));
      bar.appendChild(title);
      bars.appendChild(bar);
    });
    barsCaption.textContent = "Ground gained per month, " + months[0] + " to " + months[months.length - 1] +
      ": Russia (red, up), Ukraine (blue, down); the most, " + km2(Math.abs(change[biggest])) + " in " + months[biggest];
  }

  function drawChart(variant) {
    while (chart.firstChild) chart.removeChild(chart.firstChild);
    var days = chartDays(variant);
    caption.textContent = days.length < 2 ? "" : "Share of the region" + (data.russia ? " in Ukraine" : "") + " held, " +
      days[0] + " to " + days[days.length - 1] + ": Russia (red), contested (amber), Ukraine (blue)" +
      (variant.measured ? "; as the map measured it" : "");
    drawBars(variant, days);
    if (days.length < 2) return;
    var first = Date.parse(days[0]), span = Date.parse(days[days.length - 1]) - first || 1;
    function x(day) { return (240 * (Date.parse(day) - first) / span).toFixed(1); }
    function y(share) { return (44 - 44 * Math.min(share, 1)).toFixed(1); }
    function band(lower, upper, colour) {  // shares of the region, stacked from the bottom
      var top = days.map(function (d) { return x(d) + "," + y(upper(held(variant, d))); });
      var bottom = days.slice().reverse().map(function (d) { return x(d) + "," + y(lower(held(variant, d))); });
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
    var states = statesOf(variant, i);
    var russian = {};  // Russia's own ground held by Russia is no control area of this war
    variant.russia[now.t].forEach(function (k) { russian[k] = true; });
    Object.keys(CONTROLLERS).forEach(function (letter) {
      var parts = gather(polygons, states, function (c, k) { return c === letter && !(letter === "R" && russian[k]); });
      if (parts.length) L.polygon(parts, Object.assign({color: colours[CONTROLLERS[letter]]}, AREA)).addTo(areas);
    });
    if (state.day >= data.since) {  // Russian-held then, Ukrainian-held now
      var was = variant.since[now.t];
      var taken = gather(polygons, states, function (c, k) { return c === "U" && was.charAt(k) === "R"; });
      if (taken.length) L.polygon(taken, RETAKEN).addTo(retaken);
    }
    if (variant.lines[now.l].length) L.polyline(variant.lines[now.l].map(latLngs), LINE).addTo(line);
    retaken.eachLayer(function (layer) { layer.bringToBack(); });  // under the settlements, over the areas
    areas.eachLayer(function (layer) { layer.bringToBack(); });
    var day = latestDay(variant, state.day), h = held(variant, day);
    var measured = variant.measured && variant.measured[day];
    figures.textContent = "Held" + (data.russia ? " in Ukraine" : "") +
      (measured ? " (measured by the map of " + measured[3] + ")" : " (estimated)") +
      ": Ukraine " + km2(h[0]) + " \u00b7 Russia " + km2(h[1]) + (h[2] ? " \u00b7 contested " + km2(h[2]) : "") +
      (data.russia ? "; held by Ukraine in Russia: " + km2(h[3]) : "") +
      ". Retaken since " + data.since + ": " + km2(s[3]) + (measured ? " (estimated)." : ".");
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
      box.appendChild(bars);
      box.appendChild(barsCaption);
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
    else {
      [chart, bars].forEach(function (svg) { while (svg.firstChild) svg.removeChild(svg.firstChild); });
      caption.textContent = ""; barsCaption.textContent = "";
    }
    show();
  });
  map.cmTerritory = {areas: areas, retaken: retaken, line: line, figures: figures, state: state};
  if (map.cmDay) { state.day = map.cmDay; show(); }
}
