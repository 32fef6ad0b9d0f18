// conflictmap: settlements coloured by control on a day, a time slider, popups.
// Every event text reaches the page through textContent, never innerHTML.
function conflictmapSettlements(layer, map, data) {
  "use strict";
  var renderer = L.canvas({padding: 0.5});
  var LABELS = {UA: "Ukraine", RU: "Russia", contested: "contested", unknown: "unknown"};
  var LAYERS = {reports: "reports", maps: "maps", datasets: "datasets"};
  var byPlace = data.places.map(function () { return []; });
  data.changes.forEach(function (c, i) { byPlace[c[0]].push(i); });
  var enabled = data.layers.map(function () { return true; });  // by index into data.layers
  function enabledBits() {
    return data.layers.reduce(function (bits, layer, k) { return enabled[k] ? bits | layer[2] : bits; }, 0);
  }

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function safeUrl(url) {
    if (typeof url !== "string") return null;
    try {
      var parsed = new URL(url);
      return (parsed.protocol === "http:" || parsed.protocol === "https:") ? parsed.href : null;
    } catch (e) { return null; }
  }

  // State of place p on day: the last change at or before day of the layers switched on,
  // leaving out changes a switched-on layer sets aside (a map snapshot within the days a
  // report speaks for); the changes come in the order of the rule (by date, a report after
  // a map snapshot of the same day). recaptured: the day the place became Ukrainian again
  // after being Russian-held (through contested or unknown days in between, if any); never
  // for a place in Russia (data.places[p][3]), which Ukraine takes, not retakes.
  function stateOn(p, day) {
    var state = null, recaptured = null, last = null, sawRU = false, bits = enabledBits();
    byPlace[p].forEach(function (i) {
      var c = data.changes[i];
      if (c[1] > day || !enabled[c[4]] || (c[5] & bits)) return;
      state = c[3]; last = i;
      if (c[3] === "RU") { sawRU = true; recaptured = null; }
      else if (c[3] === "UA") { if (sawRU && !data.places[p][3]) recaptured = c[1]; sawRU = false; }
      else recaptured = null;
    });
    return {control: state, recaptured: recaptured, last: last};
  }

  function popup(p) {
    var box = el("div", null, "cm-popup");
    box.appendChild(el("h4", data.places[p][0]));
    byPlace[p].slice().reverse().forEach(function (i) {
      var d = data.details[i];
      var item = el("div", null, "cm-event");
      var head = el("div", null, "cm-event-head");
      head.appendChild(el("b", d.date));
      head.appendChild(document.createTextNode(" (" + d.date_precision + ") "));
      head.appendChild(el("span", (LABELS[d.before] || d.before) + " \u2192 " + (LABELS[d.after] || d.after)));
      item.appendChild(head);
      item.appendChild(el("div", d.place + " \u00b7 " + (LAYERS[d.layer] || d.layer) + " \u00b7 " + d.confidence +
        " \u00b7 location " + d.geo_precision, "cm-meta"));
      if (data.changes[i][5] & enabledBits()) item.appendChild(el("div", "Set aside: a report of these days outranks it.", "cm-meta"));
      if (d.notes) item.appendChild(el("div", d.notes, "cm-notes"));
      var list = el("ul", null, "cm-sources");
      d.sources.forEach(function (s) {
        var li = el("li");
        var url = safeUrl(s[3]);
        var label = s[0] + (s[1] ? ": " + s[1] : "");
        if (url) {
          var a = el("a", label);
          a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer nofollow";
          li.appendChild(a);
        } else {
          li.appendChild(el("span", label));
        }
        if (s[2]) li.appendChild(document.createTextNode(" (" + s[2] + ")"));
        list.appendChild(li);
      });
      item.appendChild(list);
      box.appendChild(item);
    });
    return box;
  }

  var markers = data.places.map(function (place, p) {
    var marker = L.circleMarker([place[2], place[1]], {renderer: renderer, radius: data.places.length > 400 ? 4 : 6, weight: 1});
    marker.bindPopup(function () { return popup(p); }, {maxWidth: Math.min(360, window.innerWidth - 60), autoPanPadding: [10, 10]});
    marker.bindTooltip(el("span", place[0]));
    marker.addTo(layer);
    return marker;
  });

  // places that share a point with an earlier place: counted once a point, as stats counts them
  var sharing = {};
  data.shared.forEach(function (pair) { sharing[pair[0]] = pair[1]; });
  var counts = el("div", null, "cm-counts");
  function show(day) {
    var tally = {UA: 0, RU: 0, contested: 0, unknown: 0, none: 0, recaptured: 0}, counted = {};
    markers.forEach(function (marker, p) {
      var s = stateOn(p, day);
      var colour = s.control ? data.colours[s.control] : "#ffffff";
      var point = p in sharing ? sharing[p] : p;
      if (!s.control || !counted[point]) tally[s.control || "none"] += 1;
      if (s.control) counted[point] = true;
      if (s.recaptured) tally.recaptured += 1;
      marker.setStyle({
        fillColor: colour, fillOpacity: s.control ? 0.9 : 0.4,
        color: s.recaptured ? "#ffd500" : "#222", weight: s.recaptured ? 3 : 1
      });
      marker.options.cmState = s.control || "none";
      marker.options.cmRecaptured = s.recaptured;
    });
    counts.textContent = "Ukraine " + tally.UA + " \u00b7 Russia " + tally.RU + " \u00b7 contested " +
      tally.contested + " \u00b7 recaptured " + tally.recaptured;
    layer.cmDay = day;
    map.cmDay = day;
    map.fire("conflictmap:day", {day: day});
  }

  // One checkbox per source layer: the settlements, areas and figures follow the layers switched on.
  function layerSwitch(update) {
    var row = el("div", "Sources: ", "cm-layers");
    data.layers.forEach(function (layer, k) {
      var label = el("label");
      var box = el("input");
      box.type = "checkbox"; box.checked = true; box.value = layer[0];
      box.addEventListener("change", function () {
        enabled[k] = box.checked;
        map.fire("conflictmap:layers", {layers: data.layers.filter(function (_, j) { return enabled[j]; })
          .map(function (l) { return l[0]; })});
        update();
      });
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + (LAYERS[layer[0]] || layer[0]) + " (" + layer[1].toLocaleString("en-GB") + ")"));
      row.appendChild(label);
    });
    return row;
  }

  // The day in the address (map.html#2022-09-10): the map opens on it, and moving the slider
  // updates it, so a link shares the day seen.
  var DAY_HASH = /^#(\d{4}-\d{2}-\d{2})$/;
  function dayIndex(day) {  // the last day with a change at or before ``day``
    return data.dates.filter(function (d) { return d <= day; }).length - 1;
  }
  var hashDay = DAY_HASH.exec(window.location.hash);
  var opening = hashDay ? hashDay[1] : data.start;

  var Slider = L.Control.extend({
    options: {position: "bottomleft"},
    onAdd: function () {
      var box = el("div", null, "cm-slider leaflet-bar");
      var row = el("div", null, "cm-day-row");
      var play = el("button", "\u25b6", "cm-play");
      play.type = "button"; play.title = "Play the days (Space); step with \u2190 \u2192";
      play.setAttribute("aria-label", "Play");
      var label = el("div", null, "cm-day");
      var input = el("input");
      input.type = "range"; input.min = 0; input.max = Math.max(data.dates.length - 1, 0); input.step = 1;
      input.setAttribute("aria-label", "Day shown");
      var start = dayIndex(opening);
      input.value = start >= 0 ? start : input.max;
      function update() {
        var day = data.dates[+input.value] || data.start;
        label.textContent = day ? "Control on " + day : "no control changes";
        if (!day) return;
        show(day);
        if (window.location.hash !== "#" + day && window.history.replaceState) {
          try { window.history.replaceState(null, "", "#" + day); } catch (e) { /* a page that may not change its address */ }
        }
      }
      function step(by) {
        var next = Math.min(Math.max(+input.value + by, 0), +input.max);
        if (next !== +input.value) { input.value = next; update(); }
        return next;
      }
      var timer = null;
      function stop() { if (timer) { clearInterval(timer); timer = null; } play.textContent = "\u25b6"; play.setAttribute("aria-label", "Play"); }
      function begin() {
        if (+input.value >= +input.max) { input.value = 0; update(); }
        play.textContent = "\u275a\u275a"; play.setAttribute("aria-label", "Pause");
        timer = setInterval(function () { if (step(1) >= +input.max) stop(); }, data.play_ms);
      }
      play.addEventListener("click", function () { if (timer) stop(); else begin(); });
      input.addEventListener("input", function () { stop(); update(); });
      window.addEventListener("hashchange", function () {
        var m = DAY_HASH.exec(window.location.hash);
        if (m && data.dates[+input.value] !== m[1]) { stop(); input.value = Math.max(dayIndex(m[1]), 0); update(); }
      });
      document.addEventListener("keydown", function (e) {
        var typing = e.target && /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName) && e.target !== input;
        if (typing || e.target === input) return;  // the slider moves itself with the arrows
        if (e.key === "ArrowLeft" || e.key === "ArrowRight") { stop(); step(e.key === "ArrowLeft" ? -1 : 1); e.preventDefault(); }
        else if (e.key === " " && e.target === document.body) { play.click(); e.preventDefault(); }
      });
      L.DomEvent.disableClickPropagation(box);
      row.appendChild(play); row.appendChild(label);
      box.appendChild(row); box.appendChild(input); box.appendChild(counts);
      if (data.switch) box.appendChild(layerSwitch(update));
      update();
      map.cmPlayer = {play: begin, stop: stop, step: step, playing: function () { return timer !== null; }};
      return box;
    }
  });
  new Slider().addTo(map);

  // A search box for place names: pick or type a name, press Enter, the map flies there.
  var Search = L.Control.extend({
    options: {position: "topleft"},
    onAdd: function () {
      var box = el("div", null, "cm-search leaflet-bar");
      var input = el("input");
      input.type = "search"; input.placeholder = "Find a place\u2026"; input.setAttribute("list", "cm-places");
      input.setAttribute("aria-label", "Find a place");
      var list = el("datalist"); list.id = "cm-places";
      data.places.map(function (p) { return p[0]; }).sort().forEach(function (name) {
        var option = el("option"); option.value = name; list.appendChild(option);
      });
      function go() {
        var wanted = input.value.trim().toLowerCase();
        if (!wanted) return;
        var p = data.places.findIndex(function (place) { return place[0].toLowerCase() === wanted; });
        if (p < 0) p = data.places.findIndex(function (place) { return place[0].toLowerCase().indexOf(wanted) >= 0; });
        if (p < 0) { input.classList.add("cm-miss"); return; }
        input.classList.remove("cm-miss");
        map.setView(markers[p].getLatLng(), Math.max(map.getZoom(), 11));
        markers[p].openPopup();
      }
      input.addEventListener("change", go);
      input.addEventListener("keydown", function (e) { if (e.key === "Enter") go(); });
      L.DomEvent.disableClickPropagation(box);
      box.appendChild(input); box.appendChild(list);
      return box;
    }
  });
  new Search().addTo(map);
  // for notebooks and tests: the markers, and a way to show another day
  map.cmSettlements = {markers: markers, places: data.places, show: show};
}
