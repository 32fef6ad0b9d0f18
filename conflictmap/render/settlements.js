// conflictmap: every place drawn as itself, coloured by control on a day, a time slider, popups built
// on demand from shared tables, a search box. Every event text reaches the page through textContent,
// never innerHTML.
function conflictmapSettlements(layer, map, data) {
  "use strict";
  var LABELS = {UA: "Ukraine", RU: "Russia", contested: "contested", unknown: "unknown"};
  var LAYERS = {reports: "reports", maps: "maps", datasets: "datasets"};
  var texts = data.texts, places = data.places, changes = data.changes, states = data.states;
  var count = places.name.length, NONE = states.length;  // NONE: no state on the day
  // each change's fields that few distinct rows (``kinds``) hold, as columns
  ["before", "after", "layer", "outranked", "date_precision", "geo_precision", "confidence"].forEach(function (field, k) {
    changes[field] = changes.kind.map(function (i) { return data.kinds[i][k]; });
  });
  // where each list of sources starts among data.citations.sources
  var citationStarts = [0];
  data.citations.counts.forEach(function (n, c) { citationStarts.push(citationStarts[c] + n); });
  var inRussia = new Uint8Array(count);
  places.russia.forEach(function (p) { inRussia[p] = 1; });
  function text(i) { return i >= 0 ? texts[i] : null; }
  function name(p) { return texts[places.name[p]]; }
  function region(p) { return text(places.admin1[p]); }
  function spelling(i) { return i in changes.spelling ? texts[changes.spelling[i]] : name(changes.place[i]); }

  // each place's changes, in the timeline's order
  var byPlace = [];
  for (var p = 0; p < count; p++) byPlace.push([]);
  changes.place.forEach(function (place, i) { byPlace[place].push(i); });
  var enabled = data.layers.map(function () { return true; });  // by index into data.layers
  function enabledBits() {
    return data.layers.reduce(function (bits, layer, k) { return enabled[k] ? bits | layer[2] : bits; }, 0);
  }

  function el(tag, value, cls) {
    var node = document.createElement(tag);
    if (value !== undefined && value !== null) node.textContent = String(value);
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

  // Each place's state on a day (an index into data.dates): the last change at or before it of the
  // layers switched on, leaving out changes a switched-on layer sets aside (a map snapshot within
  // the days a report speaks for); the changes come in the order of the rule (by date, a report
  // after a map snapshot of the same day). Recaptured: Ukrainian again after being Russian-held
  // (through contested or unknown days in between, if any); never a place in Russia, which Ukraine
  // takes, not retakes.
  var UA = states.indexOf("UA"), RU = states.indexOf("RU");
  var state = new Uint8Array(count), recaptured = new Uint8Array(count);
  function computeStates(dayIndex) {
    var bits = enabledBits();
    for (var p = 0; p < count; p++) {
      var now = NONE, sawRU = false, back = 0, list = byPlace[p];
      for (var j = 0; j < list.length; j++) {
        var i = list[j];
        if (changes.day[i] > dayIndex) break;
        if (!enabled[changes.layer[i]] || (changes.outranked[i] & bits)) continue;
        now = changes.after[i];
        if (now === RU) { sawRU = true; back = 0; }
        else if (now === UA) { if (sawRU && !inRussia[p]) back = 1; sawRU = false; }
        else back = 0;
      }
      state[p] = now; recaptured[p] = back;
    }
  }

  function popup(p) {
    var box = el("div", null, "cm-popup");
    box.appendChild(el("h4", name(p)));
    if (region(p)) box.appendChild(el("div", region(p) + (inRussia[p] ? " (Russia)" : ""), "cm-meta"));
    var bits = enabledBits();
    byPlace[p].slice().reverse().forEach(function (i) {
      var item = el("div", null, "cm-event");
      var head = el("div", null, "cm-event-head");
      var before = states[changes.before[i]], after = states[changes.after[i]];
      head.appendChild(el("b", data.dates[changes.day[i]]));
      head.appendChild(document.createTextNode(" (" + text(changes.date_precision[i]) + ") "));
      head.appendChild(el("span", (LABELS[before] || before) + " \u2192 " + (LABELS[after] || after)));
      item.appendChild(head);
      var layerName = data.layers[changes.layer[i]][0];
      item.appendChild(el("div", spelling(i) + " \u00b7 " + (LAYERS[layerName] || layerName) + " \u00b7 " +
        text(changes.confidence[i]) + " \u00b7 location " + text(changes.geo_precision[i]), "cm-meta"));
      if (changes.outranked[i] & bits) item.appendChild(el("div", "Set aside: a report of these days outranks it.", "cm-meta"));
      if (text(changes.notes[i])) item.appendChild(el("div", text(changes.notes[i]), "cm-notes"));
      var list = el("ul", null, "cm-sources");
      var c = changes.cites[i];
      data.citations.sources.slice(citationStarts[c], citationStarts[c + 1]).forEach(function (k) {
        var s = data.sources[k].map(text), li = el("li"), url = safeUrl(s[3] === null ? null : s[3] + s[4]);
        var label = (s[0] || "") + (s[1] ? ": " + s[1] : "");
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

  // The places as dots on one canvas, drawn from the columns (no object per place). A dot's size
  // follows how many places the view holds: together they cover at most COVER of the screen, and
  // below MIN_RADIUS pixels they are not drawn, so that at the country view the areas, the front
  // line and the towns' names carry the picture, and the dots appear and grow as one zooms in.
  var COVER = 0.05, MIN_RADIUS = 1.5, MAX_RADIUS = 6, PAD = 0.25;
  var world = new Float64Array(2 * count);  // each place's point in pixels at zoom 0
  for (p = 0; p < count; p++) {
    var at = map.project([places.lat[p] * 1e-5, places.lon[p] * 1e-5], 0);
    world[2 * p] = at.x; world[2 * p + 1] = at.y;
  }
  function latLng(p) { return L.latLng(places.lat[p] * 1e-5, places.lon[p] * 1e-5); }
  var FILL = states.map(function (s) { return data.colours[s]; }).concat(["#ffffff"]);
  var pane = map.createPane("cmPlaces");
  pane.style.zIndex = 450;  // over the areas (400), under the popups
  pane.style.pointerEvents = "none";
  var radius = 0;

  var Dots = L.Layer.extend({
    onAdd: function () {
      this._canvas = L.DomUtil.create("canvas", "cm-dots", pane);
      map.on("moveend resize", this.redraw, this);
      map.on("zoomstart", this._hide, this);
      this.redraw();
    },
    onRemove: function () {
      L.DomUtil.remove(this._canvas);
      map.off("moveend resize", this.redraw, this);
      map.off("zoomstart", this._hide, this);
      radius = 0;
    },
    _hide: function () { this._canvas.style.visibility = "hidden"; },
    // each place's position on the canvas, and how many lie in view
    _positions: function () {
      var size = map.getSize(), scale = map.getZoomScale(map.getZoom(), 0), origin = map.getPixelOrigin();
      var pad = size.multiplyBy(PAD), topLeft = map.containerPointToLayerPoint([0, 0]).subtract(pad);
      var dx = -origin.x - topLeft.x, dy = -origin.y - topLeft.y, xy = new Float64Array(2 * count), inView = 0;
      for (var p = 0; p < count; p++) {
        var x = world[2 * p] * scale + dx, y = world[2 * p + 1] * scale + dy;
        xy[2 * p] = x; xy[2 * p + 1] = y;
        if (x >= pad.x && x <= pad.x + size.x && y >= pad.y && y <= pad.y + size.y) inView++;
      }
      return {xy: xy, topLeft: topLeft, size: size.add(pad.multiplyBy(2)), pad: pad, inView: inView, screen: size};
    },
    redraw: function () {
      var canvas = this._canvas, at = this._positions(), ratio = window.devicePixelRatio || 1;
      this._at = at;
      L.DomUtil.setPosition(canvas, at.topLeft);
      canvas.width = Math.round(at.size.x * ratio); canvas.height = Math.round(at.size.y * ratio);
      canvas.style.width = at.size.x + "px"; canvas.style.height = at.size.y + "px";
      canvas.style.visibility = "";
      var wanted = Math.sqrt(COVER * at.screen.x * at.screen.y / (Math.PI * Math.max(at.inView, 1)));
      radius = Math.min(wanted, MAX_RADIUS);
      if (radius < MIN_RADIUS) { radius = 0; return; }
      var ctx = canvas.getContext("2d"), xy = at.xy, w = at.size.x, h = at.size.y, r = radius;
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      var outline = r >= 3;
      for (var c = 0; c <= NONE; c++) {
        ctx.beginPath();
        for (var p = 0; p < count; p++) {
          var x = xy[2 * p], y = xy[2 * p + 1];
          if (state[p] !== c || x < -r || y < -r || x > w + r || y > h + r) continue;
          ctx.moveTo(x + r, y); ctx.arc(x, y, r, 0, 2 * Math.PI);
        }
        ctx.globalAlpha = c === NONE ? 0.4 : 0.9; ctx.fillStyle = FILL[c]; ctx.fill();
        ctx.globalAlpha = 1;
        if (outline) { ctx.lineWidth = 1; ctx.strokeStyle = "#222"; ctx.stroke(); }
      }
      ctx.beginPath();
      for (p = 0; p < count; p++) {
        if (!recaptured[p]) continue;
        ctx.moveTo(xy[2 * p] + r + 1, xy[2 * p + 1]); ctx.arc(xy[2 * p], xy[2 * p + 1], r + 1, 0, 2 * Math.PI);
      }
      ctx.lineWidth = Math.max(1.5, r / 2); ctx.strokeStyle = "#ffd500"; ctx.stroke();
    },
    // the drawn place nearest a point of the map's container, within reach of a finger or pointer
    nearest: function (point) {
      if (!radius || !this._at) return -1;
      var xy = this._at.xy, x = point.x + this._at.pad.x, y = point.y + this._at.pad.y;
      var reach = Math.max(radius, 4) + 4, best = -1, bestD = reach * reach;
      for (var p = 0; p < count; p++) {
        var ddx = xy[2 * p] - x, ddy = xy[2 * p + 1] - y, d = ddx * ddx + ddy * ddy;
        if (d <= bestD) { best = p; bestD = d; }
      }
      return best;
    }
  });
  var dots = new Dots();
  layer.addLayer(dots);

  function openPopup(p) {  // returns the popup's content
    var box = popup(p);
    L.popup({maxWidth: Math.min(360, window.innerWidth - 60), autoPanPadding: [10, 10]})
      .setLatLng(latLng(p)).setContent(box).openOn(map);
    return box;
  }
  var tooltip = L.tooltip({direction: "top", offset: [0, -6]}), hovered = -1;
  map.on("click", function (e) {
    if (!map.hasLayer(layer)) return;
    var p = dots.nearest(e.containerPoint);
    if (p >= 0) openPopup(p);
  });
  map.on("mousemove", function (e) {
    var p = map.hasLayer(layer) ? dots.nearest(e.containerPoint) : -1;
    if (p === hovered) return;
    hovered = p;
    map.getContainer().style.cursor = p >= 0 ? "pointer" : "";
    if (p < 0) { map.closeTooltip(tooltip); return; }
    tooltip.setLatLng(latLng(p)).setContent(el("span", name(p)));
    map.openTooltip(tooltip);
  });

  // places that share a point with an earlier place: counted once a point, as stats counts them
  var sharing = new Int32Array(count).fill(-1);
  places.shared.forEach(function (pair) { sharing[pair[0]] = pair[1]; });
  var counts = el("div", null, "cm-counts");
  function lastDayIndex(day) {  // the last day with a change at or before ``day``
    var lo = 0, hi = data.dates.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (data.dates[mid] <= day) lo = mid + 1; else hi = mid; }
    return lo - 1;
  }
  function show(day) {
    computeStates(lastDayIndex(day));
    var tally = new Array(NONE + 1).fill(0), back = 0, counted = new Uint8Array(count);
    for (var p = 0; p < count; p++) {
      var point = sharing[p] >= 0 ? sharing[p] : p;
      if (state[p] === NONE || !counted[point]) tally[state[p]] += 1;
      if (state[p] !== NONE) counted[point] = 1;
      back += recaptured[p];
    }
    counts.textContent = "Ukraine " + tally[UA] + " \u00b7 Russia " + tally[RU] + " \u00b7 contested " +
      tally[states.indexOf("contested")] + " \u00b7 recaptured " + back;
    if (map.hasLayer(dots)) dots.redraw();
    layer.cmDay = day;
    map.cmDay = day;
    map.fire("conflictmap:day", {day: day});
  }

  // One checkbox per source layer: the settlements, areas and figures follow the layers switched on.
  function layerSwitch(update) {
    var row = el("div", "Sources: ", "cm-layers");
    data.layers.forEach(function (source, k) {
      var label = el("label");
      var box = el("input");
      box.type = "checkbox"; box.checked = true; box.value = source[0];
      box.addEventListener("change", function () {
        enabled[k] = box.checked;
        map.fire("conflictmap:layers", {layers: data.layers.filter(function (_, j) { return enabled[j]; })
          .map(function (l) { return l[0]; })});
        update();
      });
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + (LAYERS[source[0]] || source[0]) + " (" + source[1].toLocaleString("en-GB") + ")"));
      row.appendChild(label);
    });
    return row;
  }

  // The day in the address (map.html#2022-09-10): the map opens on it, and moving the slider
  // updates it, so a link shares the day seen.
  var DAY_HASH = /^#(\d{4}-\d{2}-\d{2})$/;
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
      var start = lastDayIndex(opening);
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
        if (m && data.dates[+input.value] !== m[1]) { stop(); input.value = Math.max(lastDayIndex(m[1]), 0); update(); }
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

  // A search box for place names, any spelling the events use, accents and apostrophes aside:
  // suggestions as one types; Enter or a click takes the map to the place and opens its popup.
  function fold(value) {
    return value.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/['\u2019\u02bc`]/g, "").toLowerCase();
  }
  var known = null;  // [folded name, place, name], made at the first search
  function names() {
    if (known) return known;
    var seen = {};
    known = [];
    function add(value, p) {
      var key = p + "\u0000" + value;
      if (value && !seen[key]) { seen[key] = true; known.push([fold(value), p, value]); }
    }
    for (var p = 0; p < count; p++) add(name(p), p);
    Object.keys(changes.spelling).forEach(function (i) { add(spelling(+i), changes.place[+i]); });
    return known;
  }
  // what a query asks for: a name and, after a comma, a middle dot or "(", the oblast it lies in
  // ("Popivtsi, Sumy"; or as the suggestions show it); else the whole as a name
  function readings(query) {
    var whole = {name: fold(query.trim()), within: ""}, at = query.search(/[,\u00b7(][^,\u00b7(]*$/);
    if (at < 0) return [whole];
    var within = fold(query.slice(at + 1)).replace(/\)|\boblast\b|\bobl\b\.?/g, "").trim();
    return within ? [{name: fold(query.slice(0, at).trim()), within: within}, whole] : [whole];
  }
  function matches(query, most) {
    var found = [];
    readings(query).some(function (wanted) {
      var taken = {};
      if (!wanted.name) return false;
      [function (n) { return n === wanted.name; }, function (n) { return n.indexOf(wanted.name) === 0; },
       function (n) { return n.indexOf(wanted.name) > 0; }].forEach(function (test) {
        names().forEach(function (entry) {
          if (found.length < most && !taken[entry[1]] && test(entry[0]) &&
              (!wanted.within || fold(region(entry[1]) || "").indexOf(wanted.within) === 0)) {
            taken[entry[1]] = true; found.push(entry);
          }
        });
      });
      return found.length > 0;
    });
    return found;
  }
  // the place Enter takes the map to: of several with the name typed, one in view, then the one
  // with the longest story (most changes), then the nearest the centre
  function namesakes(query, most) {  // the places of exactly the name typed (any spelling), at most ``most``
    var wanted = readings(query).map(function (reading) { return reading.name; });
    return matches(query, most).filter(function (entry) { return wanted.indexOf(entry[0]) >= 0; });
  }
  function best(query) {
    var exact = namesakes(query, Infinity), bounds = map.getBounds(), centre = map.getCenter();
    if (!exact.length) { var found = matches(query, 1); return found.length ? found[0][1] : -1; }
    function rank(p) { return [bounds.contains(latLng(p)) ? 0 : 1, -byPlace[p].length, centre.distanceTo(latLng(p))]; }
    return exact.map(function (entry) { return [rank(entry[1]), entry[1]]; }).sort(function (a, b) {
      for (var k = 0; k < 3; k++) if (a[0][k] !== b[0][k]) return a[0][k] - b[0][k];
      return a[1] - b[1];
    })[0][1];
  }
  function go(p) {
    map.setView(latLng(p), Math.max(map.getZoom(), 12));
    return openPopup(p);
  }
  var Search = L.Control.extend({
    options: {position: "topleft"},
    onAdd: function () {
      var box = el("div", null, "cm-search leaflet-bar");
      var input = el("input");
      input.type = "search"; input.placeholder = "Find a place\u2026";
      input.setAttribute("aria-label", "Find a place"); input.setAttribute("autocomplete", "off");
      var list = el("ul", null, "cm-suggestions");
      list.setAttribute("role", "listbox");
      function suggest() {
        while (list.firstChild) list.removeChild(list.firstChild);
        input.classList.remove("cm-miss");
        matches(input.value, 8).forEach(function (entry) {
          var p = entry[1], where = region(p) ? " · " + region(p) : "";
          var item = el("li", (entry[2] === name(p) ? entry[2] : entry[2] + " (" + name(p) + ")") + where);
          item.setAttribute("role", "option");
          item.addEventListener("click", function () { list.textContent = ""; input.value = entry[2]; go(entry[1]); });
          list.appendChild(item);
        });
      }
      input.addEventListener("input", suggest);
      input.addEventListener("keydown", function (e) {
        if (e.key !== "Enter") return;
        var p = best(input.value);
        list.textContent = "";
        if (p < 0) { input.classList.add("cm-miss"); return; }
        go(p);
        if (namesakes(input.value, 2).length > 1) suggest();  // the others of the name stay on offer, each with its oblast
      });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      box.appendChild(input); box.appendChild(list);
      return box;
    }
  });
  new Search().addTo(map);

  // for notebooks and tests: find a place, open its popup, read its dot, show another day
  map.cmSettlements = {
    count: count,
    name: name,
    find: best,
    namesakes: function (query) { return namesakes(query, Infinity).map(function (entry) { return entry[1]; }); },
    open: openPopup,
    go: go,
    fill: function (p) { return FILL[state[p]]; },
    recaptured: function () { return recaptured.reduce(function (a, b) { return a + b; }, 0); },
    radius: function () { return radius; },
    show: show
  };
}
