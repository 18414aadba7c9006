/* The city guide's maps (onestop.guide): Leaflet served by this site, never a CDN.
   Reads its configuration from the JSON block #map-data (no inline script: the CSP forbids
   it). Tiles are drawn only when the platform sets a tile server; without one, or without a
   network, places and roads are drawn over a plain background and the list on the page
   stays the way in. */
(function () {
  "use strict";
  var box = document.getElementById("map");
  var data = document.getElementById("map-data");
  if (!box || !data || typeof L === "undefined") { return; }
  var cfg = JSON.parse(data.textContent);
  var map = L.map(box, { scrollWheelZoom: false, attributionControl: !!cfg.tiles });
  if (cfg.tiles) {
    L.tileLayer(cfg.tiles, { maxZoom: 19, attribution: cfg.attribution || "" }).addTo(map);
  } else {
    box.classList.add("map--plain");
  }
  var colours = { free: "#1b7f3b", slow: "#b36b00", congested: "#c0392b", blocked: "#7b1020",
                  unknown: "#6b7280" };
  var layers = [];
  cfg.features.forEach(function (f) {
    var layer;
    if (cfg.lines) {
      layer = L.polyline(f.line.map(function (p) { return [p[1], p[0]]; }), {
        color: colours[f.status] || colours.unknown, weight: 7, opacity: f.stale ? 0.5 : 0.9,
        dashArray: f.stale || f.status === "unknown" ? "6 8" : null });
    } else {
      layer = L.circleMarker([f.lat, f.lon], { radius: 8, color: "#0b4f8a", weight: 2,
                                               fillColor: "#1d6fb8", fillOpacity: 0.85 });
    }
    var link = document.createElement("a");
    link.href = f.url;
    link.textContent = f.name;
    var popup = document.createElement("div");
    popup.appendChild(link);
    if (f.note) {
      var note = document.createElement("div");
      note.textContent = f.note;
      popup.appendChild(note);
    }
    layer.bindPopup(popup);
    layer.addTo(map);
    layers.push(layer);
  });
  if (layers.length) {
    map.fitBounds(L.featureGroup(layers).getBounds().pad(0.15), { maxZoom: 16 });
  } else {
    map.fitBounds(cfg.bounds);
  }
})();
